"""The Dask cluster of the executor tests: a real scheduler and two one-thread workers on
loopback (bench/cluster_lab.py's :class:`Cluster`: subprocesses, stopped by PID)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from cluster_lab import Cluster

__all__ = ["Cluster"]


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A scheduler and two workers ``w1`` (``site-ams``) and ``w2`` (``site-fra``)."""
    found = Cluster(tmp_path_factory.mktemp("dask"))
    try:
        found.start_scheduler()
        found.start_worker("w1", "site-ams=1")
        found.start_worker("w2", "site-fra=1")
        yield found
    finally:
        found.close()
