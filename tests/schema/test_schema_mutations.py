"""Held-out style cases: one-defect mutants of the valid corpus documents, judged by libyang."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from schema_mutations import MUTATIONS, mutants

from netdata.schema import SchemaBuild
from netdata.validate import validate_documents

PUBLIC = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "public"


@pytest.fixture(scope="module")
def corpus_mutants(build: SchemaBuild) -> list[tuple[str, dict[str, Any]]]:
    out = []
    valid = sorted(PUBLIC.glob("p0[01][0-9]-*.json"))
    for seed, path in enumerate(valid):
        doc = json.loads(path.read_text())
        out += [(f"{path.name[:4]}:{n}", m) for n, m in mutants(doc, build.schema, seed)]
    return out


def test_mutants_agree_with_libyang(
    corpus_mutants: list[tuple[str, dict[str, Any]]], build: SchemaBuild, oracle: Any
) -> None:
    assert len(corpus_mutants) > 150
    ours = validate_documents(corpus_mutants, build=build)
    disagreements = []
    for (name, doc), result in zip(corpus_mutants, ours, strict=True):
        verdict, message = oracle.check_doc(doc)
        if verdict != result.valid:
            disagreements.append((name, verdict, message, [e.message for e in result.errors][:2]))
    assert not disagreements, "\n".join(map(str, disagreements))


def test_every_mutation_kind_is_exercised(corpus_mutants: list[tuple[str, Any]]) -> None:
    kinds = {name.split(":")[1].split("@")[0] for name, _ in corpus_mutants}
    assert kinds == set(MUTATIONS)
