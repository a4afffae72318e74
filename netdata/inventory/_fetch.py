"""The entry points: build a source from settings, fetch host variables keyed by device name."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from netdata._exceptions import InventoryError
from netdata.inventory._credentials import load_token
from netdata.inventory._file import FileSource
from netdata.inventory._http import Connection
from netdata.inventory._model import Filters, HostVars, Source
from netdata.inventory._nautobot import NautobotGraphQLSource, NautobotRESTSource
from netdata.inventory._netbox import NetBoxGraphQLSource, NetBoxRESTSource

SourceKind = Literal["nautobot-graphql", "nautobot-rest", "netbox", "netbox-graphql", "file"]
# kind -> prefix of its environment variables (<prefix>_URL, <prefix>_TOKEN)
ENV_PREFIX: dict[str, str] = {
    "nautobot-graphql": "NETDATA_NAUTOBOT",
    "nautobot-rest": "NETDATA_NAUTOBOT",
    "netbox": "NETDATA_NETBOX",
    "netbox-graphql": "NETDATA_NETBOX",
}
# kind -> its GraphQL source class (the kinds that take a query)
_GRAPHQL: dict[str, type[NautobotGraphQLSource | NetBoxGraphQLSource]] = {
    "nautobot-graphql": NautobotGraphQLSource,
    "netbox-graphql": NetBoxGraphQLSource,
}


def open_source(
    kind: SourceKind,
    *,
    url: str | None = None,
    path: str | Path | None = None,
    token_file: str | Path | None = None,
    query: str | Path | None = None,
    ca_bundle: str | None = None,
    insecure: bool = False,
    timeout: float = 30.0,
    retries: int = 3,
    page_size: int = 500,
    concurrency: int = 4,
) -> Source:
    """A source of the given kind.

    HTTP sources take ``url`` or ``<PREFIX>_URL`` and the token from
    ``token_file`` or ``<PREFIX>_TOKEN`` (``NETDATA_NAUTOBOT_*``,
    ``NETDATA_NETBOX_*``).  ``query`` (the GraphQL sources only) is query text or
    a Path to a query file.  ``kind="file"`` reads ``path``.
    """
    if kind == "file":
        if path is None:
            raise InventoryError("the file source needs a path")
        return FileSource(path)
    if kind not in ENV_PREFIX:
        raise InventoryError(f"unknown source kind {kind!r}: one of file, {', '.join(ENV_PREFIX)}")
    prefix = ENV_PREFIX[kind]
    url = url or os.environ.get(f"{prefix}_URL")
    if not url:
        raise InventoryError(f"no URL for {kind}: give --url or set {prefix}_URL")
    conn = Connection(
        url=url,
        token=load_token(f"{prefix}_TOKEN", token_file),
        ca_bundle=ca_bundle,
        verify=not insecure,
        timeout=timeout,
        retries=retries,
        page_size=page_size,
        concurrency=concurrency,
    )
    if kind in _GRAPHQL:
        return _GRAPHQL[kind](conn, query)
    if query is not None:
        raise InventoryError(
            f"a GraphQL query is only used by the GraphQL sources ({', '.join(_GRAPHQL)})"
        )
    return NautobotRESTSource(conn) if kind == "nautobot-rest" else NetBoxRESTSource(conn)


def fetch_inventory(source: Source, filters: Filters | None = None) -> dict[str, HostVars]:
    """Host variables of the matching devices, keyed by device name, sorted by name.

    Plain dicts, ready for ``json.dump`` or :func:`write_host_files`.  Two
    devices with the same name are an error (the name is the key for CUE).
    """
    hosts: dict[str, HostVars] = {}
    for host in source.fetch(filters or Filters()):
        name = host["name"]
        if name in hosts:
            raise InventoryError(
                f"two devices are named {name!r}: names must be unique", device=name
            )
        hosts[name] = host
    return dict(sorted(hosts.items()))
