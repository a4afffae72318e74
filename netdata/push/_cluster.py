"""Push on a cluster: each device's job on a worker near it; the coordinator journals.

Devices are grouped by a host variable of ``build.json`` (``location`` by
default) and a group's jobs are pinned to the workers that advertise the
resource ``site-<value>`` (``dask worker --resources "site-ams=1"``); a group
no worker advertises fails, or with ``fallback`` goes to any worker. A job
runs :func:`push_device` on the worker with a journal kept in memory
(:class:`_Recorder`), and returns its result, events and snapshots: the
coordinator, the journal's one writer, writes them. A job is always Get
first (diff, then a Set only if the device differs), so when Dask reruns
the job of a lost worker, or the coordinator sends it once more after
``KilledWorker``, the device is verified by a Get before anything is sent
again: never a blind resend of a Set whose outcome is unknown.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from netdata.executor import Executor, JobLost, worker_name
from netdata.inventory import safe_filename
from netdata.push._device import FAILED, DeviceJob, DeviceResult, Options, push_device
from netdata.push._journal import Journal
from netdata.schema import Schema

if TYPE_CHECKING:
    from netdata.push._run import _Runner

RESOURCE_PREFIX = "site-"


@dataclass(frozen=True)
class Placement:
    """Which workers push which devices: ``by`` a host variable (role, location, platform)."""

    by: str = "location"
    fallback: bool = False
    """Send a group that no worker advertises to any worker (else its devices fail)."""


@dataclass
class Outcome:
    """What a device's job returns: its result and what the journal is to hold."""

    result: DeviceResult
    events: list[tuple[str, str | None, dict[str, Any]]] = field(default_factory=list)
    snapshots: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)


def resource(job: DeviceJob, by: str) -> str | None:
    """The resource a device's group is pinned to (None: the host variable is unset)."""
    value = job.intended.host.get(by)
    return f"{RESOURCE_PREFIX}{value}" if isinstance(value, str | int) and value != "" else None


def push_remote(
    runner: _Runner, executor: Executor, jobs: list[DeviceJob], budget: int | None,
    placement: Placement,
) -> list[DeviceResult]:
    """Push ``jobs`` on the executor's workers; results in the order they finish."""
    offered = executor.resources() or set()
    results: list[DeviceResult] = []
    runnable, pins = [], []
    for job in jobs:
        pin = resource(job, placement.by)
        if pin is not None and pin not in offered:
            if not placement.fallback:
                results.append(runner.record(DeviceResult(
                    job.intended.name, FAILED,
                    message=f"no worker advertises the resource {pin} (placement by "
                    f"{placement.by}; fallback to any worker is off)"), budget))
                continue
            pin = None
        runnable.append(job)
        pins.append(pin)
    [schema] = executor.share([runner.fleet.schema])
    journal = runner.journal
    run_id = journal.run_id if journal is not None else None
    items = [(job, schema, runner.options, run_id) for job in runnable]
    for outcome in _rounds(executor, items, pins, runner):
        results.append(runner.record(_write(outcome, journal), budget))
    return results


def _rounds(
    executor: Executor, items: list[Any], pins: Sequence[str | None], runner: _Runner
) -> Iterator[Outcome]:
    """Each job's outcome as it comes; a job lost with its worker is sent once more (its
    push is Get first). No job is sent once the run has stopped."""
    lost: list[int] = []
    window = runner.policy.concurrency
    for index, outcome in executor.run(
        push_job, items, resources=pins, lost_ok=True, window=window,
        go_on=lambda: runner.stopped is None,
    ):
        if isinstance(outcome, JobLost):
            lost.append(index)
        else:
            yield outcome
    again = [items[i] for i in lost]
    for n, outcome in executor.run(push_job, again, resources=[pins[i] for i in lost],
                                   lost_ok=True, window=window,
                                   go_on=lambda: runner.stopped is None):
        job: DeviceJob = again[n][0]
        if isinstance(outcome, JobLost):
            outcome = Outcome(DeviceResult(
                job.intended.name, FAILED,
                message=f"{outcome.message}, twice: its state is unknown (check it with "
                "netdata diff before pushing again)"))
        else:
            outcome.result.message = ("its first worker was lost; verified by a Get, then "
                                      f"resumed: {outcome.result.message}").rstrip(": ")
        yield outcome


def push_job(item: tuple[DeviceJob, Schema, Options, str | None]) -> Outcome:
    """One device's push, on a worker (the journal travels back in the outcome)."""
    job, schema, options, run_id = item
    recorder = _Recorder(run_id) if run_id is not None else None
    result = push_device(job, schema, options, recorder)
    if recorder is None:
        return Outcome(result)
    return Outcome(result, recorder.events, recorder.snaps)


def _write(outcome: Outcome, journal: Journal | None) -> DeviceResult:
    if journal is not None:
        for name, which, roots in outcome.snapshots:
            journal.snapshot(name, which, roots)
        for event, device, fields in outcome.events:
            journal.event(event, device, **fields)
    return outcome.result


class _Recorder(Journal):
    """A journal held in memory on a worker; its events keep the worker's times and name it."""

    def __init__(self, run_id: str) -> None:  # no file: the coordinator writes it
        self.run_id = run_id
        self.worker = worker_name()
        self.events: list[tuple[str, str | None, dict[str, Any]]] = []
        self.snaps: list[tuple[str, str, dict[str, Any]]] = []

    def event(self, event: str, device: str | None = None, **fields: Any) -> None:
        now = datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds")
        self.events.append((event, device, {"time": now, "worker": self.worker, **fields}))

    def snapshot(self, device: str, which: str, roots: dict[str, Any]) -> str:
        self.snaps.append((device, which, roots))
        return f"{self.run_id}/{safe_filename(device)}.{which}.json"

    def close(self) -> None:
        pass
