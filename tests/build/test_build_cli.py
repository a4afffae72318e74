"""`netdata build`: exit status, --json, selection flags, usage errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from netdata.cli import main


def test_build_command_json_and_exit_status(
    repo: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root = repo({"groups/role/spine.yaml": "mtu: 70000\n"})
    assert main(["build", "--repo", str(root), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    assert report["devices"]["leaf1"]["status"] == "ok"
    assert report["devices"]["spine1"]["errors"][0]["positions"] == ["groups/role/spine.yaml:1:6"]
    assert main(["build", "--repo", str(root), "--role", "leaf"]) == 0
    out = capsys.readouterr().out
    assert "2 devices: 0 built, 2 up to date, 0 failed" in out
    assert main(["build", "--repo", str(root), "--device", "leaf1", "--force"]) == 0
    assert "1 devices: 1 built" in capsys.readouterr().out
    other = root / "elsewhere"
    assert main(["build", "--repo", str(root), "--role", "leaf", "-o", str(other)]) == 0
    assert sorted(p.name for p in other.iterdir()) == ["build.json", "leaf1.json", "leaf2.json"]


@pytest.mark.parametrize("args", [["--shard", "3/2"], ["--shard", "x"], ["--jobs", "0"]])
def test_usage_errors_exit_2(
    repo: Callable[..., Path], args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", "--repo", str(repo()), *args]) == 2
    assert "usage error" in capsys.readouterr().err
