"""Batches of documents that share pieces and leaf values: errors stay exact per document.

``vet_trees`` vets each distinct leaf value at each path once and gives its
error to every document holding it; these fleets of the 48-port leaf (p015),
where every port description differs per device, check that a defect reaches
exactly the documents that have it, with its data path, and that libyang
agrees with every verdict.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from netdata.schema import SchemaBuild
from netdata.validate import validate_documents

P015 = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "conformance"
    / "public"
    / "p015-large-leaf-switch.json"
)
DEVICES = 12
Edit = Callable[[dict[str, Any]], None]
ETHERNET_5 = "/interfaces/interface[name=Ethernet5]/ethernet"
ETHERNET_2 = "/interfaces/interface[name=Ethernet2]/ethernet"
VLAN_10 = "/interfaces/interface[name=Ethernet10]/ethernet/switched-vlan/config/access-vlan"


def _port(doc: dict[str, Any], number: int) -> dict[str, Any]:
    interfaces: list[dict[str, Any]] = doc["openconfig-interfaces:interfaces"]["interface"]
    [port] = [i for i in interfaces if i["name"] == f"Ethernet{number}"]
    return port


def _path(number: int, leaf: str) -> str:
    return f"/interfaces/interface[name=Ethernet{number}]/config/{leaf}"


def _fleet(edits: dict[int, list[Edit]]) -> list[tuple[str, dict[str, Any]]]:
    """DEVICES leaves whose hostname and every port description differ, with ``edits``."""
    base = json.loads(P015.read_text())
    docs = []
    for device in range(DEVICES):
        doc = copy.deepcopy(base)
        doc["openconfig-system:system"]["config"]["hostname"] = f"leaf{device}"
        for interface in doc["openconfig-interfaces:interfaces"]["interface"]:
            interface["config"]["description"] = f"{interface['name']} of leaf{device}"
        for edit in edits.get(device, []):
            edit(doc)
        docs.append((f"leaf{device}", doc))
    return docs


def _set(port: int, leaf: str, value: Any) -> Edit:
    return lambda doc: _port(doc, port)["config"].update({leaf: value})


def _vlan(port: int, vlan: int) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        switched = _port(doc, port)["openconfig-if-ethernet:ethernet"][
            "openconfig-vlan:switched-vlan"
        ]
        switched["config"]["access-vlan"] = vlan

    return edit


def _drop(port: int, leaf: str) -> Edit:
    return lambda doc: _port(doc, port)["config"].pop(leaf)


def _error_paths(
    build: SchemaBuild, docs: list[tuple[str, dict[str, Any]]], oracle: Any
) -> dict[str, set[str]]:
    """Error paths by document name (invalid documents only); libyang must agree."""
    results = validate_documents(docs, build=build)
    for (name, doc), result in zip(docs, results, strict=True):
        verdict, message = oracle.check_doc(doc)
        assert verdict == result.valid, (name, message, result.errors)
    return {r.file: {e.path for e in r.errors} for r in results if not r.valid}


def test_one_bad_value_among_shared_ones(build: SchemaBuild, oracle: Any) -> None:
    docs = _fleet({5: [_set(7, "mtu", 70000)]})
    assert _error_paths(build, docs, oracle) == {"leaf5": {_path(7, "mtu")}}


def test_bad_value_shared_by_several_documents(build: SchemaBuild, oracle: Any) -> None:
    shared_bad = [_set(3, "mtu", 70000)]
    docs = _fleet(
        {
            2: shared_bad,
            5: shared_bad,
            9: [*shared_bad, _vlan(10, 4095)],
            7: [_set(3, "mtu", 80000)],
            4: [_set(3, "mtu", 1500)],
        }
    )
    assert _error_paths(build, docs, oracle) == {
        "leaf2": {_path(3, "mtu")},
        "leaf5": {_path(3, "mtu")},
        "leaf7": {_path(3, "mtu")},
        "leaf9": {_path(3, "mtu"), VLAN_10},
    }


def test_structural_defects_next_to_value_defects(build: SchemaBuild, oracle: Any) -> None:
    # A missing mandatory leaf is reported by cue only in a run without other
    # errors, and sends its pieces' shape back to be vetted whole. Without its
    # type a port's ethernet container fails its `when`; a piece with a bad value
    # reports its missing leaf too (leaf8: every error, by the Python check).
    docs = _fleet(
        {
            3: [_drop(5, "type")],
            4: [_drop(5, "type")],
            6: [_set(8, "colour", "red")],
            8: [_set(2, "mtu", 70000), _drop(2, "type")],
            10: [_set(5, "mtu", 70000)],
        }
    )
    assert _error_paths(build, docs, oracle) == {
        "leaf3": {_path(5, "type"), ETHERNET_5},
        "leaf4": {_path(5, "type"), ETHERNET_5},
        "leaf6": {_path(8, "colour")},
        "leaf8": {_path(2, "mtu"), _path(2, "type"), ETHERNET_2},
        "leaf10": {_path(5, "mtu")},
    }


def test_free_strings_share_one_check_but_other_kinds_and_key_fills_do_not(
    build: SchemaBuild, oracle: Any
) -> None:
    # Every description (a plain string leaf) differs, so all strings there
    # share one cue check; a number in its place, and a config/name that is
    # not its entry's key (a plain string too, but filled from the key), still fail;
    # the mismatch is named at the key leaf (where libyang names it) and at config/name.
    docs = _fleet({3: [_set(4, "description", 17)], 6: [_set(9, "name", "Ethernet99")]})
    assert _error_paths(build, docs, oracle) == {
        "leaf3": {_path(4, "description")},
        "leaf6": {_path(9, "name"), "/interfaces/interface[name=Ethernet9]/name"},
    }
