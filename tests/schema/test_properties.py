"""Properties (hypothesis): the RFC 7951 codec round-trips, generated defects get libyang's verdict.

Bounded for a 2-core machine: few examples, a generous deadline (cue runs share the CPU).
"""

from __future__ import annotations

import copy
import functools
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from libyang_paths import accepts
from schema_mutations import MUTATIONS, sites

from netdata._documents import parse_data
from netdata._exceptions import DocumentError
from netdata.schema import SchemaBuild, decode_rfc7951, encode_rfc7951
from netdata.validate import validate_documents

PUBLIC = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "public"
VALID = sorted(PUBLIC.glob("p01[0-5]-*.json")) + sorted(PUBLIC.glob("p00[1-9]-*.json"))
FIXTURES = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


@pytest.fixture(scope="module")
def authoring(build: SchemaBuild) -> list[dict[str, Any]]:
    trees = []
    for path in VALID:
        tree, problems = decode_rfc7951(json.loads(path.read_text()), build.schema)
        assert not problems, (path, problems)
        trees.append(tree)
    return trees


def _prune(tree: Any) -> Any:
    """Without empty mappings (a non-presence container without content means nothing)."""
    if not isinstance(tree, dict):
        return tree
    kept = {k: _prune(v) for k, v in tree.items()}
    return {k: v for k, v in kept.items() if v != {}}


@settings(max_examples=40, deadline=timedelta(seconds=5), suppress_health_check=FIXTURES)
@given(data=st.data())
def test_decode_encode_round_trips(
    data: st.DataObject, authoring: list[dict[str, Any]], build: SchemaBuild
) -> None:
    tree = copy.deepcopy(data.draw(st.sampled_from(authoring)))
    for _ in range(data.draw(st.integers(0, 6))):  # drop random subtrees
        node = tree
        while isinstance(node, dict) and node:
            key = data.draw(st.sampled_from(sorted(node)))
            if not isinstance(node[key], dict) or data.draw(st.booleans()):
                del node[key]
                break
            node = node[key]
    tree = _prune(tree)
    wire = encode_rfc7951(tree, build.schema)
    back, problems = decode_rfc7951(wire, build.schema)
    assert (back, problems) == (tree, [])


def _defect(data: st.DataObject, build: SchemaBuild, oracle: Any) -> tuple[str, str]:
    """A corpus document with one schema-level mutation and maybe one text-level defect."""
    path = data.draw(st.sampled_from(VALID))
    doc = json.loads(path.read_text())
    judge = functools.partial(accepts, oracle)
    found = sites(doc, build.schema, judge)
    kind = data.draw(st.sampled_from(sorted(MUTATIONS)))
    applied = MUTATIONS[kind](found[data.draw(st.integers(0, len(found) - 1))])
    name = f"{path.name[:4]}:{kind if applied else 'none'}"
    leaves = [s for s in sites(doc, build.schema, judge) if s.node.kind == "leaf"]
    extra = data.draw(st.sampled_from(["", "", "duplicate", "nul"]))
    if extra and leaves:
        site = data.draw(st.sampled_from(leaves))
        if extra == "duplicate":
            site.parent["\x01dup"] = site.parent.get(site.member)
            text = json.dumps(doc, indent=1).replace('"\\u0001dup"', json.dumps(site.member))
            return f"{name}+dup", text
        site.parent[site.member] = f"a\x00{site.parent.get(site.member)}"
        name += "+nul"
    return name, json.dumps(doc, indent=1)


@settings(max_examples=4, deadline=timedelta(seconds=180), suppress_health_check=FIXTURES)
@given(data=st.data())
def test_generated_defects_are_judged_as_libyang_judges_them(
    data: st.DataObject, build: SchemaBuild, oracle: Any
) -> None:
    cases = [_defect(data, build, oracle) for _ in range(data.draw(st.integers(1, 8)))]
    documents: list[tuple[str, Any]] = []
    for name, text in cases:
        try:
            documents.append((name, parse_data(text, name)))
        except DocumentError as exc:
            documents.append((name, exc))
    ours = validate_documents(documents, build=build)
    for (name, text), result in zip(cases, ours, strict=True):
        verdict, message = oracle.check_text(text)
        assert verdict == result.valid, (name, message, [e.message for e in result.errors][:2])
