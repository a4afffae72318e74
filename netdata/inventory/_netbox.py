"""NetBox source (REST API, NetBox 3.x and 4.x): devices, interfaces and IP addresses, paged."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

from netdata.inventory._http import Connection, HttpClient
from netdata.inventory._model import Filters, HostVars
from netdata.inventory._normalize import normalize_device

# Filters field -> NetBox filter parameter on /dcim/devices/ (roles, sites and tags by slug).
_REST_FILTERS = {"roles": "role", "locations": "site", "tags": "tag", "names": "name"}


class NetBoxRESTSource:
    """Devices from NetBox's REST API.

    NetBox's *site* becomes the ``location`` host variable; ``role`` is read
    from ``role`` (NetBox 4) or ``device_role`` (NetBox 3); filters on role,
    location (site) and tag take NetBox slugs.
    """

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def fetch(self, filters: Filters) -> list[HostVars]:
        with HttpClient(self._conn) as http:
            devices = http.get_all("/api/dcim/devices/", filters.as_params(_REST_FILTERS))
            ids = [str(d["id"]) for d in devices] if filters else None
            lists = http.parallel({
                path: partial(http.get_all_for, path, {}, "device_id", ids)
                for path in ("/api/dcim/interfaces/", "/api/ipam/ip-addresses/")
            })
        interfaces, addresses = lists.values()
        return [normalize_device(d) for d in join_netbox(devices, interfaces, addresses)]


def join_netbox(
    devices: Iterable[Mapping[str, Any]],
    interfaces: Iterable[Mapping[str, Any]],
    addresses: Iterable[Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """NetBox records in the raw shape :func:`normalize_device` reads."""
    on_interface: dict[str, list[Any]] = {}
    for ip in addresses:
        if ip.get("assigned_object_type") == "dcim.interface":
            on_interface.setdefault(str(ip.get("assigned_object_id")), []).append(ip)
    by_device: dict[str, list[dict[str, Any]]] = {}
    for intf in interfaces:
        device = intf.get("device")
        if isinstance(device, Mapping):
            nested = {**intf, "ip_addresses": on_interface.get(str(intf.get("id")), [])}
            by_device.setdefault(str(device.get("id")), []).append(nested)
    result = []
    for d in devices:
        raw = {k: v for k, v in d.items() if k not in ("site", "device_role", "local_context_data")}
        raw["role"] = d.get("role") or d.get("device_role")
        raw["location"] = d.get("site")
        raw["local_config_context_data"] = d.get("local_context_data")
        raw["interfaces"] = by_device.get(str(d.get("id")), [])
        result.append(raw)
    return result
