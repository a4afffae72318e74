"""The netdata-build pre-commit hook, run by the real pre-commit in a git repository."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from netdata.cue import find_cue

REPO = Path(__file__).resolve().parents[2]
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"


def test_hook_builds_the_devices_the_changed_files_affect(
    repo: Callable[..., Path], models: Path, tmp_path: Path
) -> None:
    root = repo({".gitignore": "build/\n", "README.md": "a network\n"})
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "."], cwd=root, check=True)
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(find_cue().path.parent), os.environ.get("PATH", "")]),
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit"),
        "NETDATA_YANG_PATH": str(models),
    }

    def hook(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(PRE_COMMIT), "try-repo", str(REPO), "netdata-build", "--files", *files],
            cwd=root, env=env, capture_output=True, text=True, check=False,
        )

    passed = hook("groups/role/spine.yaml")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert sorted(p.name for p in (root / "build").iterdir()) == ["build.json", "spine1.json"]

    (root / "groups" / "role" / "leaf.yaml").write_text("mtu: 70000\n")
    failed = hook("groups/role/leaf.yaml")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "leaf1: failed" in failed.stdout and "leaf2: failed" in failed.stdout
    assert "groups/role/leaf.yaml:1:6" in failed.stdout
    assert "spine1" not in failed.stdout

    assert hook("README.md").returncode == 0  # affects no device
