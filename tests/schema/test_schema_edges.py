"""Hand-picked edge cases across subtrees and encodings; libyang gives the verdict."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from netdata.schema import SchemaBuild
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
