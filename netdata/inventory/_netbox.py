"""NetBox sources (NetBox 4.x): REST (devices, interfaces, IP addresses, paged) and GraphQL."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

from netdata._exceptions import InventoryError
from netdata.inventory._graphql import (
    DEVICE_INTERFACES,
    answer_devices,
    check_variables,
    declares,
    load_query,
)
from netdata.inventory._http import Connection, HttpClient
from netdata.inventory._model import Filters, HostVars
from netdata.inventory._normalize import normalize_device

# Filters field -> NetBox filter parameter on /dcim/devices/ (roles and sites by slug;
# tags, by slug too, are asked one request each).
_REST_FILTERS = {"roles": "role", "locations": "site", "names": "name"}
_DEVICES, _INTERFACES = "/api/dcim/devices/", "/api/dcim/interfaces/"
_IPS = "/api/ipam/ip-addresses/"

DEFAULT_QUERY = """\
query netdata_devices(
  $role: [String!], $location: [String!], $tag: [String!], $name: [String!],
  $offset: Int, $limit: Int
) {
  devices: device_list(
    filters: {
      role: {slug: {in_list: $role}}, site: {slug: {in_list: $location}},
      tags: {slug: {in_list: $tag}}, name: {in_list: $name}, DISTINCT: true
    }
    pagination: {offset: $offset, limit: $limit}
  ) {
    id
    name
    role { name }
    site { name }
    platform { name }
    device_type { model manufacturer { name } }
    status
    serial
    primary_ip4 { address }
    primary_ip6 { address }
    config_context
    tags { name }
    custom_fields
""" + DEVICE_INTERFACES + "  }\n}\n"
"""The default NetBox GraphQL query; custom queries follow the same contract (docs/inventory.md)."""

# Filters field -> GraphQL variable of the query.
_GRAPHQL_VARIABLES = {"roles": "role", "locations": "location", "tags": "tag", "names": "name"}


class NetBoxRESTSource:
    """Devices from NetBox's REST API.

    NetBox's *site* becomes the ``location`` host variable; filters on role,
    location (site) and tag take NetBox slugs.  NetBox's ``tag`` filter matches
    devices carrying *all* the tags given, so several tags are asked one request
    each and the answers joined (a device matches any of the tags).
    """

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def fetch(self, filters: Filters) -> list[HostVars]:
        params = filters.as_params(_REST_FILTERS)
        with HttpClient(self._conn) as http:
            if filters.tags:
                answers = http.parallel({
                    tag: partial(http.get_all, _DEVICES, {**params, "tag": tag})
                    for tag in filters.tags
                })
                devices = list({d["id"]: d for ds in answers.values() for d in ds}.values())
            else:
                devices = http.get_all(_DEVICES, params)
            ids = [str(d["id"]) for d in devices] if filters else None
            ip_params = {} if filters else {"assigned_object_type": "dcim.interface"}
            lists = http.parallel({
                _INTERFACES: partial(http.get_all_for, _INTERFACES, {}, "device_id", ids),
                _IPS: partial(http.get_all_for, _IPS, ip_params, "device_id", ids),
            })
        return [normalize_device(d) for d in join_netbox(devices, lists[_INTERFACES], lists[_IPS])]


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
    return [{**_netbox_device(d), "interfaces": by_device.get(str(d.get("id")), [])}
            for d in devices]


def _netbox_device(d: Mapping[str, Any]) -> dict[str, Any]:
    """A NetBox device in the raw shape: its site as ``location``, its local context data."""
    raw = {k: v for k, v in d.items() if k not in ("site", "local_context_data")}
    raw["location"] = d.get("site")
    raw["local_config_context_data"] = d.get("local_context_data")
    return raw


class NetBoxGraphQLSource:
    """Devices from NetBox's GraphQL API (``/graphql/``), paged.

    ``query`` is GraphQL text, or a :class:`~pathlib.Path` to a query file; it must
    select a list of devices as ``devices``, declare ``$offset`` and ``$limit``
    (``Int``) and pass them to ``pagination`` (NetBox returns at most its
    ``MAX_PAGE_SIZE`` devices per request), and declare ``$role``, ``$location``,
    ``$tag`` and ``$name`` (``[String!]``, slugs and names) for the filters it is
    used with.  Pages of ``page_size`` devices are read until a short one.
    """

    def __init__(self, conn: Connection, query: str | Path | None = None) -> None:
        self._conn = conn
        self.query, self._query_origin = load_query(query, DEFAULT_QUERY)

    def fetch(self, filters: Filters) -> list[HostVars]:
        variables = filters.as_params(_GRAPHQL_VARIABLES)
        check_variables(self.query, self._query_origin, variables)
        if not (declares(self.query, "offset") and declares(self.query, "limit")):
            raise InventoryError(
                f"{self._query_origin} must declare $offset and $limit (Int) and pass them "
                "on (device_list(pagination: {offset: $offset, limit: $limit})): NetBox "
                "returns at most MAX_PAGE_SIZE devices per request",
                path=self._query_origin,
            )
        with HttpClient(self._conn) as http:
            url = http.url("/graphql/")

            def page(offset: int, limit: int) -> list[Mapping[str, Any]]:
                body = {"query": self.query,
                        "variables": {**variables, "offset": offset, "limit": limit}}
                return answer_devices(http.post_json(url, body), url, self._query_origin, http)

            devices = _all_pages(page, self._conn.page_size, http, self._conn.concurrency, url)
        return [normalize_device(_netbox_device(d), passthrough=True) for d in devices]


def _all_pages(
    page: Callable[[int, int], list[Mapping[str, Any]]], limit: int, http: HttpClient,
    concurrency: int, url: str,
) -> list[Mapping[str, Any]]:
    """Every device, by offset pages of ``limit``; later pages concurrently.

    NetBox caps a page at its ``MAX_PAGE_SIZE`` without saying so: the first
    page's length is taken as the page size, and pages are read until one is
    shorter (an empty page when the devices fill the last page exactly), in
    batches of 1, 2, 4 ... up to ``concurrency`` pages.
    """
    devices = list(page(0, limit))
    size = len(devices)
    done, batch = size == 0, 1
    while not done:
        offsets = [len(devices) + k * size for k in range(batch)]
        answers = http.parallel({str(o): partial(page, o, size) for o in offsets})
        for answer in answers.values():
            devices.extend(answer)
            if len(answer) < size:
                done = True
                break
        batch = min(batch * 2, max(concurrency, 1))
    ids = [d.get("id") for d in devices]
    if None not in ids and len(set(ids)) != len(ids):
        raise InventoryError(
            f"POST {url}: a device came twice in the pages: the devices changed while "
            "they were read; try again",
            url=url,
        )
    return devices
