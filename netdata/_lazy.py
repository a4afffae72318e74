"""Package attributes imported on first use (PEP 562), so a command imports only what it runs.

``netdata build`` has no use for the HTTP client of the live inventory sources nor
for gRPC and the gNMI stubs of push; importing them made up half of a short
command's start (docs/build.md, "Performance").
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_attributes(
    package: str, where: Mapping[str, tuple[str, str]]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A module's ``__getattr__`` and ``__dir__`` for ``package``: ``name`` is
    ``where[name]`` = (module, attribute), imported when first asked for and then kept
    in the package; ``dir()`` lists these names before they are imported too."""

    def __getattr__(name: str) -> Any:
        found = where.get(name)
        if found is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(found[0]), found[1])
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *where})

    return __getattr__, __dir__
