"""Inventory: fetch what the source of truth knows about each device as host variables.

Sources share one protocol (:class:`Source`): Nautobot GraphQL and REST,
NetBox REST and GraphQL, and local YAML/JSON files.  See docs/inventory.md.
"""

from netdata.inventory._fetch import ENV_PREFIX, SourceKind, fetch_inventory, open_source
from netdata.inventory._file import FileSource
from netdata.inventory._http import Connection
from netdata.inventory._model import Filters, HostVars, Source
from netdata.inventory._nautobot import DEFAULT_QUERY, NautobotGraphQLSource, NautobotRESTSource
from netdata.inventory._netbox import DEFAULT_QUERY as NETBOX_DEFAULT_QUERY
from netdata.inventory._netbox import NetBoxGraphQLSource, NetBoxRESTSource
from netdata.inventory._output import (
    device_file_names,
    hosts_document,
    safe_filename,
    write_host_files,
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
