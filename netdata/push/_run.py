"""Fleet runs: ``diff``, ``push`` (with canary, failure budget and rollback), ``resume``
and ``rollback`` of a journaled run. Devices are processed by a thread pool."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from netdata._collector import collector_paused as _collector_paused
from netdata._exceptions import PushError
from netdata.executor import Executor, open_executor
from netdata.push._cluster import Placement, push_remote
from netdata.push._device import (
    CHANGED,
    FAILED,
    ROLLED_BACK,
    SKIPPED,
    STATUSES,
    UNCHANGED,
    DeviceJob,
    DeviceResult,
    Interrupted,
    Options,
    Running,
    diff_device,
    push_device,
    restore,
)
from netdata.push._gnmi import Session
from netdata.push._insync import FILE as INSYNC_FILE
from netdata.push._insync import InSync
from netdata.push._journal import Journal, read_events
from netdata.push._output import BuildOutput, read_build
from netdata.push._targets import Targets
from netdata.schema import Schema, build_schema
from netdata.schema._manifest import ModelsArg, find_models

DEFAULT_CONCURRENCY = 20
DEFAULT_JOURNAL_DIR = ".netdata/journal"


@dataclass(frozen=True)
class Policy:
    """When a push run stops: after the canary devices if one fails, or once
    ``max_failures`` devices failed (``None``: never, ``--continue-on-error``)."""

    concurrency: int = DEFAULT_CONCURRENCY
    canary: int = 0
    max_failures: int | None = 1


@dataclass
class Report:
    """The results of a run, one per device in name order."""

    results: list[DeviceResult]
    journal: Path | None = None
    stopped: str | None = None
    """Why the run stopped early, if it did."""
    dry_run: bool = False
    counts: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.results.sort(key=lambda r: r.device)
        self.counts = {s: sum(r.status == s for r in self.results) for s in STATUSES}

    @property
    def ok(self) -> bool:
        """No device failed, was rolled back or left out by a stop."""
        return self.stopped is None and not (self.counts[FAILED] or self.counts[ROLLED_BACK])

    def raise_for_status(self) -> Report:
        """Raise :class:`PushError` naming every failed or rolled-back device (and why the
        run stopped); returns self when the run is :attr:`ok`."""
        if self.ok:
            return self
        bad = [r for r in self.results if r.status in (FAILED, ROLLED_BACK)]
        lines = [f"{r.device} {r.status}: {r.message}".rstrip(": ") for r in bad]
        if self.stopped:
            lines.append(f"run {self.stopped}")
        raise PushError("push failed:\n  " + "\n  ".join(lines))

    def to_json(self) -> dict[str, Any]:
        return {
            "journal": str(self.journal) if self.journal else None,
            "stopped": self.stopped,
            "dry_run": self.dry_run,
            "counts": self.counts,
            "devices": [r.to_json() for r in self.results],
        }


@dataclass
class Fleet:
    """Everything a run needs besides its options: build output, endpoints, schema."""

    build: BuildOutput
    jobs: list[DeviceJob]
    skipped: list[DeviceResult]
    schema: Schema

    @classmethod
    def open(
        cls,
        build_dir: str | Path,
        *,
        devices: Sequence[str] = (),
        targets: Targets | None = None,
        models: ModelsArg = None,
    ) -> Fleet:
        build = read_build(build_dir, devices)
        targets = targets or Targets.load()
        jobs, skipped = [], [DeviceResult(s.name, SKIPPED, message=s.reason) for s in build.skipped]
        for intended in build.devices:
            try:
                endpoint, confirmed = targets.endpoint(intended.name, build.hosts[intended.name])
            except PushError as exc:
                skipped.append(DeviceResult(intended.name, FAILED, message=str(exc)))
                continue
            jobs.append(DeviceJob(intended, endpoint, confirmed))
        return cls(build, jobs, skipped, build_schema(models).schema)


@_collector_paused
def diff(
    build_dir: str | Path,
    *,
    targets: str | Path | Targets | None = None,
    devices: Sequence[str] = (),
    models: ModelsArg = None,
    mode: str = "replace",
    concurrency: int = DEFAULT_CONCURRENCY,
) -> Report:
    """Get and diff every built device (no Set): ``report.results[i].changes``.

    ``targets``: a targets file or a :class:`Targets`; ``devices``: only these.
    """
    fleet = Fleet.open(build_dir, devices=devices, targets=_targets(targets), models=models)
    results = _pool(fleet.jobs, lambda job: diff_device(job, fleet.schema, mode), concurrency)
    return Report([*results, *fleet.skipped], dry_run=True)


@_collector_paused
def push(
    build_dir: str | Path,
    *,
    targets: str | Path | None = None,
    plaintext: bool | None = None,
    max_message_mb: int | None = None,
    devices: Sequence[str] = (),
    models: ModelsArg = None,
    options: Options | None = None,
    policy: Policy | None = None,
    journal_dir: str | Path | None = DEFAULT_JOURNAL_DIR,
    settings: Mapping[str, Any] | None = None,
    settings_dir: str | Path | None = None,
    executor: str | Executor | Any = None,
    placement: Placement | None = None,
) -> Report:
    """Push every built device per ``options`` and ``policy``; returns the per-device results.

    ``targets``: a targets file; ``plaintext``, ``max_message_mb``: overrides of the
    targets' TLS setting and gRPC message limit (MiB);
    ``journal_dir``: where the run's journal goes (``None``: no journal, no resume);
    ``settings``: the ``push:`` section of the repository's settings, whose relative
    paths are relative to ``settings_dir``; ``executor``: ``"local"`` (threads here),
    ``"tcp://HOST:PORT"`` or a ``distributed.Client`` (jobs on the workers that
    ``placement`` picks; docs/executor.md).
    """
    options, policy = options or Options(), policy or Policy()
    record: dict[str, Any] = {
        "build_dir": str(Path(build_dir).resolve()),
        "targets": str(Path(targets).resolve()) if targets is not None else None,
        "plaintext": plaintext,
        "max_message_mb": max_message_mb,
        "selected": list(devices),
        "models": [str(p) for p in find_models(models)] if models else None,
        "settings": dict(settings or {}),
        "settings_dir": str(Path(settings_dir).resolve()) if settings_dir is not None else None,
    }
    fleet = _reopen(record, models)
    journal = None
    if journal_dir is not None and not options.dry_run:
        journal = Journal.create(journal_dir)
        journal.event(
            "run",
            **record,
            options=asdict(options),
            policy=asdict(policy),
            jobs=[j.intended.name for j in fleet.jobs],
        )
    insync = _insync(journal_dir, fleet)
    with open_executor(executor, jobs=policy.concurrency) as where:
        return _push_fleet(
            fleet, options, policy, journal, {}, {}, (where, placement or Placement()), insync
        )


def _push_fleet(
    fleet: Fleet,
    options: Options,
    policy: Policy,
    journal: Journal | None,
    done: Mapping[str, DeviceResult],
    interrupted: Mapping[str, Interrupted],
    where: tuple[Executor, Placement] | None = None,
    insync: InSync | None = None,
) -> Report:
    """Push the fleet; ``done`` devices (of a resumed run) are not touched again, and
    ``interrupted`` ones are first checked by a Get (:func:`push_device`); ``insync``:
    the answers known to show devices in sync, saved at the end unless a dry run."""
    todo = [job for job in fleet.jobs if job.intended.name not in done]
    runner = _Runner(fleet, options, policy, journal, interrupted, where, insync)
    try:
        canary, rest = todo[: policy.canary], todo[policy.canary :]
        results = runner.run(canary, budget=1) if canary else []
        if runner.stopped is None:
            results += runner.run(rest, budget=policy.max_failures)
        else:
            results += [_left_out(job, runner.stopped) for job in rest]
        if runner.stopped is not None and options.rollback_on_failure:
            results = runner.roll_back_changed(results)
        if journal is not None:
            journal.event("end", stopped=runner.stopped)
    finally:
        if journal is not None:
            journal.close()
        if insync is not None and not options.dry_run:
            insync.save(fleet.build.names)
    return Report(
        [*results, *done.values(), *fleet.skipped],
        journal.path if journal is not None else None,
        runner.stopped,
        options.dry_run,
    )


@_collector_paused
def resume(journal_path: str | Path, *, models: ModelsArg = None) -> Report:
    """Finish an interrupted run: devices whose result is changed or unchanged are kept
    (no RPC); a device whose Set was sent but neither verified nor answered (or, when
    commit-confirmed, not confirmed) is checked by a Get before anything is sent again;
    the others are pushed."""
    events = read_events(journal_path)
    run = events[0]
    journal = Journal(Path(journal_path))
    done: dict[str, DeviceResult] = {}
    unknown: dict[str, str | None] = {}  # device -> commit id of its unsettled Set
    for event in events:
        kind, name = event.get("event"), str(event.get("device"))
        if kind == "set":
            unknown[name] = event.get("commit")
        elif kind == "verified" or (kind == "result" and unknown.get(name) is None):
            unknown.pop(name, None)  # settled; a failed commit-confirmed one may still wait
        if kind == "result" and event.get("status") in (CHANGED, UNCHANGED):
            done[name] = DeviceResult(name, event["status"], message="done before the resume")
    befores = _befores(events)
    interrupted = {
        name: Interrupted(commit, journal.load_snapshot(befores[name]), befores[name])
        for name, commit in unknown.items()
    }
    fleet = _reopen(run, models)
    journal.event("resume", done=sorted(done), unknown=sorted(interrupted))
    options, policy = Options(**run["options"]), Policy(**run["policy"])
    insync = _insync(journal.path.parent, fleet)
    return _push_fleet(fleet, options, policy, journal, done, interrupted, None, insync)


def _befores(events: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Each device's first before-snapshot of the run (a resume may Get it again)."""
    befores: dict[str, str] = {}
    for event in events:
        if event.get("event") == "diff" and event.get("before"):
            befores.setdefault(event["device"], event["before"])
    return befores


