"""The embedded demo: the example fabric from inventory to push, on simulated devices.

inventory (the fabric's host-variable file, through the inventory's file source)
→ build (``netdata.build``: group variables, CUE transforms, validation, RFC 7951)
→ simulated devices (``netdata.sim``, in this process, started empty)
→ diff → push → push again (an empty diff: no Set is sent, the devices' commit
counters prove it). ``fabric`` is ``examples/fabric`` (linked into the package
as ``netdata/_demo/fabric``); it is copied into a work folder, so the package is
never written to.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from netdata.build import BuildResult, build
from netdata.inventory import FileSource, fetch_inventory
from netdata.push import Report, diff, push
from netdata.schema._manifest import ModelsArg, find_models
from netdata.settings import load_settings

STEPS = ("inventory", "build", "devices", "diff", "push", "push again")


@dataclass
class DemoResult:
    """What each step of the demo produced, and how long it took."""

    workdir: Path
    devices: list[str] = field(default_factory=list)
    build: BuildResult | None = None
    diff: Report | None = None
    push: Report | None = None
    push_again: Report | None = None
    commits: dict[str, int] = field(default_factory=dict)
    """Sets each simulated device committed, read after the second push."""
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Everything built and pushed, and the second push changed nothing."""
        return (
            self.build is not None
            and self.build.ok
            and self.push is not None
            and self.push.ok
            and self.push_again is not None
            and self.push_again.counts["unchanged"] == len(self.devices)
            and all(n == 1 for n in self.commits.values())
        )

    def as_dict(self) -> dict[str, Any]:
        """The ``netdata demo --json`` document (docs/cli.md)."""
        return {
            "ok": self.ok,
            "workdir": str(self.workdir),
            "devices": self.devices,
            "build": self.build.as_dict() if self.build else None,
            "diff": self.diff.to_json() if self.diff else None,
            "push": self.push.to_json() if self.push else None,
            "push_again": self.push_again.to_json() if self.push_again else None,
            "commits": self.commits,
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }


def fabric_dir() -> Path:
    """The example fabric shipped with the package (``examples/fabric``)."""
    return Path(str(resources.files(__name__).joinpath("fabric")))


@contextmanager
def _workdir(workdir: str | Path | None) -> Iterator[Path]:
    if workdir is not None:
        Path(workdir).mkdir(parents=True, exist_ok=True)
        yield Path(workdir)
        return
    with tempfile.TemporaryDirectory(prefix="netdata-demo-") as tmp:
        yield Path(tmp)


def run_demo(
    *,
    workdir: str | Path | None = None,
    models: ModelsArg = None,
    on_step: Callable[[str], None] | None = None,
) -> DemoResult:
    """Run the example fabric from inventory to push on simulated devices.

    ``workdir`` keeps the repository, build output and push journal there (default:
    a temporary folder, removed afterwards); ``models`` are the YANG model folders
    (the simulated devices use the first; default: ``NETDATA_YANG_PATH`` or
    ``netdata models fetch``'s copy);
    ``on_step(name)`` is called as each of :data:`STEPS` starts.
    """
    from netdata.sim import SimFleet  # the demo's devices; the sim extra

    folders = find_models(models)
    with _workdir(workdir) as work:
        repo = work / "fabric"
        shutil.rmtree(repo, ignore_errors=True)
        shutil.copytree(fabric_dir(), repo)
        result = DemoResult(work)
        clock = _Clock(result, on_step)

        with clock("inventory"):
            settings = load_settings(repo)
            settings = settings.replace(models=list(folders))
            hosts = fetch_inventory(FileSource(Path(str(settings.inventory))))
            result.devices = sorted(hosts)
        with clock("build"):
            result.build = build(settings, jobs=2)
        if not result.build.ok:
            return result
        targets, journal = work / "targets.json", work / "journal"
        with ExitStack() as stack:
            with clock("devices"):
                fleet = stack.enter_context(SimFleet(result.devices, models=folders[0]))
                fleet.write_targets(targets)
            with clock("diff"):
                result.diff = diff(settings.output, targets=targets, models=folders)
            with clock("push"):
                result.push = push(
                    settings.output, targets=targets, models=folders, journal_dir=journal
                )
            with clock("push again"):
                result.push_again = push(
                    settings.output, targets=targets, models=folders, journal_dir=journal
                )
            result.commits = {d.name: d.commits for d in fleet}
        return result


class _Clock:
    """Times each step into ``result.seconds`` and reports its start."""

    def __init__(self, result: DemoResult, on_step: Callable[[str], None] | None) -> None:
        self._result = result
        self._on_step = on_step

    @contextmanager
    def __call__(self, step: str) -> Iterator[None]:
        if self._on_step is not None:
            self._on_step(step)
        started = time.perf_counter()
        try:
            yield
        finally:
            self._result.seconds[step] = time.perf_counter() - started
