"""The `netdata` command line: the demo, the doctor, and errors without tracebacks."""

from __future__ import annotations

import json
import os
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


def test_demo_without_models_is_a_setup_error(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), "NETDATA_YANG_PATH": ""}
    done = _netdata("demo", env=env)
    assert done.returncode == 2
    assert "no YANG models" in done.stderr and "netdata models fetch" in done.stderr
    assert "Traceback" not in done.stderr


def test_doctor_reports_the_cue_binary_and_models(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, models: Path
) -> None:
    monkeypatch.setenv("NETDATA_YANG_PATH", str(models))
    assert main(["doctor"]) == 0
    cue_line, models_line, sim_line = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"cue: /\S+/cue \(v0\.(1[7-9]|[2-9]\d)\.\d+\)", cue_line)
    assert models_line == f"models: {models} (pinned: https://github.com/openconfig/public v5.9.0)"
    assert sim_line.startswith("simulator: libyang, grpcio and cryptography importable")


def test_doctor_names_what_is_missing_and_exits_1(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), "NETDATA_YANG_PATH": ""}
    done = _netdata("doctor", "--json", env=env)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] is False
    [models_check] = [c for c in report["checks"] if c["name"] == "models"]
    assert models_check["ok"] is False and "netdata models fetch" in models_check["detail"]


def test_missing_cue_is_a_setup_error_without_traceback(tmp_path: Path, models: Path) -> None:
    env = {"PATH": str(tmp_path), "HOME": str(tmp_path), "NETDATA_CUE": str(tmp_path / "cue")}
    env["NETDATA_YANG_PATH"] = str(models)  # the models are there: cue is what is missing
    done = _netdata("demo", env=env)
    assert done.returncode == 2
    assert "netdata: setup error:" in done.stderr
    assert "go install cuelang.org/go/cmd/cue@v0.17.1" in done.stderr
    assert "Traceback" not in done.stderr
