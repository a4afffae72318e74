"""The pipeline's real output: a repository `netdata build` built, pushed to simulated devices."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from push_helpers import REPO, write_targets

import netdata

sys.path.insert(0, str(REPO / "bench"))
from fleet import write_fleet  # the one fleet generator (bench/fleet.py)


def test_a_built_repository_pushes_and_a_second_push_sends_no_set(
    sim_fleet_factory: Any, tmp_path: Path, models: Path
) -> None:
    root = tmp_path / "repo"
    write_fleet(root, 3)
    (root / "netdata.yaml").write_text(
        f"inventory: inventory/hosts\nmodels: [{models}]\npush:\n  targets: targets.json\n"
    )
    netdata.build(root)
    manifest = json.loads((root / "build" / "build.json").read_text())
    names = sorted(manifest["devices"])
    assert len(names) == 3 and all(d["status"] == "ok" for d in manifest["devices"].values())
    fleet = sim_fleet_factory(names)
    write_targets(root / "targets.json", fleet)  # the inventory's 10.255.x.x are not loopback
    settings = {"targets": "targets.json"}
    first = netdata.push(
        root / "build", settings=settings, settings_dir=root, journal_dir=tmp_path / "journal"
    )
    assert first.ok and first.counts["changed"] == 3, [r.message for r in first.results]
    assert all(d.commits == 1 for d in fleet)
    second = netdata.push(
        root / "build", settings=settings, settings_dir=root, journal_dir=tmp_path / "journal"
    )
    assert second.counts["unchanged"] == 3 and all(d.commits == 1 for d in fleet)
