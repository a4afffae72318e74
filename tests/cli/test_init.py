"""`netdata init DIR`, then build, diff and push in DIR against `netdata sim --write-targets`,
from the shell and through the `cue cmd` workflows (the real cue, the real CLI)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from netdata.cli import main
from netdata.cue import find_cue

NETDATA = Path(sys.executable).parent / "netdata"
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
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


def test_the_pre_commit_config_builds_each_commit_and_refuses_a_failed_device(
    tmp_path: Path, cli_env: dict[str, str]
) -> None:
    """The written .pre-commit-config.yaml, installed by the real pre-commit, on real commits."""
    root = tmp_path / "lab"
    assert main(["init", "-q", str(root)]) == 0
    # The hook's documented requirement (language: system): netdata and cue on PATH.
    path = [str(NETDATA.parent), str(find_cue().path.parent), cli_env.get("PATH", "")]
    env = {**cli_env, "PATH": os.pathsep.join(path), "PRE_COMMIT_HOME": str(tmp_path / "pc")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:  # git prints hooks on stderr
        return subprocess.run(
            args,
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=300,
            check=False,
        )

    def commit(message: str) -> subprocess.CompletedProcess[str]:
        assert run("git", "add", "-A").returncode == 0
        who = ["-c", "user.name=netdata", "-c", "user.email=netdata@example.invalid"]
        return run("git", *who, "commit", "-q", "-m", message)

    assert run("git", "init", "-q").returncode == 0
    installed = run(str(PRE_COMMIT), "install")
    assert installed.returncode == 0, installed.stdout
    first = commit("the example fabric")
    assert first.returncode == 0, first.stdout
    assert "build the affected devices (netdata)" in first.stdout and "Passed" in first.stdout
    assert sorted(p.stem for p in (root / "build").iterdir()) == ["build", *FABRIC]

    leaf = root / "groups" / "role" / "leaf.yaml"
    leaf.write_text(leaf.read_text() + "mtu: 70000\n")
    refused = commit("a bad leaf group")
    assert refused.returncode == 1, refused.stdout
    assert "Failed" in refused.stdout
    assert all(f"{name}: failed" in refused.stdout for name in FABRIC[:4])
    assert "groups/role/leaf.yaml:" in refused.stdout and "spine1" not in refused.stdout
    assert run("git", "rev-list", "--count", "HEAD").stdout == "1\n"  # not committed

    leaf.write_text(leaf.read_text().replace("mtu: 70000\n", ""))
    (root / "README.md").write_text("our lab\n")
    fixed = commit("the leaf group as it was, a README")
    assert fixed.returncode == 0, fixed.stdout
    assert run("git", "rev-list", "--count", "HEAD").stdout == "2\n"
