"""Set then Get through pygnmi, as a client sees a simulated device."""

from __future__ import annotations

import json
from typing import Any

import grpc
import pytest
from pygnmi.client import gNMIException
from pygnmi.spec.v080 import gnmi_pb2, gnmi_pb2_grpc
from sim_helpers import IFACE, P001, client, corpus_text, iface_config, status_of

from netdata.sim import SimFleet


def get_value(gc: Any, path: str, **options: Any) -> Any:
    options.setdefault("encoding", "json_ietf")
    response = gc.get(path=[path], **options)
    [notification] = response["notification"]
    [update] = notification["update"]
    return update["val"]


@pytest.fixture
def leaf(sim_fleet_factory: Any) -> Any:
    fleet: SimFleet = sim_fleet_factory(["leaf1"], startup={"leaf1": corpus_text(P001)})
    return fleet["leaf1"]


def test_set_then_get_returns_what_was_set(leaf: Any) -> None:
    entry = iface_config("Ethernet7", mtu=9000, description="uplink")
    with client(leaf) as gc:
        assert gc.set(replace=[(IFACE.format("Ethernet7"), entry)], encoding="json_ietf")
        assert get_value(gc, IFACE.format("Ethernet7"), datatype="config") == entry
        assert get_value(gc, "/interfaces/interface[name=Ethernet7]/config/mtu") == 9000
    stored = {i["name"] for i in leaf.config["openconfig-interfaces:interfaces"]["interface"]}
    assert stored == {"Ethernet1", "Ethernet2", "Loopback0", "Ethernet7"}
    assert leaf.commits == 1


def test_get_of_the_root_returns_module_qualified_tree(leaf: Any) -> None:
    with client(leaf) as gc:
        tree = get_value(gc, "/", datatype="config")
    assert set(tree) == set(json.loads(corpus_text(P001))) == {"openconfig-interfaces:interfaces"}
    assert tree == leaf.config


def test_update_merges_and_replace_removes_unlisted_leaves(leaf: Any) -> None:
    path = IFACE.format("Ethernet1") + "/config"
    with client(leaf) as gc:
        gc.set(update=[(path, {"mtu": 1500})], encoding="json_ietf")
        config = get_value(gc, path)
        assert config["mtu"] == 1500 and config["description"] == "to server01 eth0"
        gc.set(
            replace=[(path, {"name": "Ethernet1", "type": "iana-if-type:ethernetCsmacd"})],
            encoding="json_ietf",
        )
        assert get_value(gc, path) == {"name": "Ethernet1", "type": "iana-if-type:ethernetCsmacd"}


def test_delete_replace_update_apply_in_that_order(leaf: Any) -> None:
    """One request deletes Ethernet2, replaces it anew, then updates it: all three count."""
    path = IFACE.format("Ethernet2")
    with client(leaf) as gc:
        response = gc.set(
            delete=[path],
            replace=[(path, iface_config("Ethernet2", description="replaced"))],
            update=[(path + "/config", {"mtu": 1600})],
            encoding="json_ietf",
        )
        assert [r["op"] for r in response["response"]] == ["DELETE", "REPLACE", "UPDATE"]
        config = get_value(gc, path + "/config")
    # the old "enabled": false was deleted; replace then update both applied
    assert config == {
        "name": "Ethernet2",
        "type": "iana-if-type:ethernetCsmacd",
        "description": "replaced",
        "mtu": 1600,
    }


def test_delete_of_missing_path_is_accepted(leaf: Any) -> None:
    with client(leaf) as gc:
        assert gc.set(delete=[IFACE.format("Nope")], encoding="json_ietf")
    assert leaf.commits == 1


@pytest.mark.parametrize(
    ("path", "value", "code", "in_message"),
    [
        (IFACE.format("Ethernet1") + "/config", {"mtu": "big"}, "INVALID_ARGUMENT", "config/mtu"),
        (IFACE.format("Ethernet1") + "/config", {"mtu": 70000}, "INVALID_ARGUMENT", "config/mtu"),
        (
            "openconfig-lldp:lldp/interfaces/interface[name=Ethernet9]",
            {"name": "Ethernet9", "config": {"name": "Ethernet9", "enabled": True}},
            "INVALID_ARGUMENT",
            "leafref",
        ),
        (IFACE.format("Ethernet1") + "/config/speed", 1, "NOT_FOUND", "config/speed"),
        (IFACE.format("Ethernet1") + "/config", {"bogus": 1}, "INVALID_ARGUMENT", "bogus"),
        (IFACE.format("Ethernet1") + "/state", {"mtu": 1}, "INVALID_ARGUMENT", "config false"),
        (IFACE.format("Ethernet1"), iface_config("Ethernet5"), "INVALID_ARGUMENT", "conflicts"),
        ("openconfig-interfaces:interfaces/interface", {"name": "x"}, "INVALID_ARGUMENT", "array"),
    ],
)
def test_invalid_set_is_rejected_and_changes_nothing(
    leaf: Any, path: str, value: Any, code: str, in_message: str
) -> None:
    before = leaf.config_text
    with client(leaf) as gc:
        status, details = status_of(
            lambda: gc.set(
                delete=[IFACE.format("Ethernet2")], update=[(path, value)], encoding="json_ietf"
            )
        )
    assert status == getattr(grpc.StatusCode, code)
    assert in_message in details
    assert leaf.config_text == before and leaf.commits == 0


