"""Finding the `cue` binary and checking its version."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from netdata._exceptions import CueNotFoundError, CueVersionError

MINIMUM_VERSION = (0, 17, 1)
PINNED_VERSION = "v0.17.1"
INSTALL_HINT = (
    f"Install it with: go install cuelang.org/go/cmd/cue@{PINNED_VERSION} "
    "(then put $(go env GOPATH)/bin on PATH), or download a release binary from "
    "https://github.com/cue-lang/cue/releases, or point NETDATA_CUE at it."
)
_VERSION_LINE = re.compile(r"^cue version v(\d+)\.(\d+)\.(\d+)\S*", re.MULTILINE)


@dataclass(frozen=True)
class CueBinary:
    """A `cue` executable whose version has been checked."""

    path: Path
    version: tuple[int, int, int]

    @property
    def version_text(self) -> str:
        return "v" + ".".join(map(str, self.version))


def _fallback_candidates() -> list[Path]:
    """Where setup puts `cue` when it is not on PATH.

    The bin folder of this Python environment (``scripts/setup.sh`` installs
    it there), then where ``go install`` puts binaries: $GOBIN, $GOPATH/bin or
    ~/go/bin.
    """
    gopath = os.environ.get("GOPATH")
    go_root = Path(gopath.split(os.pathsep)[0]) if gopath else Path.home() / "go"
    go_bin = Path(os.environ.get("GOBIN") or go_root / "bin")
    return [Path(sys.executable).parent / "cue", go_bin / "cue"]


def locate_cue() -> Path:
    """Return the path of the `cue` executable to use.

    Order: ``NETDATA_CUE``, then ``PATH``, then this Python environment's bin
    folder, then where ``go install`` puts it.
    Raises :class:`CueNotFoundError` with an install hint.
    """
    configured = os.environ.get("NETDATA_CUE")
    if configured:
        path = Path(configured)
        if path.is_file() and os.access(path, os.X_OK):
            return path
        raise CueNotFoundError(
            f"NETDATA_CUE points at {configured!r}, which is not an executable file. {INSTALL_HINT}"
        )
    found = shutil.which("cue")
    if found:
        return Path(found)
    for candidate in _fallback_candidates():
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise CueNotFoundError(f"The `cue` binary was not found on PATH. {INSTALL_HINT}")


def parse_version(output: str) -> tuple[int, int, int] | None:
    """Extract ``(major, minor, patch)`` from ``cue version`` output, or None."""
    match = _VERSION_LINE.search(output)
    if not match:
        return None
    major, minor, patch = (int(g) for g in match.groups())
    return major, minor, patch


def check_cue(path: Path, timeout: float = 30.0) -> CueBinary:
    """Run ``cue version`` and check it is at least :data:`MINIMUM_VERSION`."""
    try:
        done = subprocess.run(
            [str(path), "version"], capture_output=True, text=True, timeout=timeout, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise CueVersionError(f"Could not run `{path} version`: {exc}. {INSTALL_HINT}") from exc
    version = parse_version(done.stdout)
    if done.returncode != 0 or version is None:
        shown = (done.stdout + done.stderr).strip().splitlines()[:1]
        raise CueVersionError(
            f"`{path} version` did not report a release version "
            f"(got {shown[0] if shown else 'no output'!r}); netdata needs cue "
            f">= {PINNED_VERSION}. {INSTALL_HINT}"
        )
    if version < MINIMUM_VERSION:
        found = "v" + ".".join(map(str, version))
        raise CueVersionError(
            f"{path} is cue {found}; netdata needs cue >= {PINNED_VERSION}. {INSTALL_HINT}"
        )
    return CueBinary(path=path, version=version)


def find_cue() -> CueBinary:
    """Locate `cue` and check its version."""
    return check_cue(locate_cue())
