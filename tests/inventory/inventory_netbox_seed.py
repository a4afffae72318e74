"""Seed a fabric (``inventory_fabric``) into a real NetBox through its REST API.

NetBox's model of the fabric: the location is a *site* (``lab1``), roles are
device roles, VLANs are global (no site), IP addresses are assigned to
interfaces directly (``assigned_object_type``/``assigned_object_id``).  Objects
of a kind are created with one list POST per :data:`CHUNK` objects, so the same
code seeds the test fabric and the benchmark's 1,000 devices.
"""

from __future__ import annotations

from typing import Any

from inventory_fabric import (
    DEVICES,
    LOCATION,
    MANUFACTURER,
    MODEL,
    NTP_CONTEXT,
    PLATFORM,
    PREFIXES,
    ROLES,
    TAGS,
    VLANS,
    Fabric,
)
from inventory_netbox_harness import NetBoxServer

CHUNK = 50
ACTIVE = "active"


def _slug(name: str) -> str:
    return name.lower().replace(" ", "-")


def _bulk(server: NetBoxServer, path: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for start in range(0, len(items), CHUNK):
        answer = server.api("POST", path, items[start : start + CHUNK])
        assert isinstance(answer, list), answer
        out.extend(answer)
    return out


def seed_base(server: NetBoxServer, prefixes: list[str]) -> dict[str, dict[str, Any]]:
    """Site, manufacturer, device type, platform, roles, tags, custom field, config context,
    VLANs and prefixes; their ids by kind and name."""
    ids: dict[str, dict[str, Any]] = {}

    def make(kind: str, path: str, key: str, body: dict[str, Any]) -> Any:
        obj = server.api("POST", path, body)
        assert isinstance(obj, dict), obj
        ids.setdefault(kind, {})[key] = obj["id"]
        return obj["id"]

    make("site", "/api/dcim/sites/", LOCATION,
         {"name": LOCATION, "slug": _slug(LOCATION), "status": ACTIVE})
    vendor = make("manufacturer", "/api/dcim/manufacturers/", MANUFACTURER,
                  {"name": MANUFACTURER, "slug": _slug(MANUFACTURER)})
    make("device_type", "/api/dcim/device-types/", MODEL,
         {"model": MODEL, "slug": _slug(MODEL), "manufacturer": vendor})
    make("platform", "/api/dcim/platforms/", PLATFORM,
         {"name": PLATFORM, "slug": _slug(PLATFORM), "manufacturer": vendor})
    for role in ROLES:
        make("role", "/api/dcim/device-roles/", role,
             {"name": role, "slug": _slug(role), "color": "00ff00"})
    for tag in TAGS:
        make("tag", "/api/extras/tags/", tag, {"name": tag, "slug": _slug(tag)})
    server.api("POST", "/api/extras/custom-fields/", {
        "name": "rack_unit", "label": "Rack unit", "type": "integer",
        "object_types": ["dcim.device"],
    })
    server.api("POST", "/api/extras/config-contexts/",
               {"name": "ntp", "weight": 100, "data": NTP_CONTEXT})
    for vid, name in VLANS.items():
        make("vlan", "/api/ipam/vlans/", str(vid), {"vid": vid, "name": name, "status": ACTIVE})
    _bulk(server, "/api/ipam/prefixes/", [{"prefix": p, "status": ACTIVE} for p in prefixes])
    return ids


def seed_fabric(
    server: NetBoxServer,
    devices: dict[str, dict[str, Any]] | None = None,
    prefixes: list[str] | None = None,
) -> Fabric:
    """Create ``devices`` (default :data:`inventory_fabric.DEVICES`) with their interfaces,
    IP addresses and primary IPs."""
    devices = DEVICES if devices is None else devices
    ids = seed_base(server, PREFIXES if prefixes is None else prefixes)
    created = _bulk(server, "/api/dcim/devices/", [
        {"name": name, "role": ids["role"][spec["role"]],
         "device_type": ids["device_type"][MODEL], "site": ids["site"][LOCATION],
         "platform": ids["platform"][PLATFORM], "status": ACTIVE,
         "serial": spec.get("serial", f"SN-{name}"), "tags": [ids["tag"][t] for t in spec["tags"]],
         "custom_fields": spec["custom_fields"],
         "local_context_data": spec.get("local_context")}
        for name, spec in devices.items()
    ])
    ids["device"] = {d["name"]: d["id"] for d in created}
    ids["interface"] = {}
    # LAGs first, so members can point at them
    for lags in (True, False):
        wanted = [(name, iname, i) for name, spec in devices.items()
                  for iname, i in spec["interfaces"].items() if (i["type"] == "lag") == lags]
        made = _bulk(server, "/api/dcim/interfaces/", [
            _interface_body(ids, name, iname, i) for name, iname, i in wanted
        ])
        ids["interface"].update(
            {f"{name}:{iname}": m["id"] for (name, iname, _), m in zip(wanted, made, strict=True)}
        )
    addresses = [(name, iname, address) for name, spec in devices.items()
                 for iname, i in spec["interfaces"].items() for address in i.get("ips", [])]
    made = _bulk(server, "/api/ipam/ip-addresses/", [
        {"address": address, "status": ACTIVE, "assigned_object_type": "dcim.interface",
         "assigned_object_id": ids["interface"][f"{name}:{iname}"]}
        for name, iname, address in addresses
    ])
    ids["ip"] = {f"{name}:{a}": m["id"] for (name, _, a), m in zip(addresses, made, strict=True)}
    primaries = []
    for name, spec in devices.items():
        patch: dict[str, Any] = {"id": ids["device"][name]}
        for field in ("primary_ip4", "primary_ip6"):
            if field in spec:
                patch[field] = ids["ip"][f"{name}:{spec[field]}"]
        primaries.append(patch)
    for start in range(0, len(primaries), CHUNK):
        server.api("PATCH", "/api/dcim/devices/", primaries[start : start + CHUNK])
    return Fabric(ids=ids)


def _interface_body(
    ids: dict[str, dict[str, Any]], device: str, name: str, spec: dict[str, Any]
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "device": ids["device"][device], "name": name, "type": spec["type"],
        "enabled": spec.get("enabled", True), "description": spec.get("description", ""),
    }
    for key in ("mtu", "mode"):
        if key in spec:
            body[key] = spec[key]
    if "lag" in spec:
        body["lag"] = ids["interface"][f"{device}:{spec['lag']}"]
    if "untagged_vlan" in spec:
        body["untagged_vlan"] = ids["vlan"][str(spec["untagged_vlan"])]
    if "tagged_vlans" in spec:
        body["tagged_vlans"] = [ids["vlan"][str(v)] for v in spec["tagged_vlans"]]
    return body
