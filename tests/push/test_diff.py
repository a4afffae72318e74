"""The semantic diff, on the real compiled schema: keys, order, identities, numbers, state."""

from __future__ import annotations

import copy
import json
from typing import Any

from push_helpers import CORPUS, corpus

from netdata.push import diff_configs
from netdata.push._render import render_changes

IFACES = "openconfig-interfaces:interfaces"
POLICY = "openconfig-routing-policy:routing-policy"
NI = "openconfig-network-instance:network-instances"


def paths(changes: list[Any]) -> list[tuple[str, str]]:
    return [(c.op, c.path) for c in changes]


def interfaces(doc: dict[str, Any]) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = doc[IFACES]["interface"]
    return entries


def test_identical_documents_have_no_changes(schema: Any) -> None:
    doc = corpus("p015")
    assert diff_configs(doc, copy.deepcopy(doc), schema) == []


def test_list_entries_match_by_key_not_position(schema: Any) -> None:
    doc = corpus("p001")
    running = copy.deepcopy(doc)
    interfaces(running).reverse()
    assert diff_configs(doc, running, schema) == []


def test_leaf_level_changes_with_old_and_new_values(schema: Any) -> None:
    doc = corpus("p001")
    running = copy.deepcopy(doc)
    first = interfaces(running)[0]
    name = first["name"]
    first["config"]["mtu"] = 1500
    del first["config"]["description"]
    interfaces(running)[1]["config"]["description"] = "left over"
    interfaces(doc)[1]["config"].pop("description", None)
    changes = diff_configs(doc, running, schema)
    by_path = {c.path: c for c in changes}
    mtu = by_path[f"/interfaces/interface[name={name}]/config/mtu"]
    assert (mtu.op, mtu.old, mtu.new) == ("~", 1500, interfaces(doc)[0]["config"]["mtu"])
    assert by_path[f"/interfaces/interface[name={name}]/config/description"].op == "+"
    second = interfaces(doc)[1]["name"]
    extra = by_path[f"/interfaces/interface[name={second}]/config/description"]
    assert (extra.op, extra.old) == ("-", "left over")
    assert len(changes) == 3


KEYS = {"interface": "name", "subinterface": "index", "address": "ip"}  # the YANG list keys


def leaf_count(value: Any, key: str | None = None) -> int:
    """Leaves of an RFC 7951 subtree, list keys (which name their entries) left out."""
    if isinstance(value, dict):
        return sum(leaf_count(v, m) for m, v in value.items() if m != key)
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return sum(leaf_count(v, KEYS[key.rpartition(":")[2]]) for v in value) if key else 0
    return 1


def test_entries_only_on_one_side_show_every_leaf(schema: Any) -> None:
    doc = corpus("p001")
    running = copy.deepcopy(doc)
    gone = interfaces(running).pop()
    entry = f"/interfaces/interface[name={gone['name']}]/"
    added = diff_configs(doc, running, schema)
    assert {c.op for c in added} == {"+"} and all(c.path.startswith(entry) for c in added)
    assert len(added) == leaf_count(gone, "name")
    removed = diff_configs(running, doc, schema)  # the device has an entry the intent lacks
    assert [(c.op, c.path) for c in removed] == [("-", c.path) for c in added]


def test_ordered_by_user_lists_compare_in_order(schema: Any) -> None:
    doc = corpus("p008")
    running = copy.deepcopy(doc)
    statements = running[POLICY]["policy-definitions"]["policy-definition"][0]["statements"]
    statements["statement"].reverse()
    changes = diff_configs(doc, running, schema)
    assert len(changes) == 1
    order = changes[0]
    assert order.op == "~" and order.path.endswith("/statements/statement")
    assert (order.old, order.new) == (["[name=20]", "[name=10]"], ["[name=10]", "[name=20]"])
    # prefixes (ordered-by system) in another order are no change
    running = copy.deepcopy(doc)
    prefix_set = running[POLICY]["defined-sets"]["prefix-sets"]["prefix-set"][0]
    prefix_set["prefixes"]["prefix"].reverse()
    assert diff_configs(doc, running, schema) == []


