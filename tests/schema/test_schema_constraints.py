"""The constraints CUE's per-leaf definitions cannot hold, judged by libyang.

``data/constraints/yang`` is a small module with one node of each kind
(``must``, ``unique``, ``choice``/``case``, ``min-elements``/``max-elements`` on
a list, decimal64 fraction digits, ``bits``, ``binary``) that the pinned
OpenConfig release has few or none of. Each document of ``data/constraints/cases``
is labelled by its name: ``valid-*`` libyang accepts, ``gap-*`` uses an
expression outside the XPath subset (listed in the coverage report), every
other one breaks the rule its name starts with. For each, libyang's verdict
and the node it names (read from libyang, not written here) must be ours.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from libyang_paths import locate, same_node

from netdata.schema import SchemaBuild, build_schema
from netdata.schema._coverage import coverage_report
from netdata.validate import FileResult, validate, validate_documents

DATA = Path(__file__).parent / "data" / "constraints"
CASES = sorted((DATA / "cases").glob("*.json"))
KINDS = (
    "must",
    "unique",
    "choice",
    "min-elements",
    "max-elements",
    "fraction-digits",
    "bits",
    "binary",
    "mandatory",
)


@pytest.fixture(scope="module")
def constraints(tmp_path_factory: pytest.TempPathFactory) -> SchemaBuild:
    return build_schema(DATA / "yang", cache_dir=tmp_path_factory.mktemp("constraints-cache"))


@pytest.fixture(scope="module")
def judge(oracle_for: Callable[[Path], Any]) -> Any:
    return oracle_for(DATA / "yang")


@pytest.fixture(scope="module")
def results(constraints: SchemaBuild) -> dict[str, FileResult]:
    return {Path(r.file).stem: r for r in validate(CASES, build=constraints)}


def test_every_kind_has_cases() -> None:
    names = [p.stem for p in CASES]
    for kind in KINDS:
        assert any(n.startswith(kind) for n in names), kind
    assert all(n.startswith((*KINDS, "valid", "gap-")) for n in names), names


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case_matches_libyang(
    path: Path, results: dict[str, FileResult], constraints: SchemaBuild, judge: Any
) -> None:
    theirs = locate(judge, path.read_text())
    assert theirs.valid == path.stem.startswith("valid"), (path.stem, theirs.message)
    result = results[path.stem]
    if path.stem.startswith("gap-"):  # not evaluated: listed with its node path instead
        assert result.valid, result.errors
        gaps = coverage_report(constraints.schema)["kinds"]["must"]["gaps"]
        assert theirs.path is not None
        assert any(same_node(g["path"], theirs, frozenset()) for g in gaps), gaps
        return
    assert result.valid == theirs.valid, (theirs.message, result.errors)
    if theirs.valid:
        return
    modules = frozenset(constraints.schema.modules)
    paths = [e.path for e in result.errors]
    assert any(same_node(p, theirs, modules) for p in paths), (theirs.path, paths)
    assert all(e.position and e.position.startswith(str(path)) for e in result.errors)


def test_authoring_form_is_checked_too(constraints: SchemaBuild) -> None:
    top = {
        "ratio": 2.555,
        "flags": "up up",
        "blob": "A!!",
        "tcp-port": 1,
        "udp-port": 2,
        "server": {"a": {"address": "x", "port": 1}, "b": {"address": "x", "port": 1}},
    }
    (result,) = validate_documents([("authoring", {"top": top})], build=constraints)
    found = {e.path for e in result.errors}
    expected = {
        "/top/ratio",
        "/top/flags",
        "/top/blob",
        "/top",
        "/top/family",
        "/top/server[name=b]",
    }
    assert expected <= found, result.errors


def test_coverage_lists_each_kind(constraints: SchemaBuild) -> None:
    kinds = coverage_report(constraints.schema)["kinds"]
    for kind in (
        "must",
        "unique",
        "choice",
        "min/max-elements",
        "fraction-digits",
        "bits",
        "binary",
    ):
        assert kinds[kind]["enforced"] >= 1, kind
    assert [g["path"] for g in kinds["must"]["gaps"]] == ["/top/label"]


def _port(name: str, **config: Any) -> dict[str, Any]:
    return {"name": name, "config": {"name": name, **config}}


def test_every_error_is_reported_with_mandatory_ones(build: SchemaBuild, oracle: Any) -> None:
    """A missing mandatory leaf is reported beside a bad value in the same entry (cue
    alone names it only when its run has no other error); libyang, which stops at its
    first error, names each node when it is the document's only defect."""
    defects = {
        "mtu": _port("Ethernet1", type="iana-if-type:ethernetCsmacd", mtu=70000),
        "type": _port("Ethernet2"),
    }
    fine = {
        "mtu": _port("Ethernet1", type="iana-if-type:ethernetCsmacd"),
        "type": _port("Ethernet2", type="iana-if-type:ethernetCsmacd"),
    }
    both = {"openconfig-interfaces:interfaces": {"interface": [*defects.values()]}}
    both["openconfig-interfaces:interfaces"]["interface"][1]["config"]["mtu"] = 70000
    (result,) = validate_documents([("both", both)], build=build)
    paths = [e.path for e in result.errors]
    modules = frozenset(build.schema.modules)
    for defect in defects:
        alone = [defects[defect], *(fine[d] for d in fine if d != defect)]
        doc = {"openconfig-interfaces:interfaces": {"interface": alone}}
        theirs = locate(oracle, json.dumps(doc))
        assert not theirs.valid, defect
        assert any(same_node(p, theirs, modules) for p in paths), (defect, theirs.path, paths)
    assert "/interfaces/interface[name=Ethernet2]/config/mtu" in paths
