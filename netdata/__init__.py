"""netdata: source of truth to validated, model-driven OpenConfig configuration over gNMI.

The pipeline API is exported here; each stage lives in its own subpackage.
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
)
from netdata.cue import Cue

__version__ = "0.1.0"

__all__ = [
    "BuildError",
    "Cue",
    "CueError",
    "CueNotFoundError",
    "CueTimeoutError",
    "CueVersionError",
    "DocumentError",
    "InventoryError",
    "NetdataError",
    "PushError",
    "SchemaError",
    "SetupError",
    "__version__",
]
