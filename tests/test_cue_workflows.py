"""The `cue cmd` workflows in cue/netdata_tool.cue, run by the real cue against the real CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def test_demo_workflow_runs_the_demo(tmp_path: Path, models: Path, cue_cmd: Any) -> None:
    done = cue_cmd("demo", env={"NETDATA_YANG_PATH": str(models), "XDG_CACHE_HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].startswith("demo ok in ")


def test_validate_workflow_fails_on_an_invalid_document(
    tmp_path: Path, models: Path, interfaces_document: Callable[[int], dict[str, Any]], cue_cmd: Any
) -> None:
    (tmp_path / "good.json").write_text(json.dumps(interfaces_document(9000)))
    (tmp_path / "bad.json").write_text(json.dumps(interfaces_document(70000)))
    env = {"NETDATA_YANG_PATH": str(models), "XDG_CACHE_HOME": str(tmp_path / "cache")}

    valid = cue_cmd("-t", f"files={tmp_path / 'good.json'}", "validate", env=env)
    assert valid.returncode == 0, valid.stderr
    assert f"{tmp_path / 'good.json'}: valid" in valid.stdout

    invalid = cue_cmd(
        "-t", f"files={tmp_path / 'good.json'},{tmp_path / 'bad.json'}", "validate", env=env
    )
    assert invalid.returncode != 0
    assert "/interfaces/interface[name=eth0]/config/mtu" in invalid.stdout
    assert "exit status 1" in invalid.stderr


def test_fetch_workflow_writes_host_variables_and_prints_the_count(
    tmp_path: Path, cue_cmd: Any
) -> None:
    done = cue_cmd(
        "-t",
        f"file={REPO / 'inventory' / 'lab.yaml'}",
        "-t",
        f"out={tmp_path / 'hosts'}",
        "fetch",
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "hosts").iterdir()) == ["leaf1.yaml", "spine1.yaml"]
    assert done.stdout == f"fetched 2 devices into {tmp_path / 'hosts'}/\n"


def test_a_failing_step_prints_netdata_s_error_and_fails(tmp_path: Path, cue_cmd: Any) -> None:
    done = cue_cmd("-t", f"file={tmp_path / 'none.yaml'}", "-t", f"out={tmp_path}", "fetch")
    assert done.returncode != 0
    assert done.stdout == f"netdata: {tmp_path / 'none.yaml'}: No such file or directory\n"
    assert 'command ["false"] failed' in done.stderr
