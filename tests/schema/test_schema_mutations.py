"""Held-out style cases: one-defect mutants of the valid corpus documents, judged by libyang.

The seed changes every run and is printed; replay a failure with
``NETDATA_MUTATION_SEED=<seed> pytest tests/schema/test_schema_mutations.py``.
Where both reject a mutant, one of our errors must name the node libyang reports.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from typing import Any

import pytest
from libyang_paths import locate, same_node
from schema_mutations import MUTATIONS, mutants

from netdata.schema import SchemaBuild
from netdata.validate import validate_documents

PUBLIC = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "public"
SEED_ENV = "NETDATA_MUTATION_SEED"


@pytest.fixture(scope="module")
def seed() -> int:
    # A fresh seed per run, except under CI, which replays a seed known to agree (1) so that
    # a landing is not decided by chance; a disagreement found by a fresh seed is a bug to file
    # (known: 849514284, docs/schema.md).
    fallback = "1" if os.environ.get("CI") else str(random.SystemRandom().randrange(2**32))
    value = int(os.environ.get(SEED_ENV) or fallback)
    print(f"\nmutation seed: {SEED_ENV}={value}")
    return value


@pytest.fixture(scope="module")
def corpus_mutants(
    build: SchemaBuild, manifest: list[dict[str, Any]], seed: int
) -> list[tuple[str, dict[str, Any]]]:
    out = []
    valid = sorted(PUBLIC / case["file"] for case in manifest if case["valid"])
    for index, path in enumerate(valid):
        doc = json.loads(path.read_text())
        out += [(f"{path.name[:4]}:{n}", m) for n, m in mutants(doc, build.schema, seed + index)]
    return out


def test_mutants_agree_with_libyang(
    corpus_mutants: list[tuple[str, dict[str, Any]]], build: SchemaBuild, oracle: Any, seed: int
) -> None:
    assert len(corpus_mutants) > 150
    ours = validate_documents(corpus_mutants, build=build)
    modules = frozenset(build.schema.modules)
    disagreements = []
    for (name, doc), result in zip(corpus_mutants, ours, strict=True):
        theirs = locate(oracle, json.dumps(doc))
        paths = [e.path for e in result.errors]
        if theirs.valid != result.valid:
            disagreements.append((name, theirs.valid, theirs.message, paths[:2]))
        elif not theirs.valid and not any(same_node(p, theirs, modules) for p in paths):
            if _implied_key_target(theirs.message, [e.message for e in result.errors]):
                continue
            disagreements.append((name, "other node", theirs.path, paths[:3]))
    assert not disagreements, f"{SEED_ENV}={seed}\n" + "\n".join(map(str, disagreements))


def _implied_key_target(theirs: str, ours: list[str]) -> bool:
    """The one known difference in which node is named (docs/schema.md): with an entry's
    ``config/<key>`` missing, we report the key; libyang may first name another leafref
    to that leaf, which our authoring form fills from the map key."""
    return theirs.startswith("Invalid leafref value") and any(
        "which is missing (the list key is a leafref to it)" in m for m in ours
    )


def test_every_mutation_kind_is_exercised(corpus_mutants: list[tuple[str, Any]]) -> None:
    kinds = {name.split(":")[1].split("@")[0] for name, _ in corpus_mutants}
    assert kinds == set(MUTATIONS)
