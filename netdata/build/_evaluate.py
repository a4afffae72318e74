"""Evaluating ``#Device`` for many devices in few ``cue export`` runs.

Devices are cut into shards of at most ``shard_size`` (so no map of one run,
``netdata_out`` or ``netdata_files``, nears cue's quadratic range), run
``jobs`` at a time, and handed on shard by shard (:func:`export_shards`) so
the caller can validate and encode them while further runs go on. One device
that does not evaluate makes the whole run fail: its errors are attributed
(by cue path ``netdata_out.<device>``, or by the files their positions name)
and the run is repeated without it, until the rest evaluates.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netdata._exceptions import CueDiagnostic, CueError, CueTimeoutError
from netdata.build._overlay import (
    FILES_FIELD,
    GENERATED,
    OUT_FIELD,
    Device,
    Overlay,
    generated_file,
)
from netdata.build._result import DeviceError
from netdata.cue import Cue, CueResult
from netdata.schema import Schema
from netdata.schema._paths import authoring_path

SHARD_SIZE = 20
"""Most devices per cue run. Measured with the 48-port leaves of bench/fleet.py (examples/
fabric's transforms, docs/build.md "Performance"): cue's CPU per device is least at 20 per run
(31-36 ms; 34-51 at 10, where the ~20 ms of a run's start and schema load weigh more; 35-38 at
40, whose ~320 MB of allocations pass the collector's limit) and a run of 20 peaks at 185 MB
(40: 315 MB). (Simpler 48-port leaves: 8 ms at 100, 18 ms at 500: superlinear beyond 100.)"""
CUE_ENV = {"GOGC": "off", "GOMEMLIMIT": "300MiB"}
"""Go's garbage collector took 30-35 % of cue's CPU in the export. A run of 20 fabric leaves
allocates ~165 MB in all (a run of 40: ~320 MB), so cue collects only when its heap nears
300 MiB (the soft limit): runs of SHARD_SIZE fabric leaves never collect (cue's CPU -30 % against
GOGC=200, measured with 20 leaves), and two parallel runs stay well under 1 GB."""


class SharedCue(Cue):
    """A :class:`Cue` each of whose runs takes one of ``slots``, which other runners share:
    the validator's ``cue vet`` runs and the exports go on side by side, and at most as many
    cue processes run at once as there are slots (``jobs``)."""

    def __init__(self, slots: threading.Semaphore, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.slots = slots

    def run(self, subcommand: str, args: Sequence[str | Path] = (), **kwargs: Any) -> CueResult:
        with self.slots:
            return super().run(subcommand, args, **kwargs)


@dataclass
class Evaluation:
    """Per device: its authoring-form config, or the errors that kept it from evaluating."""

    configs: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: dict[str, list[DeviceError]] = field(default_factory=dict)


@dataclass(frozen=True)
class Runner:
    """What every run of one overlay shares."""

    overlay: Overlay
    package: str
    transforms: Sequence[Path]
    cue: Cue
    schema: Schema


def evaluate(
    runner: Runner, devices: Sequence[Device], jobs: int, shard_size: int = SHARD_SIZE
) -> Evaluation:
    """Export the config of every device; errors per device for those that fail."""
    result = Evaluation()
    for part in export_shards(runner, devices, jobs, shard_size):
        result.configs.update(part.configs)
        result.errors.update(part.errors)
    return result


def export_shards(
    runner: Runner,
    devices: Sequence[Device],
    jobs: int,
    shard_size: int = SHARD_SIZE,
    ahead: int = 0,
) -> Iterator[Evaluation]:
    """Each shard's :class:`Evaluation`, in shard order, ``jobs`` cue runs at a time.

    At most ``jobs + ahead`` shards are exported and not yet taken, so the configs
    held in memory stay bounded however slowly the caller takes them."""
    count = max(min(jobs, len(devices)), -(-len(devices) // shard_size))
    shards = [devices[i::count] for i in range(count)]
    window = max(1, jobs) + ahead
    pending: deque[Future[Evaluation]] = deque()
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        try:
            for shard in shards:
                pending.append(pool.submit(_shard, runner, shard))
                if len(pending) >= window:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:  # the caller stopped (an error): start no more runs
            for future in pending:
                future.cancel()


def _shard(runner: Runner, devices: Sequence[Device]) -> Evaluation:
    result = Evaluation()
    remaining = list(devices)
    while remaining:
        try:
            result.configs.update(_export(runner, remaining))
            return result
        except CueTimeoutError:
            raise
        except CueError as exc:
            failed = _attribute(runner, remaining, exc)
        for name, errors in failed.items():
            result.errors.setdefault(name, []).extend(errors)
        remaining = [d for d in remaining if d.host.name not in failed]
    return result


def _export(runner: Runner, devices: Sequence[Device]) -> dict[str, dict[str, Any]]:
    overlay = runner.overlay
    data = {overlay.path(d.data_file): None for d in devices}
    for device in devices:
        data.update({overlay.path(g.path): None for g in device.groups if not g.is_cue})
    text = runner.cue.export(
        [*(overlay.path(t) for t in runner.transforms), *data],
        expression=OUT_FIELD,
        files={GENERATED: generated_file(runner.package, overlay, devices)},
        place=(json.dumps(FILES_FIELD), "filename"),
        all_errors=True,
    )
    exported: dict[str, dict[str, Any]] = json.loads(text)
    return {name: device["config"] for name, device in exported.items()}


def _attribute(
    runner: Runner, devices: Sequence[Device], exc: CueError
) -> dict[str, list[DeviceError]]:
    """cue's errors by device; an error that names no device is every device's."""
    names = {d.host.name for d in devices}
    by_file: dict[str, set[str]] = {}
    overlay = runner.overlay
    for device in devices:
        for path in (device.data_file, *(g.path for g in device.groups)):
            by_file.setdefault(overlay.path(path), set()).add(device.host.name)
            by_file.setdefault(overlay.key(path), set()).add(device.host.name)
    failed: dict[str, list[DeviceError]] = {}
    for diag in exc.diagnostics or (CueDiagnostic(exc.stderr.strip() or exc.summary),):
        owners, labels = _owners(diag, names, by_file, overlay)
        error = DeviceError(
            _data_path(runner.schema, labels), diag.message, _positions(diag, overlay)
        )
        for name in owners or names:
            failed.setdefault(name, []).append(error)
    return failed


def _owners(
    diag: CueDiagnostic, names: set[str], by_file: dict[str, set[str]], overlay: Overlay
) -> tuple[set[str], tuple[str, ...]]:
    path = diag.path
    if len(path) >= 2 and path[0] == OUT_FIELD and path[1] in names:
        return {path[1]}, path[2:]
    if len(path) >= 2 and path[0] == FILES_FIELD and path[1] in by_file:
        return set(by_file[path[1]]), ()
    owners: set[str] = set()
    for position in diag.positions:
        owners |= by_file.get(overlay.show(position.file), set())
    return owners, ()


def _data_path(schema: Schema, labels: tuple[str, ...]) -> str:
    """``/a/b[k=v]`` below ``config``; ``/vars/a/b`` for an error in the variables."""
    if labels[:1] == ("vars",):
        return "/" + "/".join(labels)
    return authoring_path(schema.root, labels[1:]) if len(labels) > 1 else "/"


def _positions(diag: CueDiagnostic, overlay: Overlay) -> tuple[str, ...]:
    shown = []
    for p in diag.positions:
        if Path(p.file).name == GENERATED:
            continue
        text = f"{overlay.show(p.file)}:{p.line}:{p.column}"
        if text not in shown:
            shown.append(text)
    return tuple(shown)

