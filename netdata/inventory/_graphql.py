"""What the GraphQL sources share: query files, the filter-variable contract, answers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from netdata._exceptions import InventoryError
from netdata.inventory._http import HttpClient

DEVICE_INTERFACES = """\
    interfaces {
      name
      type
      enabled
      mtu
      description
      mode
      lag { name }
      untagged_vlan { vid name }
      tagged_vlans { vid name }
      ip_addresses { address }
    }
"""
"""The interfaces of a device in the default queries (the same fields in Nautobot and NetBox)."""


def load_query(query: str | Path | None, default: str) -> tuple[str, str]:
    """The query text and how to name it in messages (``default`` when ``query`` is None)."""
    if query is None:
        return default, "the default query"
    if isinstance(query, str):
        return query, "the GraphQL query"
    path = query
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        message = f"cannot read the query file {path}: {reason}"
        raise InventoryError(message, path=str(path)) from None
    if "{" not in text:
        raise InventoryError(f"{path} is not a GraphQL query", path=str(path))
    return text, str(path)


def declares(query: str, variable: str) -> bool:
    """Whether ``query`` declares ``$variable``."""
    return re.search(rf"\${variable}\s*:", query) is not None


def check_variables(query: str, origin: str, variables: Mapping[str, Any]) -> None:
    """Refuse a filter the query cannot apply: it must declare the filter's variable."""
    for var in variables:
        if not declares(query, var):
            raise InventoryError(
                f"{origin} does not declare the variable ${var}, so it cannot filter by {var}",
                path=origin,
            )


def answer_devices(
    answer: Any, url: str, origin: str, http: HttpClient
) -> list[Mapping[str, Any]]:
    """The ``devices`` list of a GraphQL answer; GraphQL ``errors`` become an InventoryError
    through ``http.error`` (a server may quote the token in them)."""
    if not isinstance(answer, Mapping):
        raise InventoryError(f"POST {url}: the GraphQL answer is not an object", url=url)
    errors = answer.get("errors")
    if errors:
        messages = "; ".join(
            str(e.get("message", e)) if isinstance(e, Mapping) else str(e) for e in errors
        )
        raise http.error(f"POST {url}: GraphQL errors in {origin}: {messages}", url=url)
    data = answer.get("data")
    devices = data.get("devices") if isinstance(data, Mapping) else None
    if not isinstance(devices, list) or not all(isinstance(d, Mapping) for d in devices):
        raise InventoryError(
            f"POST {url}: {origin} must select a list of devices as 'devices' "
            "(alias the top-level field: devices: devices(...) {...})",
            url=url,
        )
    return devices
