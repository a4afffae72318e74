"""Fixtures for the schema stage: one schema build per session, the conformance manifest."""

from __future__ import annotations

import json
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


@pytest.fixture(scope="session")
def build(models: Path, tmp_path_factory: pytest.TempPathFactory) -> SchemaBuild:
    """The pinned set, compiled once per session into a temporary cache."""
    return build_schema(models, cache_dir=tmp_path_factory.mktemp("schema-cache"))


@pytest.fixture(scope="session")
def manifest() -> list[dict[str, Any]]:
    path = PUBLIC / "manifest.json"
    if not path.is_file():
        pytest.fail(f"conformance corpus not found at {path}", pytrace=False)
    cases: list[dict[str, Any]] = json.loads(path.read_text())
    return cases
