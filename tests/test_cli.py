"""The `netdata` command line: the demo, the doctor, and errors without tracebacks."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from netdata.cli import main


def _netdata(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "netdata", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_demo_builds_the_embedded_fleet(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    devices = json.loads(capsys.readouterr().out)
    assert sorted(devices) == ["leaf1", "spine1"]
    spine_ports = devices["spine1"]["interfaces"]["interface"]
    assert spine_ports["Ethernet1"]["config"] == {
        "name": "Ethernet1",
        "type": "iana-if-type:ethernetCsmacd",
        "mtu": 9216,
        "enabled": True,
        "description": "to leaf1",
    }
    assert spine_ports["Ethernet2"]["config"]["enabled"] is False


def test_doctor_reports_the_cue_binary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert re.match(r"cue: /\S+/cue \(v0\.(1[7-9]|[2-9]\d)\.\d+\)", out)


def test_missing_cue_is_a_setup_error_without_traceback(tmp_path: Path) -> None:
    env = {"PATH": str(tmp_path), "HOME": str(tmp_path), "NETDATA_CUE": str(tmp_path / "cue")}
    done = _netdata("demo", env=env)
    assert done.returncode == 2
    assert "netdata: setup error:" in done.stderr
    assert "go install cuelang.org/go/cmd/cue@v0.17.1" in done.stderr
    assert "Traceback" not in done.stderr
