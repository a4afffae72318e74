"""Hand-picked edge cases across subtrees and encodings; libyang gives the verdict."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from netdata.schema import SchemaBuild, encode_rfc7951
from netdata.validate import validate_documents

PUBLIC = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "public"
Doc = dict[str, Any]


def _load(prefix: str) -> Doc:
    [path] = PUBLIC.glob(f"{prefix}-*.json")
    doc: Doc = json.loads(path.read_text())
    return doc


def _ni_interface(doc: Doc) -> Doc:
    instance = doc["openconfig-network-instance:network-instances"]["network-instance"][1]
    entry: Doc = instance["interfaces"]["interface"][0]["config"]
    return entry


def _iface(doc: Doc, index: int) -> Doc:
    entry: Doc = doc["openconfig-interfaces:interfaces"]["interface"][index]
    return entry


def _config(doc: Doc) -> Doc:
    config: Doc = _iface(doc, 0)["config"]
    return config


def _switched(doc: Doc, index: int) -> Doc:
    ethernet = _iface(doc, index)["openconfig-if-ethernet:ethernet"]
    config: Doc = ethernet["openconfig-vlan:switched-vlan"]["config"]
    return config


def _lldp(doc: Doc) -> Doc:
    config: Doc = doc["openconfig-lldp:lldp"]["config"]
    return config


EDITS: dict[str, tuple[str, Callable[[Doc], None]]] = {
    "interface-ref-subinterface": ("p007", lambda d: _ni_interface(d).update(subinterface=99)),
    "interface-ref-interface": ("p007", lambda d: _ni_interface(d).update(interface="Eth77")),
    "boolean-as-string": ("p003", lambda d: _iface(d, 0)["config"].update(enabled="true")),
    "leaf-list-duplicate": ("p003", lambda d: _switched(d, 1).update({"trunk-vlans": [10, 10]})),
    "vlan-range-out": ("p003", lambda d: _switched(d, 1).update({"trunk-vlans": ["4000..4095"]})),
    "type-flips-when": (
        "p003",
        lambda d: _iface(d, 0)["config"].update(type="iana-if-type:l2vlan"),
    ),
    "identity-unqualified": (
        "p003",
        lambda d: _iface(d, 0)["config"].update(type="ethernetCsmacd"),
    ),
    "enum-as-number": ("p003", lambda d: _switched(d, 0).update({"interface-mode": 1})),
    "unknown-module": ("p003", lambda d: d.update({"openconfig-foo:bar": {}})),
    "wrong-module": ("p003", lambda d: d.update({"openconfig-interfaces:lldp": {}})),
    "key-as-number": ("p003", lambda d: _iface(d, 0).update(name=5)),
    "length-300": (
        "p009",
        lambda d: d["openconfig-system:system"]["config"].update({"domain-name": "a" * 300}),
    ),
    "uint64-overflow": ("p010", lambda d: _lldp(d).update({"hello-timer": "18446744073709551616"})),
    "uint64-negative": ("p010", lambda d: _lldp(d).update({"hello-timer": "-1"})),
    "uint64-spaces": ("p010", lambda d: _lldp(d).update({"hello-timer": " 30"})),
    "uint64-plus": ("p010", lambda d: _lldp(d).update({"hello-timer": "+30"})),
    "uint64-float": ("p010", lambda d: _lldp(d).update({"hello-timer": "30.0"})),
    "empty-document": ("p010", lambda d: d.clear()),
}


def test_edge_cases_agree_with_libyang(build: SchemaBuild, oracle: Any) -> None:
    docs = []
    for name, (source, edit) in EDITS.items():
        doc = copy.deepcopy(_load(source))
        edit(doc)
        docs.append((name, doc))
    results = validate_documents(docs, build=build)
    disagreements = []
    for (name, doc), result in zip(docs, results, strict=True):
        verdict, message = oracle.check_doc(doc)
        if verdict != result.valid:
            disagreements.append((name, verdict, message, result.errors))
    assert not disagreements, "\n".join(map(str, disagreements))


@pytest.mark.parametrize("prefix", ["p007", "p003"])
def test_sources_are_valid(prefix: str, oracle: Any) -> None:
    assert oracle.check_doc(_load(prefix)) == (True, "")


def _trunk_port(vlans: list[int]) -> Doc:
    switched = {"config": {"interface-mode": "TRUNK", "trunk-vlans": vlans}}
    ethernet = {"switched-vlan": switched}
    config = {"type": "ethernetCsmacd"}
    return {"interfaces": {"interface": {"Ethernet1": {"config": config, "ethernet": ethernet}}}}


@pytest.mark.parametrize("vlans", [[10, 20], [10, 10]], ids=["distinct", "duplicate"])
def test_authoring_leaf_list_uniqueness(vlans: list[int], build: SchemaBuild, oracle: Any) -> None:
    """Authoring form ``trunk-vlans: [10, 10]``: libyang says "Duplicate instance"."""
    doc = _trunk_port(vlans)
    verdict, message = oracle.check_doc(encode_rfc7951(doc, build.schema))
    (result,) = validate_documents([("trunk", doc)], build=build, form="authoring")
    assert result.valid == verdict, (message, result.errors)
    if not verdict:
        assert "Duplicate instance" in message
        assert [e.path for e in result.errors] == [
            "/interfaces/interface[name=Ethernet1]/ethernet/switched-vlan/config/trunk-vlans"
        ], result.errors


def test_errors_below_a_broken_key_are_reported(build: SchemaBuild, oracle: Any) -> None:
    """A list entry whose config/name differs from its key still has its mtu checked."""
    doc = {
        "openconfig-interfaces:interfaces": {
            "interface": [{"name": "Ethernet1", "config": {"name": "Ethernet9", "mtu": 70000}}]
        }
    }
    verdict, _ = oracle.check_doc(doc)
    assert not verdict
    (result,) = validate_documents([("broken-key", doc)], build=build)
    paths = {e.path for e in result.errors}
    entry = "/interfaces/interface[name=Ethernet1]"
    assert {f"{entry}/name", f"{entry}/config/mtu"} <= paths, paths
