"""Fixtures of the simulator tests: models location, fleets (see sim_helpers for clients)."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import pytest

from netdata.sim import MODELS_ENV
from netdata.sim.testing import sim_fleet, sim_fleet_factory

__all__ = ["sim_fleet", "sim_fleet_factory"]

# --import-mode=importlib does not put test folders on sys.path; the helpers live here.
sys.path.insert(0, str(Path(__file__).parent))

from sim_helpers import MODELS

os.environ.setdefault(MODELS_ENV, str(MODELS))

# pygnmi logs every failed RPC at CRITICAL level; the tests check the errors themselves.
logging.getLogger("pygnmi").setLevel(logging.CRITICAL + 1)


def pytest_configure(config: pytest.Config) -> None:
    if not MODELS.is_dir():
        raise pytest.UsageError(
            f"OpenConfig models not found at {MODELS}: set {MODELS_ENV} or check out ../shared"
        )
