"""`netdata demo`: the example fabric from inventory to push on in-process simulated devices,
run as the README says (the installed command, in an empty folder, nothing else running)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

FABRIC = ["leaf1", "leaf2", "leaf3", "leaf4", "spine1", "spine2"]


def _demo(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "netdata", "demo", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
        check=False,
    )


def test_demo_builds_pushes_and_pushes_again_without_a_set(
    tmp_path: Path, cli_env: dict[str, str], oracle: Any
) -> None:
    work = tmp_path / "work"
    done = _demo("--json", "--workdir", str(work), cwd=tmp_path, env=cli_env)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] is True and report["devices"] == FABRIC
    assert {n: d["status"] for n, d in report["build"]["devices"].items()} == dict.fromkeys(
        FABRIC, "ok"
    )
    assert [d["status"] for d in report["diff"]["devices"]] == ["would-change"] * 6
    assert all(d["changes"] for d in report["diff"]["devices"])
    assert report["push"]["counts"]["changed"] == 6
    assert report["push_again"]["counts"]["unchanged"] == 6
    assert all(d["changes"] == [] for d in report["push_again"]["devices"])
    assert report["commits"] == dict.fromkeys(FABRIC, 1)  # the second push sent no Set
    assert set(report["seconds"]) == {
        "inventory", "build", "devices", "diff", "push", "push again"
    }
    for name in FABRIC:  # what was pushed is what libyang accepts
        config = json.loads((work / "fabric" / "build" / f"{name}.json").read_text())
        assert oracle.check_doc(config) == (True, ""), name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["work"]  # nothing else written


def test_demo_text_names_each_step_and_leaves_nothing_behind(
    tmp_path: Path, cli_env: dict[str, str]
) -> None:
    done = _demo(cwd=tmp_path, env=cli_env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    heads = [line.split()[0] for line in lines if line and not line.startswith(" ")]
    assert heads[:7] == ["netdata", "inventory", "build", "devices", "diff", "push", "push"]
    assert "inventory   6 devices: leaf1, leaf2, leaf3, leaf4, spine1, spine2" in done.stdout
    assert "6 configs built and validated against the YANG models, 0 failed" in done.stdout
    assert any(line.startswith("push again  6 unchanged") for line in lines)
    assert "  leaf1:" in lines and any("interface[name=Ethernet1]" in line for line in lines)
    assert lines[-1].startswith("demo ok in ")
    assert "\x1b[" not in done.stdout + done.stderr
    assert list(tmp_path.iterdir()) == []  # the temporary work folder is gone
