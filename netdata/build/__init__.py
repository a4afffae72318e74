"""Fleet build: inventory + group variables + CUE transforms -> one RFC 7951 config per device.

See docs/build.md.
"""

from netdata.build._build import Selection, build
from netdata.build._overlay import IMPORT_PATH
from netdata.build._result import BuildResult, DeviceError, DeviceResult

__all__ = ["IMPORT_PATH", "BuildResult", "DeviceError", "DeviceResult", "Selection", "build"]
