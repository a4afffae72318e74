"""Pure functions turning a source's device records into host variables.

Every backend first brings its records into one raw shape (the Nautobot shape:
``role``/``location``/``platform`` as objects with a ``name``, choice fields as
plain values or ``{"value": ...}``, ``interfaces`` as a list with nested
``ip_addresses``), then :func:`normalize_device` maps it to host variables.
Keys whose value is null in the source are left out, so CUE sees absent
fields rather than ``null``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from typing import Any

from netdata._exceptions import InventoryError
from netdata.inventory._model import HostVars

# Raw fields consumed by normalize_device; anything else is passed through as is.
KNOWN_FIELDS = frozenset(
    {
        "id", "name", "role", "location", "platform", "device_type", "status", "serial",
        "primary_ip4", "primary_ip6", "interfaces", "config_context",
        "local_config_context_data", "tags", "custom_fields", "_custom_field_data",
    }
)


def normalize_device(raw: Mapping[str, Any], *, passthrough: bool = False) -> HostVars:
    """Host variables of one device record (see docs/inventory.md for the shape).

    With ``passthrough`` (GraphQL: the user chose the fields), fields beyond the
    known ones are copied unchanged; REST records carry many API-only fields,
    which are dropped.
    """
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        ident = raw.get("id", "?")
        raise InventoryError(f"device {ident} has no name: give it one in the source of truth")
    device_type = raw.get("device_type")
    host: HostVars = {
        "name": name,
        "role": _name(raw.get("role")),
        "location": _name(raw.get("location")),
        "platform": _name(raw.get("platform")),
        "manufacturer": _name(_get(device_type, "manufacturer")),
        "device_type": _get(device_type, "model"),
        "status": _choice(raw.get("status")),
        "serial": raw.get("serial") or None,
        "primary_ip4": _address(raw.get("primary_ip4")),
        "primary_ip6": _address(raw.get("primary_ip6")),
    }
    host = {k: v for k, v in host.items() if v is not None}
    if "interfaces" in raw:
        host["interfaces"] = _interfaces(name, raw.get("interfaces") or [])
    host["config_context"] = _context(raw)
    host["tags"] = sorted({t for t in (_name(tag) for tag in raw.get("tags") or []) if t})
    custom = raw.get("custom_fields") or raw.get("_custom_field_data") or {}
    host["custom_fields"] = {k: v for k, v in dict(custom).items() if v is not None}
    for key, value in raw.items() if passthrough else ():
        if key not in KNOWN_FIELDS and value is not None:
            host[key] = value
    return host


def _interfaces(device: str, raw: Iterable[Mapping[str, Any]]) -> dict[str, HostVars]:
    result: dict[str, HostVars] = {}
    for intf in raw:
        name = intf.get("name")
        if not isinstance(name, str) or not name:
            raise InventoryError(f"device {device}: an interface has no name", device=device)
        if name in result:
            raise InventoryError(
                f"device {device}: interface {name!r} appears twice", device=device
            )
        mtu = intf.get("mtu")
        values: HostVars = {
            "type": _choice(intf.get("type")),
            "enabled": intf.get("enabled"),
            "mtu": mtu if mtu else None,
            "description": intf.get("description") or None,
            "lag": _name(intf.get("lag")),
            "mode": _choice(intf.get("mode")),
            "untagged_vlan": _vlan(intf.get("untagged_vlan")),
        }
        values = {k: v for k, v in values.items() if v is not None}
        tagged = [v for v in (_vlan(x) for x in intf.get("tagged_vlans") or []) if v]
        if tagged:
            values["tagged_vlans"] = sorted(tagged, key=lambda v: v["vid"])
        values["ip_addresses"] = _sorted_addresses(
            a for a in (_address(x) for x in intf.get("ip_addresses") or []) if a
        )
        result[name] = values
    return result


def _context(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The rendered config context; the device's local context when only that is known."""
    for key in ("config_context", "local_config_context_data"):
        value = raw.get(key)
        if isinstance(value, Mapping):
            return dict(value)
    return {}


def _get(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, Mapping) else None


def _name(obj: Any) -> str | None:
    """A related object's name; a plain string is already one."""
    if isinstance(obj, str):
        return obj or None
    name = _get(obj, "name")
    return name if isinstance(name, str) and name else None


def _choice(obj: Any) -> Any:
    """A choice value: NetBox ``{"value", "label"}``, Nautobot status ``{"name"}`` or plain."""
    if isinstance(obj, Mapping):
        return obj.get("value", obj.get("name"))
    return obj if obj != "" else None


def _address(obj: Any) -> str | None:
    if isinstance(obj, str):
        return obj or None
    address = _get(obj, "address")
    return address if isinstance(address, str) and address else None


def _vlan(obj: Any) -> HostVars | None:
    if not isinstance(obj, Mapping) or obj.get("vid") is None:
        return None
    vlan: HostVars = {"vid": int(obj["vid"])}
    if obj.get("name"):
        vlan["name"] = obj["name"]
    return vlan


def _sorted_addresses(addresses: Iterable[str]) -> list[str]:
    def key(text: str) -> tuple[int, int, str]:
        try:
            iface = ipaddress.ip_interface(text)
        except ValueError:
            return (9, 0, text)
        return (iface.version, int(iface.ip), text)

    return sorted(set(addresses), key=key)
