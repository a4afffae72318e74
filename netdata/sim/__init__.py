"""Simulated OpenConfig devices that speak gNMI and validate configuration with libyang.

>>> from netdata.sim import SimFleet
>>> with SimFleet(10, models="yang/openconfig") as fleet:    # doctest: +SKIP
...     fleet["sim-0003"].reject_next_set()

Needs the ``sim`` extra (libyang, grpcio). See ``docs/sim.md``.
"""

from netdata.sim._commit import commit_extension
from netdata.sim._device import Faults, SimDevice
from netdata.sim._fleet import SimFleet, start_fleet
from netdata.sim._schema import MODELS_ENV
from netdata.sim._tls import TlsFiles

__all__ = [
    "MODELS_ENV",
    "Faults",
    "SimDevice",
    "SimFleet",
    "TlsFiles",
    "commit_extension",
    "start_fleet",
]
