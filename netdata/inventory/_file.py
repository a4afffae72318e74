"""A local YAML or JSON file as the source of truth (host variables written by hand or exported)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from netdata._documents import read_data
from netdata._exceptions import DocumentError, InventoryError
from netdata.inventory._model import Filters, HostVars
from netdata.inventory._normalize import check_host_vars


class FileSource:
    """Host variables from a YAML or JSON file.

    The file holds either ``{"hosts": {"<name>": {...}}}`` (what ``netdata
    inventory fetch`` prints) or a list of device mappings that each have a
    ``name``.  The filters are applied to the host variables.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def fetch(self, filters: Filters) -> list[HostVars]:
        hosts = [self._host(item) for item in self._items(self._load())]
        return [h for h in hosts if filters.matches(h)]

    def _load(self) -> Any:
        try:
            return read_data(self.path)
        except DocumentError as exc:
            raise InventoryError(str(exc), path=str(self.path)) from None

    def _items(self, data: Any) -> list[Any]:
        if isinstance(data, Mapping) and isinstance(data.get("hosts"), Mapping):
            items = []
            for name, host in data["hosts"].items():
                if not isinstance(host, Mapping):
                    raise self._error(f"hosts.{name} is not a mapping", device=str(name))
                if host.get("name", name) != name:
                    raise self._error(
                        f"hosts.{name} has name {host.get('name')!r}", device=str(name)
                    )
                items.append({**host, "name": name})
            return items
        if isinstance(data, list):
            return data
        raise self._error("expected {hosts: {<name>: {...}}} or a list of devices")

    def _host(self, item: Any) -> HostVars:
        if not isinstance(item, Mapping) or not isinstance(item.get("name"), str):
            raise self._error(f"every device must be a mapping with a 'name': {str(item)[:80]}")
        if not item["name"]:
            raise self._error("a device has an empty name")
        try:
            check_host_vars(item)
        except InventoryError as exc:
            raise self._error(str(exc), device=item["name"]) from None
        return dict(item)

    def _error(self, reason: str, device: str | None = None) -> InventoryError:
        return InventoryError(f"{self.path}: {reason}", path=str(self.path), device=device)
