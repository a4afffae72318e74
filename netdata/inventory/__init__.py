"""Inventory: fetch what the source of truth knows about each device as host variables.

Sources share one protocol (:class:`Source`): Nautobot GraphQL and REST,
NetBox REST and GraphQL, and local YAML/JSON files.  See docs/inventory.md.
"""

import typing as _typing

from netdata._lazy import lazy_attributes as _lazy_attributes
from netdata.inventory._file import FileSource
from netdata.inventory._model import Filters, HostVars, Source
from netdata.inventory._output import (
    device_file_names,
    hosts_document,
    safe_filename,
    write_host_files,
)

# the live sources (and httpx) are imported when first used: a build from files needs none
if _typing.TYPE_CHECKING:
    from netdata.inventory._fetch import ENV_PREFIX, SourceKind, fetch_inventory, open_source
    from netdata.inventory._http import Connection
    from netdata.inventory._nautobot import (
        DEFAULT_QUERY,
        NautobotGraphQLSource,
        NautobotRESTSource,
    )
    from netdata.inventory._netbox import DEFAULT_QUERY as NETBOX_DEFAULT_QUERY
    from netdata.inventory._netbox import NetBoxGraphQLSource, NetBoxRESTSource
else:
    __getattr__, __dir__ = _lazy_attributes(
        __name__,
        {
            "ENV_PREFIX": ("netdata.inventory._fetch", "ENV_PREFIX"),
            "SourceKind": ("netdata.inventory._fetch", "SourceKind"),
            "fetch_inventory": ("netdata.inventory._fetch", "fetch_inventory"),
            "open_source": ("netdata.inventory._fetch", "open_source"),
            "Connection": ("netdata.inventory._http", "Connection"),
            "DEFAULT_QUERY": ("netdata.inventory._nautobot", "DEFAULT_QUERY"),
            "NautobotGraphQLSource": ("netdata.inventory._nautobot", "NautobotGraphQLSource"),
            "NautobotRESTSource": ("netdata.inventory._nautobot", "NautobotRESTSource"),
            "NETBOX_DEFAULT_QUERY": ("netdata.inventory._netbox", "DEFAULT_QUERY"),
            "NetBoxGraphQLSource": ("netdata.inventory._netbox", "NetBoxGraphQLSource"),
            "NetBoxRESTSource": ("netdata.inventory._netbox", "NetBoxRESTSource"),
        },
    )

__all__ = [
    "DEFAULT_QUERY",
    "ENV_PREFIX",
    "NETBOX_DEFAULT_QUERY",
    "Connection",
    "FileSource",
    "Filters",
    "HostVars",
    "NautobotGraphQLSource",
    "NautobotRESTSource",
    "NetBoxGraphQLSource",
    "NetBoxRESTSource",
    "Source",
    "SourceKind",
    "device_file_names",
    "fetch_inventory",
    "hosts_document",
    "open_source",
    "safe_filename",
    "write_host_files",
]
