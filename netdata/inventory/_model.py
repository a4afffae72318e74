"""The shared vocabulary of the inventory stage: host variables, filters, the Source protocol."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

HostVars = dict[str, Any]
"""The variables of one device, as plain JSON-compatible data (see docs/inventory.md)."""


@dataclass(frozen=True)
class Filters:
    """Which devices to fetch; each field is a set of accepted values (empty: any).

    A device matches when it matches every non-empty field; within a field any
    value matches (``roles=("leaf", "spine")`` is leaf OR spine).  ``tags``
    matches devices carrying any of the tags.
    """

    roles: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.roles or self.locations or self.tags or self.names)

    def as_params(self, names: Mapping[str, str]) -> dict[str, list[str]]:
        """The non-empty filters under the source's parameter ``names`` (field -> name)."""
        return {names[f]: list(getattr(self, f)) for f in names if getattr(self, f)}

    def matches(self, host: Mapping[str, Any]) -> bool:
        """Whether normalised host variables pass the filters (used by the file source)."""
        checks = (
            (self.roles, {host.get("role")}),
            (self.locations, {host.get("location")}),
            (self.names, {host.get("name")}),
            (self.tags, set(host.get("tags") or ())),
        )
        return all(not wanted or set(wanted) & have for wanted, have in checks)


@runtime_checkable
class Source(Protocol):
    """A source of truth: returns the host variables of the devices matching ``filters``."""

    def fetch(self, filters: Filters) -> list[HostVars]:
        """Fetch and normalise the matching devices."""
        ...
