"""Push through a real Dask cluster to simulated devices, groups pinned by resource."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cluster_lab import Cluster  # bench/, on sys.path by conftest.py

from netdata.push import Options, Placement, Policy, diff_configs, push
from netdata.sim.testing import sim_fleet_factory
from tests.push.push_helpers import MODELS, corpus, with_hostname, write_build, write_targets

__all__ = ["sim_fleet_factory"]
SITES = {"leaf1": "ams", "leaf2": "fra", "leaf3": "ams", "leaf4": "lon"}  # no worker is at lon


@pytest.fixture
def lab(sim_fleet_factory: Any, tmp_path: Path) -> tuple[Any, Path, Path, dict[str, Any]]:
    configs = {n: with_hostname(corpus("p015"), n) for n in SITES}
    hosts = {n: {"role": "leaf", "location": s, "primary_ip4": "127.0.0.1/32"}
             for n, s in SITES.items()}
    fleet = sim_fleet_factory(list(SITES))
    build = write_build(tmp_path / "build", configs, hosts=hosts)
    return fleet, build, write_targets(tmp_path / "targets.json", fleet), configs


def _events(journal: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in journal.read_text().splitlines()]


def test_push_pinned_by_location_journal_written_by_the_coordinator(
    lab: Any, cluster: Cluster, tmp_path: Path
) -> None:
    fleet, build, targets, configs = lab
    from netdata.schema import build_schema

    schema = build_schema(MODELS).schema
    with cluster.client() as client:
        workers = cluster.workers(client)
        report = push(build, targets=targets, journal_dir=tmp_path / "journal",
                      executor=client, policy=Policy(max_failures=None), options=Options())
        status = {r.device: r.status for r in report.results}
        assert status == {"leaf1": "changed", "leaf2": "changed", "leaf3": "changed",
                          "leaf4": "failed"}
        lon = next(r for r in report.results if r.device == "leaf4")
        assert "site-lon" in lon.message and fleet["leaf4"].config == {}
        for name in ("leaf1", "leaf2", "leaf3"):
            assert diff_configs(configs[name], fleet[name].config, schema) == []
        assert report.journal is not None
        events = _events(report.journal)
        ran_on = {e["device"]: e["worker"] for e in events if e["event"] == "result"}
        assert ran_on == {"leaf1": workers["w1"], "leaf2": workers["w2"], "leaf3": workers["w1"]}
        kinds = [e["event"] for e in events if e.get("device") == "leaf2"]
        assert kinds == ["diff", "set", "verified", "result"]
        before = next(e["before"] for e in events if e["event"] == "diff")
        assert (report.journal.parent / before).is_file()  # the snapshot, written here

        again = push(build, targets=targets, journal_dir=tmp_path / "journal", executor=client,
                     placement=Placement(fallback=True))
    status = {r.device: r.status for r in again.results}
    assert status == {"leaf1": "unchanged", "leaf2": "unchanged", "leaf3": "unchanged",
                      "leaf4": "changed"}  # lon: no worker advertises it, any worker then
    assert [fleet[n].commits for n in SITES] == [1, 1, 1, 1]
