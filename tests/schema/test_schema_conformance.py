"""All public conformance cases get libyang's verdict, for the right reason: for every
invalid case, one of our errors names the very node libyang reports (whole path,
every key; see libyang_paths.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from libyang_paths import locate, same_node

from netdata.schema import SchemaBuild
from netdata.validate import FileResult, validate

PUBLIC = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "public"
MANIFEST = PUBLIC / "manifest.json"
CASES = json.loads(MANIFEST.read_text()) if MANIFEST.is_file() else []


@pytest.fixture(scope="module")
def results(build: SchemaBuild) -> dict[str, FileResult]:
    """The whole corpus validated in one call (as the CLI would)."""
    files = [PUBLIC / case["file"] for case in CASES]
    return {Path(r.file).name: r for r in validate(files, build=build)}


def test_corpus_present() -> None:
    assert len(CASES) == 44, f"expected the 44 public cases in {PUBLIC}"


@pytest.mark.parametrize("case", CASES, ids=[c["file"][:4] for c in CASES])
def test_case_matches_libyang(
    case: dict[str, Any], results: dict[str, FileResult], build: SchemaBuild, oracle: Any
) -> None:
    result = results[case["file"]]
    assert result.form == "wire"
    assert result.valid == case["valid"], (case["what"], result.errors)
    if case["valid"]:
        return
    theirs = locate(oracle, (PUBLIC / case["file"]).read_text())
    assert not theirs.valid, case["file"]
    modules = frozenset(build.schema.modules)
    paths = [e.path for e in result.errors]
    assert any(same_node(p, theirs, modules) for p in paths), (theirs.path, paths)