def test_get_of_missing_data_is_not_found(leaf: Any) -> None:
    with client(leaf) as gc:
        status, details = status_of(
            lambda: gc.get(path=[IFACE.format("Nope")], encoding="json_ietf")
        )
    assert status == grpc.StatusCode.NOT_FOUND and "interface[name=Nope]" in details


def test_state_mirrors_applied_config(leaf: Any) -> None:
    path = IFACE.format("Ethernet1")
    with client(leaf) as gc:
        state = get_value(gc, path, datatype="state")
        both = get_value(gc, path, datatype="all")
        config = get_value(gc, path, datatype="config")
    assert "config" not in state and state["state"]["mtu"] == 9100 and state["name"] == "Ethernet1"
    assert both["config"] == config["config"] and both["state"] == config["config"]
    assert "state" not in config


def test_keyed_paths_with_identity_and_integer_keys(sim_fleet_factory: Any) -> None:
    doc = corpus_text("p006-ni-default-bgp.json")
    dev = sim_fleet_factory(["r1"], startup={"r1": doc})["r1"]
    ni = json.loads(doc)["openconfig-network-instance:network-instances"]["network-instance"][0]
    proto = ni["protocols"]["protocol"][0]
    ident = proto["identifier"].rpartition(":")[2]
    path = (
        f"openconfig-network-instance:network-instances/network-instance[name={ni['name']}]"
        f"/protocols/protocol[identifier={ident}][name={proto['name']}]/config"
    )
    with client(dev) as gc:
        assert get_value(gc, path)["name"] == proto["name"]


def test_json_encoding_of_default_pygnmi_client(leaf: Any) -> None:
    """pygnmi picks JSON when offered: member names without module prefixes."""
    with client(leaf) as gc:
        assert gc.set(update=[("/interfaces/interface[name=Ethernet1]/config", {"mtu": 1400})])
        config = gc.get(path=["/interfaces/interface[name=Ethernet1]"], datatype="config")
    value = config["notification"][0]["update"][0]["val"]
    assert value["config"]["mtu"] == 1400
    assert leaf.config["openconfig-interfaces:interfaces"]["interface"][0]["config"]["mtu"] == 1400


def test_root_replace_with_corpus_documents_agrees_with_libyang(leaf: Any) -> None:
    """Replacing the whole tree accepts exactly the corpus documents libyang accepts."""
    manifest = json.loads(corpus_text("manifest.json"))
    disagreements = []
    with client(leaf) as gc:
        for case in manifest:
            before = leaf.config_text
            doc = json.loads(corpus_text(case["file"]))
            try:
                gc.set(replace=[("/", doc)], encoding="json_ietf")
                accepted = True
            except gNMIException:
                accepted = False
            if accepted != case["valid"]:
                disagreements.append(case["file"])
            if not accepted:
                assert leaf.config_text == before, case["file"]
    assert not disagreements


def test_prefix_origin_and_relative_paths_with_a_raw_stub(leaf: Any) -> None:
    prefix = gnmi_pb2.Path(
        origin="openconfig",
        elem=[
            gnmi_pb2.PathElem(name="openconfig-interfaces:interfaces"),
            gnmi_pb2.PathElem(name="interface", key={"name": "Ethernet1"}),
        ],
    )
    config = gnmi_pb2.Path(elem=[gnmi_pb2.PathElem(name="config")])
    hold = gnmi_pb2.Path(elem=[gnmi_pb2.PathElem(name="hold-time")])
    value = gnmi_pb2.TypedValue(json_ietf_val=b'{"description": "via prefix"}')
    with grpc.insecure_channel(f"{leaf.host}:{leaf.port}") as channel:
        stub = gnmi_pb2_grpc.gNMIStub(channel)
        stub.Set(
            gnmi_pb2.SetRequest(prefix=prefix, update=[gnmi_pb2.Update(path=config, val=value)])
        )
        response = stub.Get(
            gnmi_pb2.GetRequest(
                prefix=prefix,
                path=[config, hold],
                encoding=gnmi_pb2.Encoding.JSON_IETF,
                type=gnmi_pb2.GetRequest.DataType.CONFIG,
            )
        )
    first, second = (json.loads(n.update[0].val.json_ietf_val) for n in response.notification)
    assert first["description"] == "via prefix" and first["mtu"] == 9100
    assert second == {"config": {"up": 100, "down": 200}}
    assert response.notification[0].prefix == prefix


