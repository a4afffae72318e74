"""Nautobot sources: GraphQL (one query, filters as GraphQL variables) and REST (paged lists)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

from netdata._exceptions import InventoryError
from netdata.inventory._graphql import (
    DEVICE_INTERFACES,
    answer_devices,
    check_variables,
    load_query,
)
from netdata.inventory._http import Connection, HttpClient
from netdata.inventory._model import Filters, HostVars
from netdata.inventory._normalize import normalize_device

DEFAULT_QUERY = """\
query netdata_devices($role: [String], $location: [String], $tag: [String], $name: [String]) {
  devices(role: $role, location: $location, tags: $tag, name: $name) {
    id
    name
    role { name }
    location { name }
    platform { name }
    device_type { model manufacturer { name } }
    status { name }
    serial
    primary_ip4 { address }
    primary_ip6 { address }
    config_context
    tags { name }
    _custom_field_data
""" + DEVICE_INTERFACES + "  }\n}\n"
"""The default GraphQL query; a custom query follows the same contract (docs/inventory.md)."""

# The default query is sent as two concurrent queries: rendering config contexts
# (a correlated subquery per device) and serialising the rest take about as long
# each, and Nautobot runs the two requests on separate workers and cores.
_SPLIT_QUERIES = (
    DEFAULT_QUERY.replace("    config_context\n", ""),
    DEFAULT_QUERY.split("    id\n", 1)[0] + "    id\n    config_context\n  }\n}\n",
)

# Filters field -> GraphQL variable of the query.
_GRAPHQL_VARIABLES = {"roles": "role", "locations": "location", "tags": "tag", "names": "name"}
# Filters field -> Nautobot REST filter parameter on /dcim/devices/.
_REST_FILTERS = {"roles": "role", "locations": "location", "tags": "tags", "names": "name"}
_INTERFACE_CHOICE_FIELDS = ("type", "mode")
_DEVICES, _INTERFACES = "/api/dcim/devices/", "/api/dcim/interfaces/"
_IPS = "/api/ipam/ip-addresses/"
_DEVICE_PAGE = 1000  # Nautobot's default MAX_PAGE_SIZE
# Related objects read once (depth 0) and joined by id.
_RELATED = (
    "/api/extras/roles/", "/api/dcim/locations/", "/api/dcim/platforms/", "/api/extras/statuses/",
    "/api/dcim/device-types/", "/api/dcim/manufacturers/", "/api/extras/tags/", "/api/ipam/vlans/",
)
_DEVICE_REFS = ("role", "location", "platform", "status", "device_type", "primary_ip4",
                "primary_ip6", "tags")
_INTERFACE_REFS = ("lag", "untagged_vlan", "tagged_vlans", "ip_addresses")


class NautobotGraphQLSource:
    """Devices from Nautobot's GraphQL API (``/api/graphql/``) in one query.

    ``query`` is GraphQL text, or a :class:`~pathlib.Path` to a query file; it must select a
    list of devices as ``devices`` and declare ``$role``, ``$location``, ``$tag``
    and ``$name`` (lists of strings) for the filters it is used with.
    """

    def __init__(self, conn: Connection, query: str | Path | None = None) -> None:
        self._conn = conn
        self.query, self._query_origin = load_query(query, DEFAULT_QUERY)

    def fetch(self, filters: Filters) -> list[HostVars]:
        variables = filters.as_params(_GRAPHQL_VARIABLES)
        check_variables(self.query, self._query_origin, variables)
        with HttpClient(self._conn) as http:
            url = http.url("/api/graphql/")

            def run(query: str) -> list[Mapping[str, Any]]:
                answer = http.post_json(url, {"query": query, "variables": variables})
                return answer_devices(answer, url, self._query_origin, http)

            devices = None
            if self.query == DEFAULT_QUERY:
                answers = http.parallel({q: partial(run, q) for q in _SPLIT_QUERIES})
                devices = _joined(*(answers[q] for q in _SPLIT_QUERIES))
            if devices is None:  # a custom query, or the devices changed between the two queries
                devices = run(self.query)
            if any(d.get("interfaces") for d in devices):
                devices = _with_choice_values(devices, _interface_choices(http))
        return [normalize_device(d, passthrough=True) for d in devices]


def _joined(
    devices: list[Mapping[str, Any]], contexts: list[Mapping[str, Any]]
) -> list[Mapping[str, Any]] | None:
    """Devices with the config context of the same id; None unless both list the same ids."""
    by_id = {c.get("id"): c.get("config_context") for c in contexts}
    if len(by_id) != len(devices) or any(d.get("id") not in by_id for d in devices):
        return None
    return [{**d, "config_context": by_id[d.get("id")]} for d in devices]


def graphql_enum_name(value: str) -> str:
    """graphene-django's GraphQL enum name of a choice value: ``10gbase-t`` -> ``A_10GBASE_T``."""
    name = re.sub(r"[\W|^]+", "_", value).upper()
    return name if re.fullmatch(r"[_A-Za-z][_0-9A-Za-z]*", name) else f"A_{name}"


def _interface_choices(http: HttpClient) -> dict[str, dict[str, str]]:
    """Interface choice fields as {field: {GraphQL enum name: value}}, from the REST metadata.

    Nautobot's GraphQL returns choice fields (interface ``type``, ``mode``) as
    enum names; the REST API's OPTIONS answer lists the real values.
    """
    url = http.url("/api/dcim/interfaces/")
    meta = http.options_json(url)
    actions = meta.get("actions") if isinstance(meta, Mapping) else None
    fields = (actions or {}).get("POST") or (actions or {}).get("PUT") or {}
    result: dict[str, dict[str, str]] = {}
    for field in _INTERFACE_CHOICE_FIELDS:
        choices = fields.get(field, {}).get("choices") if isinstance(fields, Mapping) else None
        if not isinstance(choices, list):
            raise InventoryError(
                f"OPTIONS {url}: no choices for interface {field!r}: cannot translate "
                "GraphQL enum names to values",
                url=url,
            )
        result[field] = {graphql_enum_name(str(c["value"])): str(c["value"]) for c in choices}
    return result


def _with_choice_values(
    devices: list[Mapping[str, Any]], choices: Mapping[str, Mapping[str, str]]
) -> list[Mapping[str, Any]]:
    def fix(intf: Mapping[str, Any]) -> Mapping[str, Any]:
        fixed = dict(intf)
        for field, names in choices.items():
            value = intf.get(field)
            if isinstance(value, str):
                fixed[field] = names.get(value, value)
        return fixed

    return [
        {**d, "interfaces": [fix(i) for i in d["interfaces"]]} if d.get("interfaces") else d
        for d in devices
    ]


class NautobotRESTSource:
    """Devices from Nautobot's REST API, paged, joined on the client.

    Devices, interfaces and IP addresses are read at ``?depth=0`` (Nautobot
    serialises nested objects slowly: depth 1 costs 2-4 times as much),
    interfaces with ``exclude_m2m=false`` (Nautobot 3 leaves tagged VLANs and IP
    addresses out of lists otherwise); roles, locations, platforms, statuses,
    device types, manufacturers, tags and VLANs are read once and joined by id.
    Devices come in pages of at least 1,000: for every page, Nautobot renders the
    config contexts of the whole list (100 devices cost as much as 1,000).  The lists, and the pages
    of each list, are fetched concurrently.
    """

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def fetch(self, filters: Filters) -> list[HostVars]:
        device_params: dict[str, Any] = {
            "depth": 0, "include": "config_context", **filters.as_params(_REST_FILTERS)
        }
        m2m: dict[str, Any] = {"depth": 0, "exclude_m2m": "false"}
        ip_params: dict[str, Any] = {"depth": 0}
        # Each page of devices with config contexts renders them for the whole list
        # (Nautobot counts the annotated list): the fewer pages, the better.
        devices_page = max(self._conn.page_size, _DEVICE_PAGE)
        with HttpClient(self._conn) as http:
            jobs: dict[str, Callable[[], list[dict[str, Any]]]] = {}
            devices: list[dict[str, Any]] = []
            ids: list[str] | None = None
            if filters:
                devices = http.get_all(_DEVICES, device_params, devices_page)
                ids = [str(d["id"]) for d in devices]
            else:
                jobs["devices"] = partial(http.get_all, _DEVICES, device_params, devices_page)
                ip_params["has_interface_assignments"] = "true"
            jobs["interfaces"] = partial(http.get_all_for, _INTERFACES, m2m, "device_id", ids)
            jobs["ips"] = partial(http.get_all_for, _IPS, ip_params, "device_id", ids)
            for path in _RELATED:
                jobs[path] = partial(http.get_all, path, {"depth": 0})
            lists = http.parallel(jobs)
        related = [obj for path in _RELATED for obj in lists[path]]
        devices = lists.get("devices", devices)
        joined = join_rest(devices, lists["interfaces"], [*related, *lists["ips"]])
        return [normalize_device(d) for d in joined]


def join_rest(
    devices: Iterable[Mapping[str, Any]],
    interfaces: Iterable[Mapping[str, Any]],
    related: Iterable[Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """Depth-0 REST records joined by id into the GraphQL shape :func:`normalize_device` reads."""
    interfaces = list(interfaces)
    index = {str(o.get("id")): o for o in [*related, *interfaces]}

    def expand(record: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
        out = dict(record)
        for field in fields:
            value = record.get(field)
            if isinstance(value, list):
                out[field] = [index.get(_ref_id(v), v) for v in value]
            elif isinstance(value, Mapping):
                out[field] = index.get(_ref_id(value), value)
        return out

    by_device: dict[str, list[dict[str, Any]]] = {}
    for intf in interfaces:
        owner = _ref_id(intf.get("device"))
        by_device.setdefault(owner, []).append(expand(intf, _INTERFACE_REFS))
    result = []
    for d in devices:
        device = expand(d, _DEVICE_REFS)
        if isinstance(device.get("device_type"), Mapping):
            device["device_type"] = expand(device["device_type"], ("manufacturer",))
        device["interfaces"] = by_device.get(str(d.get("id")), [])
        result.append(device)
    return result


def _ref_id(ref: Any) -> str:
    return str(ref.get("id")) if isinstance(ref, Mapping) else str(ref)
