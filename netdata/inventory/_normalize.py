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
from functools import partial
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
    field = partial(_field, name)
    host: HostVars = {
        "name": name,
        "role": field("role", _name(raw.get("role"))),
        "location": field("location", _name(raw.get("location"))),
        "platform": field("platform", _name(raw.get("platform"))),
        "manufacturer": field("manufacturer", _name(_get(device_type, "manufacturer"))),
        "device_type": field("device_type", _get(device_type, "model")),
        "status": field("status", _choice(raw.get("status"))),
        "serial": field("serial", raw.get("serial") or None),
        "primary_ip4": field("primary_ip4", _address(raw.get("primary_ip4"))),
        "primary_ip6": field("primary_ip6", _address(raw.get("primary_ip6"))),
    }
    host = {k: v for k, v in host.items() if v is not None}
    if "interfaces" in raw:
        host["interfaces"] = _interfaces(name, raw.get("interfaces") or [])
    host["config_context"] = _context(raw)
    tags = raw.get("tags") or []
    if not isinstance(tags, list):
        raise InventoryError(
            f"device {name}: tags must be a list of names, not {_kind(tags)}", device=name
        )
    host["tags"] = sorted({field("tags", _name(tag)) for tag in tags} - {None})
    custom = raw.get("custom_fields") or raw.get("_custom_field_data") or {}
    if not isinstance(custom, Mapping):
        raise InventoryError(
            f"device {name}: custom_fields must be a mapping, not {_kind(custom)}", device=name
        )
    host["custom_fields"] = {k: v for k, v in dict(custom).items() if v is not None}
    for key, value in raw.items() if passthrough else ():
        if key not in KNOWN_FIELDS and value is not None:
            host[key] = value
    return host


_TEXT_FIELDS = (
    "role", "location", "platform", "manufacturer", "device_type", "status", "serial",
    "primary_ip4", "primary_ip6",
)
_MAPPING_FIELDS = ("interfaces", "config_context", "custom_fields")


def check_host_vars(host: Mapping[str, Any]) -> None:
    """Host variables written by hand (the file source): the fields netdata reads have the
    types :func:`normalize_device` gives them; an error names the device and the field."""
    device = str(host.get("name"))
    wrong = [(f, "text") for f in _TEXT_FIELDS if not isinstance(host.get(f), str | None)]
    wrong += [(f, "a mapping") for f in _MAPPING_FIELDS
              if not isinstance(host.get(f), Mapping | None)]
    tags = host.get("tags")
    if tags is not None and not (isinstance(tags, list) and all(isinstance(t, str) for t in tags)):
        wrong.append(("tags", "a list of names"))
    for field, kind in wrong[:1]:
        raise InventoryError(
            f"device {device}: {field} must be {kind}, not {_kind(host[field])}", device=device
        )


_BAD = object()
"""A value of the wrong type (what :func:`_field` reports)."""


def _field(device: str, field: str, value: Any) -> Any:
    """``value`` unless it is :data:`_BAD` (a list where a name belongs, say): then an error."""
    if value is _BAD:
        raise InventoryError(
            f"device {device}: {field} has a value of the wrong type",
            device=device,
        )
    return value


def _kind(value: Any) -> str:
    kinds = {str: "text", int: "a number", float: "a number", bool: "a boolean", list: "a list"}
    return kinds.get(type(value), "a mapping" if isinstance(value, Mapping) else "another type")


def _interfaces(device: str, raw: Any) -> dict[str, HostVars]:
    result: dict[str, HostVars] = {}
    if not isinstance(raw, list) or not all(isinstance(i, Mapping) for i in raw):
        raise InventoryError(
            f"device {device}: interfaces must be a list of objects with a name", device=device
        )
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
        at = f"interface {name!r}"
        values = {k: _field(device, f"{at} {k}", v) for k, v in values.items() if v is not None}
        tagged = [
            _field(device, f"{at} tagged_vlans", _vlan(x))
            for x in _list(intf, "tagged_vlans", device)
        ]
        if any(tagged):
            values["tagged_vlans"] = sorted(filter(None, tagged), key=lambda v: v["vid"])
        addresses = [_address(x) for x in _list(intf, "ip_addresses", device)]
        values["ip_addresses"] = _sorted_addresses(
            _field(device, f"{at} ip_addresses", a) for a in addresses if a
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


def _name(obj: Any) -> Any:
    """A related object's name; a plain string is already one; :data:`_BAD` for other types."""
    if isinstance(obj, str):
        return obj or None
    if obj is None:
        return None
    if not isinstance(obj, Mapping):
        return _BAD
    name = obj.get("name")
    if name is None or isinstance(name, str):
        return name or None
    return _BAD


def _choice(obj: Any) -> Any:
    """A choice value: NetBox ``{"value", "label"}``, Nautobot status ``{"name"}`` or plain."""
    if isinstance(obj, Mapping):
        obj = obj.get("value", obj.get("name"))
    if isinstance(obj, list | Mapping):
        return _BAD
    return obj if obj != "" else None


def _address(obj: Any) -> Any:
    if isinstance(obj, str):
        return obj or None
    if obj is not None and not isinstance(obj, Mapping):
        return _BAD
    address = _get(obj, "address")
    return address if isinstance(address, str) and address else None


def _list(obj: Mapping[str, Any], key: str, device: str) -> list[Any]:
    value = obj.get(key) or []
    if not isinstance(value, list):
        raise InventoryError(f"device {device}: {key} must be a list", device=device)
    return value


def _vlan(obj: Any) -> Any:
    if obj is None:
        return None
    vid = obj.get("vid") if isinstance(obj, Mapping) else _BAD
    if vid is None:
        return None
    if not isinstance(vid, int) or isinstance(vid, bool):
        return _BAD
    vlan: HostVars = {"vid": vid}
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