def test_subscribe_is_unimplemented(leaf: Any) -> None:
    request = gnmi_pb2.SubscribeRequest(
        subscribe=gnmi_pb2.SubscriptionList(
            mode=gnmi_pb2.SubscriptionList.Mode.ONCE,
            subscription=[gnmi_pb2.Subscription(path=gnmi_pb2.Path())],
        )
    )
    with grpc.insecure_channel(f"{leaf.host}:{leaf.port}") as channel:
        stream = gnmi_pb2_grpc.gNMIStub(channel).Subscribe(iter([request]), timeout=5)
        with pytest.raises(grpc.RpcError) as info:
            list(stream)
    assert info.value.code() == grpc.StatusCode.UNIMPLEMENTED


@pytest.mark.parametrize("sim_fleet", [{"devices": 2, "gateway_port": 0}], indirect=True)
def test_sim_fleet_fixture_takes_options(sim_fleet: SimFleet) -> None:
    assert len(sim_fleet) == 2 and sim_fleet.gateway_address is not None


def test_get_with_key_wildcard_reports_each_match(leaf: Any) -> None:
    with client(leaf) as gc:
        response = gc.get(
            path=["openconfig-interfaces:interfaces/interface[name=*]/config/mtu"],
            encoding="json_ietf",
        )
    [notification] = response["notification"]
    found = {u["path"]: u["val"] for u in notification["update"]}
    # Ethernet2 and Loopback0 have no mtu: only Ethernet1 matches
    assert found == {"interfaces/interface[name=Ethernet1]/config/mtu": 9100}


def test_delete_with_partial_keys(sim_fleet_factory: Any) -> None:
    doc = corpus_text("p006-ni-default-bgp.json")
    dev = sim_fleet_factory(["r1"], startup={"r1": doc})["r1"]
    ni = dev.config["openconfig-network-instance:network-instances"]["network-instance"][0]
    assert ni["protocols"]["protocol"]
    protocols = f"/network-instances/network-instance[name={ni['name']}]/protocols/protocol"
    with client(dev) as gc:
        gc.set(delete=[protocols + "[identifier=BGP]"], encoding="json_ietf")  # name left out
    ni_after = dev.config["openconfig-network-instance:network-instances"]["network-instance"]
    assert "protocols" not in ni_after[0]


def test_delete_with_key_wildcard_and_no_wildcard_replace(leaf: Any) -> None:
    assert len(leaf.config["openconfig-interfaces:interfaces"]["interface"]) == 3
    with client(leaf) as gc:
        code, details = status_of(
            lambda: gc.set(
                replace=[("/interfaces/interface[name=*]", iface_config("x"))],
                encoding="json_ietf",
            )
        )
        assert code == grpc.StatusCode.INVALID_ARGUMENT and "needs exactly the keys" in details
        gc.set(delete=["/interfaces/interface[name=*]"], encoding="json_ietf")
    assert leaf.config == {}


@pytest.mark.parametrize(
    ("member", "accepted"),
    [
        ("openconfig-if-ethernet:ethernet", True),
        ("ethernet", False),  # namespace changes: RFC 7951 needs the module name
        ("oc-eth:ethernet", False),  # a YANG prefix is not a module name
    ],
)
def test_json_ietf_member_qualification(leaf: Any, member: str, accepted: bool) -> None:
    value = {member: {"config": {"auto-negotiate": True}}}
    path = IFACE.format("Ethernet1")
    with client(leaf) as gc:
        if accepted:
            assert gc.set(update=[(path, value)], encoding="json_ietf")
        else:
            code, details = status_of(lambda: gc.set(update=[(path, value)], encoding="json_ietf"))
            assert code == grpc.StatusCode.INVALID_ARGUMENT
            assert "openconfig-if-ethernet:ethernet" in details
            assert leaf.commits == 0
            # plain JSON takes the short name
            assert gc.set(update=[(path, {"ethernet": {"config": {"auto-negotiate": True}}})])
    iface = leaf.config["openconfig-interfaces:interfaces"]["interface"][0]
    assert iface["openconfig-if-ethernet:ethernet"]["config"]["auto-negotiate"] is True
