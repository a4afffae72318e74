"""`netdata sim` as a user runs it: a subprocess serving until interrupted."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sim_helpers import MODELS, P001, client, corpus_text

from netdata.sim import MODELS_ENV


def start(args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "netdata", "sim", "--models", str(MODELS), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def read_until_ready(proc: subprocess.Popen[str]) -> dict[str, str]:
    assert proc.stdout is not None
    lines = {}
    for line in proc.stdout:
        if line.strip() == "ready":
            return lines
        name, _, value = line.strip().partition(" ")
        lines[name] = value
    raise AssertionError(
        f"netdata sim exited early: {proc.wait()} {proc.stderr.read() if proc.stderr else ''}"
    )


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], dict[str, str]]]:
    (tmp_path / "leaf1.json").write_text(corpus_text(P001))
    (tmp_path / "leaf2.json").write_text("{}")
    proc = start(
        ["--startup-dir", str(tmp_path), "--gateway-port", "0", "--username", "admin"],
        env={"NETDATA_SIM_PASSWORD": "pw"},
    )
    try:
        yield proc, read_until_ready(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host, int(port)


def test_serves_devices_until_interrupted(
    served: tuple[subprocess.Popen[str], dict[str, str]],
) -> None:
    proc, lines = served
    assert set(lines) == {"leaf1", "leaf2", "gateway"}
    with client(address(lines["leaf1"]), username="admin", password="pw") as gc:
        got = gc.get(
            path=["/interfaces/interface[name=Ethernet1]/config/mtu"], encoding="json_ietf"
        )
        assert got["notification"][0]["update"][0]["val"] == 9100
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=20) == 130


def test_username_without_password_is_a_usage_error() -> None:
    env = {k: v for k, v in os.environ.items() if k != "NETDATA_SIM_PASSWORD"}
    proc = subprocess.run(
        [sys.executable, "-m", "netdata", "sim", "--models", str(MODELS), "--username", "u"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 2 and "NETDATA_SIM_PASSWORD" in proc.stderr


def run_sim(args: list[str]) -> subprocess.CompletedProcess[str]:
    """`netdata sim ARGS` that must exit at once (bad input)."""
    return subprocess.run(
        [sys.executable, "-m", "netdata", "sim", *args],
        capture_output=True,
        text=True,
        env={**os.environ, MODELS_ENV: str(MODELS)},
        timeout=60,
    )


def test_invalid_startup_file_is_reported_without_traceback(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('{"openconfig-interfaces:interfaces": {"bogus": 1}}')
    proc = run_sim(["--startup-dir", str(tmp_path)])
    assert proc.returncode == 2
    assert "bad.json" in proc.stderr and "bogus" in proc.stderr
    assert "Traceback" not in proc.stderr


def serve(args: list[str], env: dict[str, str] | None = None) -> Iterator[dict[str, str]]:
    proc = start(args, env)
    try:
        yield read_until_ready(proc)
    finally:
        proc.kill()
        proc.wait()


def test_devices_by_name_and_targets_file(tmp_path: Path) -> None:
    targets = tmp_path / "targets.json"
    args = ["--device", "spine1", "--device", "leaf2", "--write-targets", str(targets)]
    for lines in serve([*args, "--username", "admin"], {"NETDATA_SIM_PASSWORD": "s3cret"}):
        assert set(lines) == {"spine1", "leaf2", "targets"}
        written = json.loads(targets.read_text())
        assert written["defaults"] == {
            "commit_confirmed": True,
            "plaintext": True,
            "username_env": "NETDATA_SIM_USERNAME",
            "password_env": "NETDATA_SIM_PASSWORD",
        }
        assert "s3cret" not in targets.read_text() and "admin" not in targets.read_text()
        entry = written["devices"]["spine1"]
        assert f"{entry['address']}:{entry['port']}" == lines["spine1"]
        assert set(written["devices"]) == {"spine1", "leaf2"}
        with client((entry["address"], entry["port"]), username="admin", password="s3cret") as gc:
            assert gc.capabilities()["gnmi_version"] == "0.8.0"


def test_devices_from_a_build_output_started_empty(tmp_path: Path) -> None:
    build = tmp_path / "build"
    build.mkdir()
    devices = {"leaf1": {"status": "ok"}, "leaf2": {"status": "failed"}}
    (build / "build.json").write_text(json.dumps({"format": 1, "devices": devices}))
    targets = tmp_path / "t.json"
    args = ["--devices-from", str(build), "--tls-dir", str(tmp_path / "tls")]
    for lines in serve([*args, "--write-targets", str(targets)]):
        assert {"leaf1", "leaf2"} <= set(lines)
        written = json.loads(targets.read_text())
        assert written["defaults"]["ca"] == lines["tls-cert"]
        assert "plaintext" not in written["defaults"]
        entry = written["devices"]["leaf1"]
        with client(
            (entry["address"], entry["port"]), insecure=False, path_cert=lines["tls-cert"]
        ) as gc:
            assert gc.get(path=["/"], datatype="config", encoding="json_ietf")["notification"]


def test_devices_from_a_folder_without_build_json(tmp_path: Path) -> None:
    proc = run_sim(["--devices-from", str(tmp_path)])
    assert proc.returncode == 2 and "build.json" in proc.stderr
    assert "Traceback" not in proc.stderr
