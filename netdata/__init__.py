"""netdata: source of truth to validated, model-driven OpenConfig configuration over gNMI.

The pipeline API is exported here; each stage lives in its own subpackage:
``netdata.cue`` (the cue runner), ``netdata.inventory``, ``netdata.schema``
(the YANG compiler and RFC 7951 codec), ``netdata.validate``, ``netdata.build``
(the fleet build; ``netdata.build(...)`` is its function), ``netdata.push`` (diff and
push over gNMI) and ``netdata.sim`` (simulated gNMI devices; needs the ``sim`` extra).
The command line is ``netdata.cli``.
"""

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
from netdata.build import BuildResult, Selection, build
from netdata.cue import Cue
from netdata.inventory import Filters, fetch_inventory, open_source, write_host_files
from netdata.push import diff, push
from netdata.schema import build_schema, decode_rfc7951, encode_rfc7951
from netdata.validate import ValidationResults, validate, validate_documents

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
