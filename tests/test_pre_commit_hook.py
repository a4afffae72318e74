"""The netdata-validate pre-commit hook, installed and run by the real pre-commit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from netdata.cue import find_cue

REPO = Path(__file__).resolve().parents[1]
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"


def test_hook_rejects_an_invalid_document_and_names_it(
    tmp_path: Path, models: Path, interfaces_document: Callable[[int], dict[str, Any]]
) -> None:
    configs = tmp_path / "configs"
    configs.mkdir()
    (configs / "good.json").write_text(json.dumps(interfaces_document(9000), indent=1))
    (configs / "bad.json").write_text(json.dumps(interfaces_document(70000), indent=1))
    subprocess.run(["git", "init", "-q"], cwd=configs, check=True)
    subprocess.run(["git", "add", "."], cwd=configs, check=True)
    # The hook's documented requirement: `cue` on PATH (pre-commit's own venv has none).
    cue_dir = str(find_cue().path.parent)
    env = {
        **os.environ,
        "PATH": os.pathsep.join([cue_dir, os.environ.get("PATH", "")]),
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit"),
        "NETDATA_YANG_PATH": str(models),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }

    def hook(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(PRE_COMMIT), "try-repo", str(REPO), "netdata-validate", "--files", *files],
            cwd=configs,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    failed = hook("good.json", "bad.json")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "bad.json: invalid" in failed.stdout
    assert "/interfaces/interface[name=eth0]/config/mtu" in failed.stdout
    assert "(bad.json:" in failed.stdout
    assert "good.json: valid" in failed.stdout

    passed = hook("good.json")
    assert passed.returncode == 0, passed.stdout + passed.stderr