@_collector_paused
def rollback(
    journal_path: str | Path,
    *,
    models: ModelsArg = None,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> Report:
    """Restore every device a journaled run sent a Set to, from its before-snapshot."""
    events = read_events(journal_path)
    fleet = _reopen(events[0], models)
    sent = {e["device"] for e in events if e.get("event") == "set"}
    befores = _befores(events)
    journal = Journal(Path(journal_path))
    journal.event("rollback")

    def restore_one(job: DeviceJob) -> DeviceResult:
        name = job.intended.name
        try:
            before = journal.load_snapshot(befores[name])
            with Session(job.endpoint) as session:
                changed = restore(_reader(session, job), job, fleet.schema, before)
            result = DeviceResult(
                name,
                ROLLED_BACK if changed else UNCHANGED,
                message="restored" if changed else "already as before the run",
            )
        except PushError as exc:
            result = DeviceResult(name, FAILED, message=str(exc))
        journal.event("rolled-back", name, status=result.status, message=result.message)
        return result

    jobs = [j for j in fleet.jobs if j.intended.name in sent and j.intended.name in befores]
    try:
        results = _pool(jobs, restore_one, concurrency)
    finally:
        journal.close()
    return Report(results, journal.path)


class _Runner:
    def __init__(
        self,
        fleet: Fleet,
        options: Options,
        policy: Policy,
        journal: Journal | None,
        interrupted: Mapping[str, Interrupted],
        where: tuple[Executor, Placement] | None = None,
        insync: InSync | None = None,
    ):
        self.fleet, self.options, self.policy, self.journal = fleet, options, policy, journal
        self.interrupted, self.where, self.insync = interrupted, where, insync
        self.stopped: str | None = None
        self._failures = 0
        self._lock = threading.Lock()

    def run(self, jobs: list[DeviceJob], budget: int | None) -> list[DeviceResult]:
        if self.where is not None and self.where[0].remote:
            executor, placement = self.where
            results = push_remote(self, executor, jobs, budget, placement)
            pushed = {r.device for r in results}
            return results + [_left_out(j, self.stopped) for j in jobs
                              if j.intended.name not in pushed]

        def one(job: DeviceJob) -> DeviceResult:
            if self.stopped is not None:
                return _left_out(job, self.stopped)
            name = job.intended.name
            result = push_device(
                job,
                self.fleet.schema,
                self.options,
                self.journal,
                self.interrupted.get(name),
                self.insync,
            )
            return self.record(result, budget)

        return _pool(jobs, one, self.policy.concurrency)

    def record(self, result: DeviceResult, budget: int | None) -> DeviceResult:
        """Count a failed device; stop the run once ``budget`` devices failed."""
        if result.status in (FAILED, ROLLED_BACK):
            with self._lock:
                self._failures += 1
                if budget is not None and self._failures >= budget and self.stopped is None:
                    self.stopped = f"stopped after {self._failures} failed device(s)"
        return result

    def roll_back_changed(self, results: list[DeviceResult]) -> list[DeviceResult]:
        by_name = {j.intended.name: j for j in self.fleet.jobs}
        journal = self.journal

        def undo(result: DeviceResult) -> DeviceResult:
            if result.status != CHANGED or result.before is None or journal is None:
                return result
            job = by_name[result.device]
            try:
                with Session(job.endpoint) as session:
                    before = journal.load_snapshot(result.before)
                    restore(_reader(session, job), job, self.fleet.schema, before)
                result.status, result.message = ROLLED_BACK, "restored: the run stopped"
            except PushError as exc:
                result.status, result.message = FAILED, f"rollback failed: {exc}"
            journal.event(
                "rolled-back", result.device, status=result.status, message=result.message
            )
            return result

        return _pool(results, undo, self.policy.concurrency)


def _insync(journal_dir: str | Path | None, fleet: Fleet) -> InSync | None:
    """The in-sync record kept beside a run's journals (none without a journal folder, or
    for a schema without a checksum)."""
    if journal_dir is None or not fleet.schema.checksum:
        return None
    return InSync(Path(journal_dir) / INSYNC_FILE, fleet.schema.checksum)


def _reader(session: Session, job: DeviceJob) -> Running:
    return Running(session, list(job.intended.roots))


def _left_out(job: DeviceJob, why: str | None) -> DeviceResult:
    return DeviceResult(job.intended.name, SKIPPED, message=f"not attempted: {why}")


def _pool(
    items: Sequence[Any], work: Callable[[Any], DeviceResult], concurrency: int
) -> list[DeviceResult]:
    if not items:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(items)))) as pool:
        return list(pool.map(work, items))


def _targets(targets: str | Path | Targets | None) -> Targets:
    if isinstance(targets, Targets):
        return targets
    return Targets.load(targets_file=targets)


def _reopen(run: Mapping[str, Any], models: ModelsArg) -> Fleet:
    """The fleet of a run record (what the journal's first line holds)."""
    targets = Targets.load(
        settings=run.get("settings"),
        settings_dir=run.get("settings_dir"),
        targets_file=run.get("targets"),
        plaintext=run.get("plaintext"),
        max_message_mb=run.get("max_message_mb"),
    )
    return Fleet.open(
        run["build_dir"],
        devices=run.get("selected") or (),
        targets=targets,
        models=models or run.get("models"),
    )
