"""The embedded demo: a small fleet that `netdata demo` runs through the pipeline."""

from __future__ import annotations

from importlib import resources
from typing import Any

from netdata.cue import Cue


def demo_files() -> dict[str, str]:
    """The demo's CUE and host-variable files, by name."""
    folder = resources.files(__name__)
    return {name: folder.joinpath(name).read_text("utf-8") for name in ("fleet.cue", "hosts.yaml")}


def run_demo(cue: Cue | None = None) -> dict[str, Any]:
    """Unify the demo's host and group variables with its transform; config per device."""
    runner = cue if cue is not None else Cue()
    result: dict[str, Any] = runner.export_json(expression="devices", files=demo_files())
    return result
