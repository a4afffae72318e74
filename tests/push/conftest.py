"""Fixtures of the push tests: simulated devices (netdata.sim), the schema, build folders."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import pytest

from netdata.sim.testing import sim_fleet, sim_fleet_factory

__all__ = ["sim_fleet", "sim_fleet_factory"]

# --import-mode=importlib does not put test folders on sys.path; the helpers live here.
sys.path.insert(0, str(Path(__file__).parent))

from push_helpers import MODELS

os.environ.setdefault("NETDATA_YANG_PATH", str(MODELS))
# Push must never read credentials the developer happens to have set.
for variable in ("NETDATA_GNMI_USERNAME", "NETDATA_GNMI_PASSWORD"):
    os.environ.pop(variable, None)
logging.getLogger("pygnmi").setLevel(logging.CRITICAL + 1)


@pytest.fixture(scope="session")
def schema() -> object:
    from netdata.schema import build_schema

    return build_schema(MODELS).schema
