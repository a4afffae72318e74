"""The `cue` runner: the one place netdata runs the `cue` binary.

>>> cue = Cue(workdir="cue")            # finds and version-checks `cue`
>>> cue.export_json(["./examples"], expression="devices")   # doctest: +SKIP
"""

from netdata._exceptions import CueDiagnostic, Position
from netdata.cue._binary import (
    MINIMUM_VERSION,
    PINNED_VERSION,
    CueBinary,
    check_cue,
    find_cue,
    locate_cue,
)
from netdata.cue._diagnostics import parse_diagnostics, split_path
from netdata.cue._runner import Cue, CueResult

__all__ = [
    "MINIMUM_VERSION",
    "PINNED_VERSION",
    "Cue",
    "CueBinary",
    "CueDiagnostic",
    "CueResult",
    "Position",
    "check_cue",
    "find_cue",
    "locate_cue",
    "parse_diagnostics",
    "split_path",
]
