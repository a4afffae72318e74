"""``netdata init DIR``: a working network repository, made from the example fabric."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from netdata._exceptions import UsageError

SETTINGS = """\
# netdata settings (docs/build.md). Every key has a default; paths are relative to this file.
inventory: inventory/hosts.yaml   # host variables (netdata inventory fetch -o inventory)
groups: groups                    # group variables: all, role/, location/, platform/, tag/
transforms: transforms            # the CUE package defining #Device
output: build                     # netdata build writes <device>.json and build.json here
push:
  targets: targets.json           # netdata sim --devices-from build --write-targets targets.json
"""

PRE_COMMIT = """\
# pre-commit (https://pre-commit.com): `pre-commit install`, then every commit builds
# the devices its changed files affect and fails with the build's messages. Needs
# `netdata` and `cue` on PATH (the venv activated). A commit that only deletes files
# runs no build (pre-commit passes no deleted file): run `netdata build` after one.
repos:
  - repo: local
    hooks:
      - id: netdata-build
        name: build the affected devices (netdata)
        entry: netdata build
        language: system
        files: ^(inventory|groups|transforms)/|^netdata\\.yaml$
        require_serial: true
"""

GITIGNORE = "build/\n.netdata/\ntargets.json\n"


def write_repository(destination: str | Path, example: Path) -> list[Path]:
    """Write the example as a network repository at ``destination`` (which must not
    exist or be empty); returns the files written. The repository is assembled in a
    temporary folder beside it and renamed into place, so it is never half-written."""
    dest = Path(destination).absolute()
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise UsageError(f"{dest} exists and is not an empty folder")
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        for part in ("inventory", "groups", "transforms"):
            shutil.copytree(example / part, staging / part)
        shutil.copy2(example / "README.md", staging / "README.md")
        (staging / "netdata.yaml").write_text(SETTINGS, encoding="utf-8")
        (staging / ".pre-commit-config.yaml").write_text(PRE_COMMIT, encoding="utf-8")
        (staging / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
        if dest.exists():
            dest.rmdir()
        os.replace(staging, dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(p for p in dest.rglob("*") if p.is_file())
