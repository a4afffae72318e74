"""Fixtures every stage's tests share: the pinned YANG models and the libyang oracle.

The models are NETDATA_YANG_PATH if set, else ``../shared/yang/openconfig``
beside the checkout; the oracle is ``../shared/conformance/oracle.py``. Both
are required: a missing one fails the tests that need it, never skips them.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CONFORMANCE = SHARED / "conformance"


@pytest.fixture(scope="session")
def models() -> Path:
    """The pinned OpenConfig YANG models."""
    path = Path(os.environ.get("NETDATA_YANG_PATH") or SHARED / "yang" / "openconfig")
    if not path.is_dir():
        pytest.fail(f"YANG models not found at {path}: set NETDATA_YANG_PATH", pytrace=False)
    return path


@pytest.fixture(scope="session")
def oracle_for() -> Callable[[Path], Any]:
    """libyang (conformance/oracle.py, imported by path) over a given model folder."""
    path = CONFORMANCE / "oracle.py"
    if not path.is_file():
        pytest.fail(f"conformance oracle not found at {path}", pytrace=False)
    spec = importlib.util.spec_from_file_location("netdata_test_oracle", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return lambda root: module.Oracle(root=str(root))


@pytest.fixture(scope="session")
def oracle(models: Path, oracle_for: Callable[[Path], Any]) -> Any:
    """libyang over the same models."""
    return oracle_for(models)


@pytest.fixture
def interfaces_document() -> Callable[[int], dict[str, Any]]:
    """A one-interface RFC 7951 document with the given MTU (valid up to 65535)."""

    def document(mtu: int) -> dict[str, Any]:
        config = {"name": "eth0", "type": "iana-if-type:ethernetCsmacd", "mtu": mtu}
        return {
            "openconfig-interfaces:interfaces": {"interface": [{"name": "eth0", "config": config}]}
        }

    return document


CueCmd = Callable[..., "subprocess.CompletedProcess[str]"]


@pytest.fixture
def cue_cmd() -> CueCmd:
    """Runs ``cue cmd ARGS`` in cue/ with the real cue and this venv's netdata; ``env`` is
    laid over the current environment."""

    def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        cue = shutil.which("cue") or str(Path(sys.executable).parent / "cue")
        netdata = Path(sys.executable).parent / "netdata"
        return subprocess.run(
            [cue, "cmd", "-t", f"netdata={netdata}", *args],
            cwd=REPO / "cue",
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
            timeout=300,
            check=False,
        )

    return run
