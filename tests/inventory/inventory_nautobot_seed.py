"""Seed a small leaf/spine fabric into a real Nautobot through its REST API.

The fabric is described once, as data (:data:`DEVICES`); :func:`expected_hosts`
derives from that description the host variables a correct inventory fetch must
return, independently of the code under test.  :func:`seed_bulk` creates a
large fabric for the benchmark with bulk (list) POSTs.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from inventory_nautobot_harness import NautobotServer

ACTIVE = {"name": "Active"}
NTP_CONTEXT = {"ntp": ["192.0.2.250"], "syslog": {"host": "192.0.2.251"}}
VLANS = {10: "users", 20: "voice"}

# name -> device description; interfaces: name -> attributes (ips: addresses on it).
DEVICES: dict[str, dict[str, Any]] = {
    "leaf1": {
        "role": "leaf", "tags": ["evpn"], "custom_fields": {"rack_unit": 12},
        "local_context": {"asn": 65011}, "primary_ip4": "192.0.2.11/32",
        "primary_ip6": "2001:db8::11/128",
        "interfaces": {
            "Port-Channel1": {"type": "lag", "mtu": 9214, "description": "uplinks",
                              "ips": ["10.0.0.1/31"]},
            "Ethernet1": {"type": "10gbase-x-sfpp", "mtu": 9214, "description": "to spine1",
                          "lag": "Port-Channel1"},
            "Ethernet2": {"type": "10gbase-x-sfpp", "mode": "tagged", "untagged_vlan": 10,
                          "tagged_vlans": [20, 10]},
            "Ethernet3": {"type": "1000base-t", "enabled": False},
            "Loopback0": {"type": "virtual", "ips": ["192.0.2.11/32", "2001:db8::11/128"]},
        },
    },
    "leaf2": {
        "role": "leaf", "tags": [], "custom_fields": {}, "primary_ip4": "192.0.2.12/32",
        "interfaces": {
            "Ethernet1": {"type": "10gbase-x-sfpp", "mode": "access", "untagged_vlan": 20},
            "Loopback0": {"type": "virtual", "ips": ["192.0.2.12/32"]},
        },
    },
    "spine1": {
        "role": "spine", "tags": ["evpn", "core"], "custom_fields": {"rack_unit": 40},
        "primary_ip4": "192.0.2.1/32",
        "interfaces": {
            "Ethernet1": {"type": "10gbase-x-sfpp", "mtu": 9214, "ips": ["10.0.0.0/31"]},
            "Loopback0": {"type": "virtual", "ips": ["192.0.2.1/32"]},
        },
    },
}
PREFIXES = ["192.0.2.0/24", "10.0.0.0/16", "2001:db8::/64"]


@dataclass(frozen=True)
class Fabric:
    """What was seeded: object ids by kind and name."""

    ids: dict[str, dict[str, str]]


def expected_hosts() -> dict[str, dict[str, Any]]:
    """The host variables the seeded fabric must produce (docs/inventory.md's shape)."""
    hosts = {}
    for name, spec in sorted(DEVICES.items()):
        interfaces = {}
        for iname, i in spec["interfaces"].items():
            values: dict[str, Any] = {"type": i["type"], "enabled": i.get("enabled", True)}
            for key in ("mtu", "description", "lag", "mode"):
                if key in i:
                    values[key] = i[key]
            if "untagged_vlan" in i:
                values["untagged_vlan"] = {"vid": i["untagged_vlan"],
                                           "name": VLANS[i["untagged_vlan"]]}
            if i.get("tagged_vlans"):
                values["tagged_vlans"] = [{"vid": v, "name": VLANS[v]}
                                          for v in sorted(i["tagged_vlans"])]
            values["ip_addresses"] = sorted(
                i.get("ips", []), key=lambda a: (ipaddress.ip_interface(a).version,
                                                 int(ipaddress.ip_interface(a).ip)))
            interfaces[iname] = values
        host: dict[str, Any] = {
            "name": name, "role": spec["role"], "location": "lab1", "platform": "eos",
            "manufacturer": "Arista", "device_type": "DCS-7050SX3", "status": "Active",
            "serial": f"SN-{name}", "primary_ip4": spec["primary_ip4"],
        }
        if "primary_ip6" in spec:
            host["primary_ip6"] = spec["primary_ip6"]
        host["interfaces"] = interfaces
        host["config_context"] = {**NTP_CONTEXT, **spec.get("local_context", {})}
        host["tags"] = sorted(spec["tags"])
        host["custom_fields"] = spec["custom_fields"]
        hosts[name] = host
    return hosts


def _post(server: NautobotServer, path: str, body: Any) -> Any:
    return server.api("POST", path, body)


def seed_base(server: NautobotServer) -> dict[str, dict[str, str]]:
    """Location, types, roles, tags, custom field, config context, VLANs, prefixes."""
    ids: dict[str, dict[str, str]] = {}

    def make(kind: str, path: str, key: str, body: dict[str, Any]) -> str:
        obj = _post(server, path, body)
        ids.setdefault(kind, {})[key] = obj["id"]
        return str(obj["id"])

    site_type = make("location_type", "/api/dcim/location-types/", "Site",
                     {"name": "Site", "content_types": ["dcim.device", "ipam.prefix", "ipam.vlan"]})
    location = make("location", "/api/dcim/locations/", "lab1",
                    {"name": "lab1", "location_type": site_type, "status": ACTIVE})
    vendor = make("manufacturer", "/api/dcim/manufacturers/", "Arista", {"name": "Arista"})
    make("device_type", "/api/dcim/device-types/", "DCS-7050SX3",
         {"model": "DCS-7050SX3", "manufacturer": vendor})
    make("platform", "/api/dcim/platforms/", "eos",
         {"name": "eos", "manufacturer": vendor, "network_driver": "arista_eos"})
    for role in ("leaf", "spine"):
        make("role", "/api/extras/roles/", role, {"name": role, "content_types": ["dcim.device"]})
    for tag in ("evpn", "core"):
        make("tag", "/api/extras/tags/", tag, {"name": tag, "content_types": ["dcim.device"]})
    _post(server, "/api/extras/custom-fields/", {
        "key": "rack_unit", "label": "Rack unit", "type": "integer",
        "content_types": ["dcim.device"],
    })
    _post(server, "/api/extras/config-contexts/", {"name": "ntp", "weight": 100,
                                                    "data": NTP_CONTEXT})
    for vid, name in VLANS.items():
        make("vlan", "/api/ipam/vlans/", str(vid),
             {"vid": vid, "name": name, "status": ACTIVE, "locations": [location]})
    for prefix in PREFIXES:
        _post(server, "/api/ipam/prefixes/", {"prefix": prefix, "namespace": {"name": "Global"},
                                              "status": ACTIVE, "type": "network"})
    return ids


def seed_fabric(server: NautobotServer) -> Fabric:
    """Create :data:`DEVICES` (one request per object, as a user would)."""
    ids = seed_base(server)
    ids["device"], ids["interface"] = {}, {}
    for name, spec in DEVICES.items():
        device = _post(server, "/api/dcim/devices/", {
            "name": name, "role": ids["role"][spec["role"]],
            "device_type": ids["device_type"]["DCS-7050SX3"],
            "location": ids["location"]["lab1"], "platform": ids["platform"]["eos"],
            "status": ACTIVE, "serial": f"SN-{name}",
            "tags": [ids["tag"][t] for t in spec["tags"]],
            "custom_fields": spec["custom_fields"],
            "local_config_context_data": spec.get("local_context"),
        })
        ids["device"][name] = device["id"]
        # LAGs first, so members can point at them
        order = sorted(spec["interfaces"].items(), key=lambda kv: kv[1]["type"] != "lag")
        addresses: dict[str, str] = {}
        for iname, i in order:
            body: dict[str, Any] = {
                "device": device["id"], "name": iname, "type": i["type"], "status": ACTIVE,
                "enabled": i.get("enabled", True), "description": i.get("description", ""),
            }
            for key in ("mtu", "mode"):
                if key in i:
                    body[key] = i[key]
            if "lag" in i:
                body["lag"] = ids["interface"][f"{name}:{i['lag']}"]
            if "untagged_vlan" in i:
                body["untagged_vlan"] = ids["vlan"][str(i["untagged_vlan"])]
            if "tagged_vlans" in i:
                body["tagged_vlans"] = [ids["vlan"][str(v)] for v in i["tagged_vlans"]]
            intf = _post(server, "/api/dcim/interfaces/", body)
            ids["interface"][f"{name}:{iname}"] = intf["id"]
            for address in i.get("ips", []):
                ip = _post(server, "/api/ipam/ip-addresses/", {
                    "address": address, "namespace": {"name": "Global"}, "status": ACTIVE,
                    "type": "host",
                })
                addresses[address] = ip["id"]
                _post(server, "/api/ipam/ip-address-to-interface/",
                      {"ip_address": ip["id"], "interface": intf["id"]})
        primary = {k: addresses[spec[k]] for k in ("primary_ip4", "primary_ip6") if k in spec}
        server.api("PATCH", f"/api/dcim/devices/{device['id']}/", primary)
    return Fabric(ids=ids)
