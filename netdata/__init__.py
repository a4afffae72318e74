"""netdata: source of truth to validated, model-driven OpenConfig configuration over gNMI.

The pipeline API is exported here; each stage lives in its own subpackage:
``netdata.cue`` (the cue runner), ``netdata.inventory``, ``netdata.schema``
(the YANG compiler and RFC 7951 codec), ``netdata.validate``, ``netdata.build``
(the fleet build; ``netdata.build(...)`` is its function), ``netdata.push`` (diff and
push over gNMI) and ``netdata.sim`` (simulated gNMI devices; needs the ``sim`` extra).
The command line is ``netdata.cli``.
"""

import sys
import types
import typing as _typing
from typing import Any

from netdata._exceptions import (
    BuildError,
    CueError,
    CueNotFoundError,
    CueTimeoutError,
    CueVersionError,
    DocumentError,
    InventoryError,
    NetdataError,
    PushError,
    SchemaError,
    SetupError,
    UsageError,
)
from netdata._lazy import lazy_attributes as _lazy_attributes
from netdata.build import BuildResult, Selection, build
from netdata.cue import Cue
from netdata.inventory import Filters, write_host_files
from netdata.schema import build_schema, decode_rfc7951, encode_rfc7951
from netdata.validate import ValidationResults, validate, validate_documents

# push (gRPC, the gNMI stubs) and the live inventory sources (httpx) are imported when
# first used: a build or a validation never needs them
if _typing.TYPE_CHECKING:
    from netdata.inventory import fetch_inventory, open_source
    from netdata.push import diff, push
else:
    __getattr__, __dir__ = _lazy_attributes(
        __name__,
        {
            "diff": ("netdata.push", "diff"),
            "push": ("netdata.push", "push"),
            "fetch_inventory": ("netdata.inventory", "fetch_inventory"),
            "open_source": ("netdata.inventory", "open_source"),
        },
    )


class _Package(types.ModuleType):
    """The type of this package: importing the subpackage ``netdata.push`` does not hide
    the function ``netdata.push`` (Python sets a subpackage as an attribute of its
    parent; the functions of the other subpackages' names are bound above, after)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "push" and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

__version__ = "0.1.0"

__all__ = [
    "BuildError",
    "BuildResult",
    "Cue",
    "CueError",
    "CueNotFoundError",
    "CueTimeoutError",
    "CueVersionError",
    "DocumentError",
    "Filters",
    "InventoryError",
    "NetdataError",
    "PushError",
    "SchemaError",
    "Selection",
    "SetupError",
    "UsageError",
    "ValidationResults",
    "__version__",
    "build",
    "build_schema",
    "decode_rfc7951",
    "diff",
    "encode_rfc7951",
    "fetch_inventory",
    "open_source",
    "push",
    "validate",
    "validate_documents",
    "write_host_files",
]
