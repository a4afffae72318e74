"""Every module of a folder, and a vendor's deviations and augments (Arista EOS 4.36.1F).

The documents rooted at modules outside the old compile list are judged by
libyang; the vendor set is tested by what its deviation and augment modules
say (libyang refuses 73 of its modules, so it cannot judge that set whole).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from netdata.schema import SchemaBuild, build_schema
from netdata.validate import validate, validate_documents

SHARED = Path(__file__).resolve().parents[3] / "shared"
ARISTA = SHARED / "yang" / "vendor" / "arista-eos-4.36.1F"
ARISTA_MODELS = [
    ARISTA / "openconfig" / "public" / "release" / "models",
    ARISTA / "release" / "openconfig" / "models",
    SHARED / "yang" / "openconfig" / "third_party" / "ietf",
]
ROOTS = sorted((Path(__file__).parent / "data" / "roots").glob("*.json"))


@pytest.mark.parametrize("path", ROOTS, ids=[p.stem for p in ROOTS])
def test_other_roots_agree_with_libyang(path: Path, build: SchemaBuild, oracle: Any) -> None:
    verdict, message = oracle.check_file(str(path))
    assert verdict, message  # each is a minimal valid document
    (result,) = validate([path], build=build)
    assert result.valid, result.errors


def test_same_name_in_two_modules_is_labelled(build: SchemaBuild) -> None:
    doc = json.loads((Path(__file__).parent / "data" / "roots" / "ietf.json").read_text())
    results = validate_documents([("ietf", doc)], build=build)
    assert results[0].valid, results[0].errors
    assert build.schema.root.children["interfaces"].module == "openconfig-interfaces"
    ietf = build.schema.root.children["ietf-interfaces:interfaces"]
    assert (ietf.module, ietf.yang_name) == ("ietf-interfaces", "interfaces")


@pytest.fixture(scope="module")
def arista(tmp_path_factory: pytest.TempPathFactory) -> SchemaBuild:
    return build_schema(ARISTA_MODELS, cache_dir=tmp_path_factory.mktemp("arista-cache"))


def _port(kind: str = "ethernetCsmacd", **subtrees: Any) -> dict[str, Any]:
    config = {"type": kind}
    return {"interfaces": {"interface": {"Ethernet1": {"config": config, **subtrees}}}}


def _errors(build: SchemaBuild, doc: dict[str, Any]) -> list[str]:
    (result,) = validate_documents([("doc", doc)], build=build, form="authoring")
    return [f"{e.path}: {e.message}" for e in result.errors]


FEC = _port(ethernet={"config": {"fec-mode": "FEC_FC"}})
FALLBACK = _port(
    "ieee8023adLag", aggregation={"config": {"fallback": "static", "fallback-timeout": 100}}
)
LLDP = {"lldp": {"config": {"management-interface": "Management1"}}}


def test_not_supported_leaf_is_rejected(arista: SchemaBuild, build: SchemaBuild) -> None:
    assert not _errors(build, FEC)  # plain OpenConfig has fec-mode
    errors = _errors(arista, FEC)
    assert any("/ethernet/config/fec-mode" in e for e in errors), errors
    assert _errors(arista, LLDP), "arista-lldp-notsupported-deviations: management-interface"


def test_augment_nodes_are_accepted(arista: SchemaBuild, build: SchemaBuild) -> None:
    assert not _errors(arista, FALLBACK)
    assert any("fallback" in e for e in _errors(build, FALLBACK))
    too_long = _port(
        "ieee8023adLag", aggregation={"config": {"fallback-timeout": 301}}
    )  # range "0..300"
    errors = _errors(arista, too_long)
    assert any(
        e.endswith(("fallback-timeout: invalid value 301 (out of bound <=300)",)) for e in errors
    ), errors


def test_replaced_type_is_enforced(arista: SchemaBuild, build: SchemaBuild) -> None:
    # arista-intf-deviations: deviate replace type uint16 { range "100..25500" } (OC: 1..4095)
    group = {"vrrp": {"vrrp-group": {"1": {"config": {"advertisement-interval": 50}}}}}
    address = {"addresses": {"address": {"192.0.2.1": {"config": {"prefix-length": 24}, **group}}}}
    doc = _port(subinterfaces={"subinterface": {"0": {"ipv4": address}}})
    assert not _errors(build, doc)
    errors = _errors(arista, doc)
    assert any(e.rpartition("/")[2].startswith("advertisement-interval:") for e in errors), errors


def test_defects_are_reported_and_the_rest_applied(arista: SchemaBuild) -> None:
    defects = arista.defects
    rpol = [d for d in defects if "arista-rpol-deviations.yang:837:" in d]
    assert rpol and "must" in rpol[0], defects
    assert any("arista-interfaces-notsupported-deviations.yang:5:" in d for d in defects)
    coverage = json.loads(arista.coverage_file.read_text())
    assert coverage["defects"] == defects
