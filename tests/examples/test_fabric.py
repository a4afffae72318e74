"""examples/fabric: six devices whose configs libyang accepts and that form the fabric described."""

from __future__ import annotations

import ipaddress
import json
import shutil
from pathlib import Path
from typing import Any

from netdata.build import build
from netdata.schema import SchemaBuild
from netdata.settings import load_settings
from netdata.validate import validate_documents

FABRIC = Path(__file__).resolve().parents[2] / "examples" / "fabric"


def _bgp(config: dict[str, Any]) -> dict[str, Any]:
    ni = config["network-instances"]["network-instance"]["default"]
    bgp: dict[str, Any] = ni["protocols"]["protocol"]["BGP"]["BGP"]["bgp"]
    return bgp


def _addresses(config: dict[str, Any]) -> dict[str, str]:
    """interface address -> interface name, for routed ports (subinterface 0)."""
    found = {}
    for name, intf in config["interfaces"]["interface"].items():
        sub = intf.get("subinterfaces", {}).get("subinterface", {}).get("0", {})
        for address in sub.get("ipv4", {}).get("addresses", {}).get("address", {}):
            found[address] = name
    return found


def test_every_config_is_accepted_by_libyang(wire: dict[str, Any], oracle: Any) -> None:
    assert sorted(wire) == ["leaf1", "leaf2", "leaf3", "leaf4", "spine1", "spine2"]
    for name, document in wire.items():
        assert oracle.check_text(json.dumps(document)) == (True, ""), name


def test_every_config_is_valid_for_netdata(authoring: dict[str, Any], schema: SchemaBuild) -> None:
    results = validate_documents(list(authoring.items()), build=schema, form="authoring")
    assert [r.text() for r in results if not r.valid] == []


def test_ebgp_sessions_pair_up_across_point_to_point_links(authoring: dict[str, Any]) -> None:
    """Each neighbour is the far end of a /31 of another device, with that device's AS."""
    owner = {a: (dev, i) for dev, c in authoring.items() for a, i in _addresses(c).items()}
    sessions = set()
    for device, config in authoring.items():
        bgp = _bgp(config)
        asn = bgp["global"]["config"]["as"]
        groups = bgp["peer-groups"]["peer-group"]
        neighbors = bgp["neighbors"]["neighbor"]
        assert len(neighbors) == (4 if device.startswith("spine") else 2), device
        for address, neighbor in neighbors.items():
            peer, _ = owner[address]
            local = str(ipaddress.ip_address(int(ipaddress.ip_address(address)) ^ 1))  # far end
            assert owner[local][0] == device
            peer_as = neighbor["config"].get("peer-as") or groups[
                neighbor["config"]["peer-group"]]["config"]["peer-as"]
            assert peer_as == _bgp(authoring[peer])["global"]["config"]["as"], (device, address)
            assert peer_as != asn
            sessions.add(frozenset({(device, address), (peer, local)}))
    assert len(sessions) == 8  # 2 spines x 4 leaves, each session seen from both ends


def test_routing_policy_applied_to_the_peer_groups(authoring: dict[str, Any]) -> None:
    for device, config in authoring.items():
        policies = config["routing-policy"]["policy-definitions"]["policy-definition"]
        for group in _bgp(config)["peer-groups"]["peer-group"].values():
            applied = group["apply-policy"]["config"]
            assert applied == {"import-policy": ["UNDERLAY-IN"],
                               "export-policy": ["UNDERLAY-OUT"]}, device
            for name in (*applied["import-policy"], *applied["export-policy"]):
                statements = list(policies[name]["statements"]["statement"].values())
                assert statements[-1]["actions"]["config"]["policy-result"] == "REJECT_ROUTE"


