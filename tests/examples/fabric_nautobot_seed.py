"""Seed a fabric described by host variables (examples/fabric's inventory) into a real Nautobot.

Everything the host variables name is created through the REST API, one
object per request as a user would: location type and locations,
manufacturers, device types, platforms, roles, tags, the custom fields used,
VLANs, one covering prefix per address family, devices (their config
context as local context data; no other config context exists, so Nautobot
renders exactly that), interfaces (port-channels first, so members can
point at them), IP addresses assigned to them, and the primary IPs.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from inventory_nautobot_harness import NautobotServer

ACTIVE = {"name": "Active"}
_COVERING = {4: "10.0.0.0/8", 6: "2001:db8::/32"}
_APPS = {"location-types": "dcim", "locations": "dcim", "manufacturers": "dcim",
         "device-types": "dcim", "platforms": "dcim", "roles": "extras", "tags": "extras",
         "custom-fields": "extras", "vlans": "ipam", "prefixes": "ipam"}


def seed_hosts(server: NautobotServer, hosts: dict[str, dict[str, Any]]) -> None:
    """Create the devices of ``hosts`` (host variables in docs/inventory.md's shape)."""
    ids = _Ids(server)
    site = ids.make("location-types", "Site", {"content_types": ["dcim.device", "ipam.vlan",
                                                                  "ipam.prefix"]})
    for host in hosts.values():
        ids.make("locations", host["location"], {"location_type": site, "status": ACTIVE})
        vendor = ids.make("manufacturers", host["manufacturer"], {})
        ids.make("device-types", host["device_type"], {"manufacturer": vendor}, key="model")
        ids.make("platforms", host["platform"], {"manufacturer": vendor})
        ids.make("roles", host["role"], {"content_types": ["dcim.device"]})
        for tag in host["tags"]:
            ids.make("tags", tag, {"content_types": ["dcim.device"]})
        for field in host["custom_fields"]:
            ids.make("custom-fields", field, {"label": field, "type": "text",
                                              "content_types": ["dcim.device"]}, key="key")
        for intf in host["interfaces"].values():
            for vlan in [intf.get("untagged_vlan"), *intf.get("tagged_vlans", [])]:
                if vlan:
                    ids.make("vlans", str(vlan["vid"]), {
                        "vid": vlan["vid"], "name": vlan["name"], "status": ACTIVE,
                        "locations": [ids.get("locations", host["location"])]}, key=None)
            for address in intf["ip_addresses"]:
                version = ipaddress.ip_interface(address).version
                ids.make("prefixes", _COVERING[version], {
                    "namespace": {"name": "Global"}, "status": ACTIVE, "type": "network"},
                    key="prefix")
    for name, host in hosts.items():
        _device(server, ids, name, host)


def _device(server: NautobotServer, ids: _Ids, name: str, host: dict[str, Any]) -> None:
    device = server.api("POST", "/api/dcim/devices/", {
        "name": name, "role": ids.get("roles", host["role"]),
        "device_type": ids.get("device-types", host["device_type"]),
        "location": ids.get("locations", host["location"]),
        "platform": ids.get("platforms", host["platform"]), "status": {"name": host["status"]},
        "serial": host.get("serial", ""), "tags": [ids.get("tags", t) for t in host["tags"]],
        "custom_fields": host["custom_fields"],
        "local_config_context_data": host["config_context"] or None,
    })
    assert isinstance(device, dict)
    interfaces: dict[str, str] = {}
    addresses: dict[str, str] = {}
    for iname, intf in sorted(host["interfaces"].items(), key=lambda kv: kv[1]["type"] != "lag"):
        body: dict[str, Any] = {
            "device": device["id"], "name": iname, "type": intf["type"], "status": ACTIVE,
            "enabled": intf["enabled"], "description": intf.get("description", ""),
        }
        for key in ("mtu", "mode"):
            if key in intf:
                body[key] = intf[key]
        if "lag" in intf:
            body["lag"] = interfaces[intf["lag"]]
        if "untagged_vlan" in intf:
            body["untagged_vlan"] = ids.get("vlans", str(intf["untagged_vlan"]["vid"]))
        if "tagged_vlans" in intf:
            body["tagged_vlans"] = [ids.get("vlans", str(v["vid"])) for v in intf["tagged_vlans"]]
        created = server.api("POST", "/api/dcim/interfaces/", body)
        assert isinstance(created, dict)
        interfaces[iname] = created["id"]
        for address in intf["ip_addresses"]:
            ip = server.api("POST", "/api/ipam/ip-addresses/", {
                "address": address, "namespace": {"name": "Global"}, "status": ACTIVE,
                "type": "host"})
            assert isinstance(ip, dict)
            addresses[address] = ip["id"]
            server.api("POST", "/api/ipam/ip-address-to-interface/",
                       {"ip_address": ip["id"], "interface": created["id"]})
    primary = {k: addresses[host[k]] for k in ("primary_ip4", "primary_ip6") if k in host}
    server.api("PATCH", f"/api/dcim/devices/{device['id']}/", primary)


class _Ids:
    """Objects created so far, by REST endpoint and name; each one is created once."""

    def __init__(self, server: NautobotServer) -> None:
        self.server = server
        self.ids: dict[tuple[str, str], str] = {}

    def make(self, kind: str, name: str, body: dict[str, Any], *, key: str | None = "name") -> str:
        if (kind, name) not in self.ids:
            payload = {key: name, **body} if key else body
            created = self.server.api("POST", f"/api/{_APPS[kind]}/{kind}/", payload)
            assert isinstance(created, dict)
            self.ids[kind, name] = str(created["id"])
        return self.ids[kind, name]

    def get(self, kind: str, name: str) -> str:
        return self.ids[kind, name]