def test_identities_with_or_without_module_prefix(schema: Any) -> None:
    doc = corpus("p006")
    running = copy.deepcopy(doc)
    instance = running[NI]["network-instance"][0]
    instance["config"]["type"] = "DEFAULT_INSTANCE"
    protocol = instance["protocols"]["protocol"][0]
    protocol["identifier"] = protocol["config"]["identifier"] = "BGP"  # a key, too
    assert diff_configs(doc, running, schema) == []
    instance["config"]["type"] = "openconfig-network-instance-types:L3VRF"
    assert paths(diff_configs(doc, running, schema)) == [
        ("~", "/network-instances/network-instance[name=default]/config/type")
    ]


def test_numbers_compare_by_value(schema: Any) -> None:
    doc = corpus("p001")
    running = copy.deepcopy(doc)
    interfaces(running)[0]["config"]["mtu"] = float(interfaces(doc)[0]["config"]["mtu"])
    assert diff_configs(doc, running, schema) == []
    tunnel = {
        "name": "t1",
        "config": {"name": "t1"},
        "bandwidth": {"config": {"set-bandwidth": "10"}},
    }
    intended = {
        NI: {
            "network-instance": [
                {
                    "name": "default",
                    "config": {"name": "default"},
                    "mpls": {"lsps": {"constrained-path": {"tunnels": {"tunnel": [tunnel]}}}},
                }
            ]
        }
    }
    device = copy.deepcopy(intended)
    device_tunnel = device[NI]["network-instance"][0]["mpls"]["lsps"]["constrained-path"]
    device_tunnel["tunnels"]["tunnel"][0]["bandwidth"]["config"]["set-bandwidth"] = 10  # uint64
    assert diff_configs(intended, device, schema) == []


def test_state_data_of_a_get_all_is_ignored(schema: Any) -> None:
    doc = corpus("p001")
    running = copy.deepcopy(doc)
    for entry in interfaces(running):
        entry["state"] = {**entry["config"], "oper-status": "UP"}
    assert diff_configs(doc, running, schema) == []


def test_update_mode_keeps_what_the_device_has_beyond_the_intent(schema: Any) -> None:
    doc = corpus("p001")
    interfaces(doc)[1]["config"]["mtu"] = 9000
    running = copy.deepcopy(doc)
    interfaces(running)[0]["config"]["description"] = "set by hand"
    interfaces(running)[1]["config"]["mtu"] = 1234
    del interfaces(doc)[0]["config"]["description"]
    assert {c.op for c in diff_configs(doc, running, schema)} == {"-", "~"}
    assert [c.op for c in diff_configs(doc, running, schema, mode="update")] == ["~"]


def test_unknown_members_are_compared_as_opaque_json(schema: Any) -> None:
    doc = corpus("p001")
    running = copy.deepcopy(doc)
    interfaces(running)[0]["vendor-x:extra"] = {"a": 1}
    assert paths(diff_configs(doc, running, schema)) == [
        ("-", f"/interfaces/interface[name={interfaces(doc)[0]['name']}]/extra")
    ]


def test_human_rendering_is_a_compact_tree(schema: Any) -> None:
    doc = corpus("p001")
    running = copy.deepcopy(doc)
    added = interfaces(running).pop()
    interfaces(running)[0]["config"]["mtu"] = 1500
    lines = render_changes(diff_configs(doc, running, schema))
    name = interfaces(doc)[0]["name"]
    assert lines[0] == "  interfaces"
    assert f"    interface[name={name}]" in lines
    assert "~       mtu: 1500 -> " + str(interfaces(doc)[0]["config"]["mtu"]) in lines
    folded = [line for line in lines if line.startswith("+")]
    assert len(folded) == 1 and f"interface[name={added['name']}]: " in folded[0]
    assert folded[0].endswith("leaves added")
    coloured = render_changes(diff_configs(doc, running, schema), colour=True)
    assert any(line.startswith("\033[33m~") for line in coloured)


def test_a_config_new_to_the_device_diffs_like_the_general_walk(schema: Any) -> None:
    """The first push's walk (:func:`_added`, which looks at one side only) reports what
    the general walk reports for the whole config the other way round (every leaf ``-``),
    on every document of the corpus, the invalid ones included (duplicate and missing keys,
    unqualified roots, state containers, numbers as strings)."""
    for file in sorted(CORPUS.glob("p*.json")):
        doc = json.loads(file.read_text(encoding="utf-8"))
        added = diff_configs(doc, {}, schema)
        removed = diff_configs({root: {} for root in doc}, doc, schema)
        assert {c.op for c in added} == {"+"} and {c.op for c in removed} == {"-"}, file.name
        assert [(c.path, c.new) for c in added] == [(c.path, c.old) for c in removed], file.name