def test_each_leaf_pair_has_a_lacp_port_channel_to_its_server(authoring: dict[str, Any]) -> None:
    for pair in (("leaf1", "leaf2"), ("leaf3", "leaf4")):
        ends = []
        for device in pair:
            interfaces = authoring[device]["interfaces"]["interface"]
            lag_name = "Port-Channel10"
            lag = interfaces[lag_name]
            assert lag["aggregation"]["config"]["lag-type"] == "LACP"
            members = [n for n, i in interfaces.items()
                       if i.get("ethernet", {}).get("config", {}).get("aggregate-id") == lag_name]
            assert members == ["Ethernet47", "Ethernet48"]
            ends.append(lag["config"]["description"])
        assert ends[0] == ends[1]  # both leaves of the pair reach the same server


def test_access_trunk_ports_vlans_and_svis(authoring: dict[str, Any]) -> None:
    for device in ("leaf1", "leaf2", "leaf3", "leaf4"):
        config = authoring[device]
        interfaces = config["interfaces"]["interface"]
        vlans = config["network-instances"]["network-instance"]["default"]["vlans"]["vlan"]
        assert {k: v["config"]["name"] for k, v in vlans.items()} == {
            "10": "servers", "20": "storage", "30": "hypervisor-mgmt"}
        access = interfaces["Ethernet1"]["ethernet"]["switched-vlan"]["config"]
        assert access == {"interface-mode": "ACCESS", "access-vlan": 10}
        trunk = interfaces["Ethernet4"]["ethernet"]["switched-vlan"]["config"]
        assert trunk == {"interface-mode": "TRUNK", "native-vlan": 30, "trunk-vlans": [10, 20, 30]}
        for vid in (10, 20):
            svi = interfaces[f"Vlan{vid}"]
            assert svi["config"]["type"] == "l3ipvlan"
            assert svi["routed-vlan"]["config"]["vlan"] == vid
            assert len(svi["routed-vlan"]["ipv4"]["addresses"]["address"]) == 1


def test_group_default_mtu_and_the_host_override(authoring: dict[str, Any]) -> None:
    """groups/role/leaf.cue: *9214 on leaf ports; leaf3 Ethernet3's inventory MTU (1500) wins."""
    for device, config in authoring.items():
        for name, intf in config["interfaces"]["interface"].items():
            expected = 1500 if (device, name) == ("leaf3", "Ethernet3") else 9214
            if name.startswith(("Ethernet", "Port-Channel")):
                assert intf["config"]["mtu"] == expected, (device, name)
            else:
                assert "mtu" not in intf["config"], (device, name)


def test_system_and_lldp(authoring: dict[str, Any]) -> None:
    for device, config in authoring.items():
        system = config["system"]
        assert system["config"] == {"hostname": device, "domain-name": "dc1.example.net"}
        assert sorted(system["ntp"]["servers"]["server"]) == ["10.10.255.10", "10.10.255.11"]
        assert sorted(system["dns"]["servers"]["server"]) == ["10.10.255.53", "10.10.255.54"]
        assert list(system["logging"]["remote-servers"]["remote-server"]) == ["10.10.255.50"]
        lldp = config["lldp"]
        assert lldp["config"]["system-name"] == device
        ports = {n for n, i in config["interfaces"]["interface"].items()
                 if n.startswith("Ethernet") and i["config"]["enabled"]}
        assert set(lldp["interfaces"]["interface"]) == ports, device


def test_a_conflicting_group_value_fails_the_leaves_naming_both_files(
    tmp_path: Path, schema: SchemaBuild
) -> None:
    """The README's first "try a mistake": groups do not override each other."""
    repo = tmp_path / "fabric"
    shutil.copytree(FABRIC, repo, ignore=shutil.ignore_patterns("build"))
    with (repo / "groups" / "role" / "leaf.yaml").open("a") as f:
        f.write("domain: dc2.example.net\n")
    result = build(load_settings(repo), schema=schema)
    assert result.failed == ["leaf1", "leaf2", "leaf3", "leaf4"]
    for name in result.failed:
        [error] = result.devices[name].errors
        assert error.path == "/vars/domain"
        files = {p.split(":")[0] for p in error.positions}
        assert {"groups/all.yaml", "groups/role/leaf.yaml"} <= files, error
    assert sorted(p.name for p in (repo / "build").glob("*.json")) == [
        "build.json", "spine1.json", "spine2.json"]
