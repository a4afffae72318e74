"""Push: diff the built configs against the devices and deliver them over gNMI, safely.

The only stage that talks gNMI as a client (``_gnmi.py`` is the only module
importing pygnmi). See ``docs/push.md``.
"""

from netdata.push._cluster import Placement
from netdata.push._device import DeviceResult, Options
from netdata.push._diff import Change, diff_configs
from netdata.push._gnmi import Endpoint, GnmiError
from netdata.push._run import Fleet, Policy, Report, diff, push, resume, rollback
from netdata.push._targets import Targets

__all__ = [
    "Change",
    "DeviceResult",
    "Endpoint",
    "Fleet",
    "GnmiError",
    "Options",
    "Placement",
    "Policy",
    "Report",
    "Targets",
    "diff",
    "diff_configs",
    "push",
    "resume",
    "rollback",
]
