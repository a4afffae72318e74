"""Fixtures of the CLI tests: an environment whose schema cache already holds the pinned build."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from netdata.schema import build_schema


@pytest.fixture(scope="session")
def cli_env(models: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment whose schema cache already holds the pinned build."""
    cache = tmp_path_factory.mktemp("xdg")
    build_schema(models, cache_dir=cache / "netdata" / "schema")
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    return {**env, "XDG_CACHE_HOME": str(cache), "NETDATA_YANG_PATH": str(models)}
