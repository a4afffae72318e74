"""The public pipeline API, exercised by examples/pipeline.py against simulated devices, and
the results' raise_for_status()."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import netdata
from netdata.cli import main
from netdata.push import DeviceResult, Report
from netdata.sim import SimFleet

REPO = Path(__file__).resolve().parents[1]
FABRIC = ["leaf1", "leaf2", "leaf3", "leaf4", "spine1", "spine2"]


def test_the_example_script_builds_diffs_and_pushes(
    tmp_path: Path, models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NETDATA_YANG_PATH", str(models))
    repo = tmp_path / "lab"
    assert main(["init", "-q", str(repo)]) == 0
    with SimFleet(FABRIC, models=models) as fleet:
        fleet.write_targets(tmp_path / "targets.json")
        script = [sys.executable, str(REPO / "examples" / "pipeline.py"), str(repo)]
        targets = ["--targets", str(tmp_path / "targets.json")]
        done = subprocess.run([*script, *targets], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        lines = done.stdout.splitlines()
        assert lines[:3] == [
            "inventory: 6 devices",
            f"build: 6 devices into {repo / 'build'}",
            "validate: 6 files valid",
        ]
        assert all(line.startswith("diff: ") and " 0 changes" not in line for line in lines[3:9])
        assert lines[9:] == ["push: 6 changed"]
        assert [d.commits for d in fleet] == [1] * 6
        again = subprocess.run([*script, *targets], capture_output=True, text=True, timeout=300)
        assert again.stdout.splitlines()[-1] == "push: 6 unchanged"
        assert [d.commits for d in fleet] == [1] * 6


def test_raise_for_status_names_the_failed_devices(
    tmp_path: Path, models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NETDATA_YANG_PATH", str(models))
    repo = tmp_path / "lab"
    assert main(["init", "-q", str(repo)]) == 0
    leaf = repo / "groups" / "role" / "leaf.yaml"
    leaf.write_text(leaf.read_text() + "\nbogus_key_for_the_test: 1\n")
    result = netdata.build(repo)
    assert result.failed == ["leaf1", "leaf2", "leaf3", "leaf4"]
    with pytest.raises(netdata.BuildError) as raised:
        result.raise_for_status()
    message = str(raised.value)
    assert all(f"{name} failed" in message for name in result.failed)
    assert "spine1" not in message


def test_a_push_report_raises_for_failed_devices_only() -> None:
    ok = Report([DeviceResult("leaf2", "unchanged"), DeviceResult("leaf1", "changed")])
    assert ok.raise_for_status() is ok
    bad = Report([DeviceResult("leaf1", "failed", message="connect timeout"), *ok.results])
    with pytest.raises(netdata.PushError) as raised:
        bad.raise_for_status()
    assert str(raised.value) == "push failed:\n  leaf1 failed: connect timeout"


def test_validate_results_raise_for_the_invalid_documents_only(
    tmp_path: Path,
    models: Path,
    monkeypatch: pytest.MonkeyPatch,
    interfaces_document: Callable[[int], dict[str, Any]],
) -> None:
    monkeypatch.setenv("NETDATA_YANG_PATH", str(models))
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(interfaces_document(9000), indent=1))
    bad.write_text(json.dumps(interfaces_document(70000), indent=1))
    fine = netdata.validate([good])
    assert fine.ok and fine.raise_for_status() is fine
    assert fine[0].raise_for_status() is fine[0]
    results = netdata.validate([good, bad])
    assert not results.ok and [r.file for r in results.invalid] == [str(bad)]
    with pytest.raises(netdata.DocumentError) as raised:
        results.raise_for_status()
    message = str(raised.value)
    assert message.startswith("1 of 2 documents invalid:\n")
    assert "bad.json: invalid" in message and "good.json" not in message
    assert "/interfaces/interface[name=eth0]/config/mtu" in message
    assert f"({bad}:" in message  # the source position
    with pytest.raises(netdata.DocumentError) as one:
        results[1].raise_for_status()
    assert str(one.value) == results[1].text()
