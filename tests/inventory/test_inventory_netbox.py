"""NetBox source against recorded-shape NetBox 4 responses (no NetBox server can run here)."""

from __future__ import annotations

from typing import Any

import httpx

from netdata.inventory import Filters, NetBoxRESTSource, fetch_inventory

LEAF1 = {
    "name": "leaf1",
    "role": "Leaf",
    "location": "Lab One",
    "platform": "EOS",
    "manufacturer": "Arista",
    "device_type": "DCS-7050SX3",
    "status": "active",
    "serial": "SN0011",
    "primary_ip4": "192.0.2.11/32",
    "interfaces": {
        "Ethernet1": {
            "type": "10gbase-x-sfpp", "enabled": True, "mtu": 9214,
            "description": "to spine1", "lag": "Port-Channel1", "ip_addresses": [],
        },
        "Ethernet2": {
            "type": "10gbase-x-sfpp", "enabled": True, "mode": "tagged",
            "untagged_vlan": {"vid": 10, "name": "users"},
            "tagged_vlans": [{"vid": 10, "name": "users"}, {"vid": 20, "name": "voice"}],
            "ip_addresses": [],
        },
        "Port-Channel1": {
            "type": "lag", "enabled": True, "mtu": 9214, "description": "uplink",
            "ip_addresses": ["10.0.0.1/31"],
        },
        "Loopback0": {
            "type": "virtual", "enabled": True,
            "ip_addresses": ["192.0.2.11/32", "2001:db8::11/128"],
        },
    },
    "config_context": {"ntp": ["192.0.2.250"], "asn": 65011},
    "tags": ["evpn"],
    "custom_fields": {"rack_unit": 12},
}


def test_netbox_devices_interfaces_and_addresses(mock_conn: Any, netbox_handler: Any) -> None:
    log: list[httpx.Request] = []
    hosts = fetch_inventory(NetBoxRESTSource(mock_conn(netbox_handler(log))))
    assert list(hosts) == ["leaf1", "spine1"]
    assert hosts["leaf1"] == LEAF1
    spine = hosts["spine1"]
    assert spine["role"] == "Spine" and spine["custom_fields"] == {"owner": "netops"}
    assert spine["interfaces"]["Ethernet2"] == {
        "type": "10gbase-x-sfpp", "enabled": False, "ip_addresses": []
    }
    assert spine["interfaces"]["Loopback0"]["ip_addresses"] == ["192.0.2.1/32"]
    assert all(r.headers["Authorization"] == "Token s3cr3t-token-value" for r in log)
    # the second device page was fetched by offset, as NetBox's "next" announced
    pages = [r.url.params.get("offset") for r in log if r.url.path == "/api/dcim/devices/"]
    assert pages == [None, "1"]


def test_netbox_filters_use_netbox_parameters(mock_conn: Any, netbox_handler: Any) -> None:
    log: list[httpx.Request] = []
    source = NetBoxRESTSource(mock_conn(netbox_handler(log)))
    source.fetch(Filters(roles=("leaf",), locations=("lab-one",), tags=("evpn",)))
    first = log[0].url.params
    assert (first["role"], first["site"], first["tag"]) == ("leaf", "lab-one", "evpn")
    per_device = [r.url.params.get_list("device_id") for r in log
                  if r.url.path == "/api/dcim/interfaces/"]
    assert per_device[0] == ["11", "12"]
