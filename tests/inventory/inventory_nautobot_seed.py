"""Seed the test fabric (``inventory_fabric``) into a real Nautobot through its REST API.

:func:`seed_base` creates what devices refer to (location, types, roles, tags,
custom field, config context, VLANs, prefixes); :func:`seed_fabric` the devices
of :data:`inventory_fabric.DEVICES`, one request per object, as a user would.
"""

from __future__ import annotations

from typing import Any

from inventory_fabric import DEVICES, NTP_CONTEXT, PREFIXES, VLANS, Fabric
from inventory_nautobot_harness import NautobotServer

ACTIVE = {"name": "Active"}

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
