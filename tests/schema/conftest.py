"""Fixtures for the schema stage: models, one schema build per session, the libyang oracle."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from netdata.schema import SchemaBuild, build_schema

# --import-mode=importlib does not put test folders on sys.path; schema_mutations lives here.
sys.path.insert(0, str(Path(__file__).parent))

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
CONFORMANCE = SHARED / "conformance"
PUBLIC = CONFORMANCE / "public"


def models_dir() -> Path:
    """NETDATA_YANG_PATH if set, else ../shared/yang/openconfig (required, never skipped)."""
    path = Path(os.environ.get("NETDATA_YANG_PATH") or SHARED / "yang" / "openconfig")
    if not path.is_dir():
        pytest.fail(f"YANG models not found at {path}: set NETDATA_YANG_PATH", pytrace=False)
    return path


@pytest.fixture(scope="session")
def models() -> Path:
    return models_dir()


@pytest.fixture(scope="session")
def build(models: Path, tmp_path_factory: pytest.TempPathFactory) -> SchemaBuild:
    """The pinned set, compiled once per session into a temporary cache."""
    return build_schema(models, cache_dir=tmp_path_factory.mktemp("schema-cache"))


@pytest.fixture(scope="session")
def oracle(models: Path) -> Any:
    """libyang (conformance/oracle.py), imported by path."""
    path = CONFORMANCE / "oracle.py"
    if not path.is_file():
        pytest.fail(f"conformance oracle not found at {path}", pytrace=False)
    spec = importlib.util.spec_from_file_location("netdata_test_oracle", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Oracle(root=str(models))


@pytest.fixture(scope="session")
def manifest() -> list[dict[str, Any]]:
    path = PUBLIC / "manifest.json"
    if not path.is_file():
        pytest.fail(f"conformance corpus not found at {path}", pytrace=False)
    cases: list[dict[str, Any]] = json.loads(path.read_text())
    return cases
