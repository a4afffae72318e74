"""`netdata init DIR`, then build, diff and push in DIR against `netdata sim --write-targets`,
from the shell and through the `cue cmd` workflows (the real cue, the real CLI)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from netdata.cli import main

NETDATA = Path(sys.executable).parent / "netdata"
FABRIC = ["leaf1", "leaf2", "leaf3", "leaf4", "spine1", "spine2"]


def netdata(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(NETDATA), *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300
    )


@pytest.fixture
def lab(tmp_path: Path, cli_env: dict[str, str]) -> Iterator[Path]:
    """`netdata init lab`, built, with `netdata sim` serving its devices (targets.json)."""
    root = tmp_path / "lab"
    init = netdata("init", str(root), cwd=tmp_path, env=cli_env)
    assert init.returncode == 0, init.stderr
    built = netdata("build", cwd=root, env=cli_env)
    assert built.returncode == 0, built.stdout + built.stderr
    assert "6 devices: 6 built, 0 up to date, 0 failed" in built.stdout
    sim = subprocess.Popen(
        [
            str(NETDATA),
            "sim",
            "--devices-from",
            "build",
            "--write-targets",
            "targets.json",
            "--json",
        ],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env,
    )
    try:
        assert sim.stdout is not None
        ready = json.loads(sim.stdout.readline())
        assert sorted(d["name"] for d in ready["devices"]) == FABRIC
        assert ready["targets"] == "targets.json"
        yield root
    finally:
        sim.terminate()
        sim.wait(timeout=30)


def test_init_writes_a_repository_that_builds_diffs_and_pushes(
    lab: Path, cli_env: dict[str, str]
) -> None:
    assert {p.name for p in lab.iterdir()} >= {
        "netdata.yaml",
        ".pre-commit-config.yaml",
        ".gitignore",
        "inventory",
        "groups",
        "transforms",
        "build",
        "targets.json",
    }
    before = netdata("diff", "--json", "--exit-code", cwd=lab, env=cli_env)
    assert before.returncode == 1, before.stderr  # every device differs: they started empty
    report = json.loads(before.stdout)
    assert [d["device"] for d in report["devices"]] == FABRIC
    assert all(d["status"] == "would-change" and d["changes"] for d in report["devices"])
    pushed = netdata("push", "--json", cwd=lab, env=cli_env)
    assert pushed.returncode == 0, pushed.stderr
    assert json.loads(pushed.stdout)["counts"]["changed"] == 6
    after = netdata("diff", "--exit-code", cwd=lab, env=cli_env)
    assert after.returncode == 0, after.stdout + after.stderr
    assert "0 changed, 6 unchanged" in after.stdout


def test_cue_cmd_workflows_build_diff_and_push_the_repository(
    lab: Path, cli_env: dict[str, str], cue_cmd: Any
) -> None:
    built = cue_cmd("-t", f"repo={lab}", "build", env=cli_env)
    assert built.returncode == 0, built.stderr
    assert built.stdout == f"6 devices: 0 built, 0 failed; output in {lab / 'build'}\n"
    diffed = cue_cmd("-t", f"repo={lab}", "diff", env=cli_env)
    assert diffed.returncode == 0, diffed.stderr
    lines = diffed.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == FABRIC
    assert all(": would-change, " in line and "0 changes" not in line for line in lines)
    pushed = cue_cmd("-t", f"repo={lab}", "push", env=cli_env)
    assert pushed.returncode == 0, pushed.stderr
    assert pushed.stdout == "changed: 6\n"
    assert list((lab / ".netdata" / "journal").iterdir())  # the journal went into the repo
    again = cue_cmd("-t", f"repo={lab}", "push", env=cli_env)
    assert again.stdout == "unchanged: 6\n"


def test_a_failed_device_fails_the_build_workflow(
    tmp_path: Path, cli_env: dict[str, str], cue_cmd: Any
) -> None:
    root = tmp_path / "lab"
    assert main(["init", "-q", str(root)]) == 0
    group = root / "groups" / "all.yaml"
    group.write_text(group.read_text() + "\nbogus_key_for_the_test: 1\n")
    done = cue_cmd("-t", f"repo={root}", "build", env=cli_env)
    assert done.returncode != 0
    assert "6 failed" in done.stdout and "failed: leaf1" in done.stdout


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    assert main(["init", str(tmp_path)]) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]
