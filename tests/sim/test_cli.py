"""`netdata sim` as a user runs it: a subprocess serving until interrupted."""

from __future__ import annotations

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


def test_invalid_startup_file_is_reported_without_traceback(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('{"openconfig-interfaces:interfaces": {"bogus": 1}}')
    proc = subprocess.run(
        [sys.executable, "-m", "netdata", "sim", "--startup-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        env={**os.environ, MODELS_ENV: str(MODELS)},
        timeout=60,
    )
    assert proc.returncode == 3
    assert "bad.json" in proc.stderr and "bogus" in proc.stderr
    assert "Traceback" not in proc.stderr
