"""What push does to one device: Get, diff, one Set, verify by Get, confirm; and restore.

Every step that changes the device is journaled before it is attempted. A
Set whose outcome is unknown (connection lost, deadline) is never retried: a
Get tells whether the device holds the new configuration, the old one or
neither.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from netdata._exceptions import PushError
from netdata.push._diff import Change, diff_configs, diff_digest
from netdata.push._gnmi import Answer, Commit, Endpoint, GnmiError, Session
from netdata.push._insync import InSync
from netdata.push._journal import Journal
from netdata.push._output import Intended
from netdata.schema import Schema

CHANGED, UNCHANGED, WOULD_CHANGE = "changed", "unchanged", "would-change"
FAILED, SKIPPED, ROLLED_BACK = "failed", "skipped", "rolled-back"
STATUSES = (CHANGED, UNCHANGED, WOULD_CHANGE, FAILED, SKIPPED, ROLLED_BACK)


@dataclass(frozen=True)
class Options:
    """How to push (see ``netdata push --help``)."""

    mode: str = "replace"
    dry_run: bool = False
    rollback_on_failure: bool = False
    confirm_timeout: float = 120.0


@dataclass
class DeviceResult:
    """The outcome for one device."""

    device: str
    status: str
    changes: list[Change] = field(default_factory=list)
    message: str = ""
    seconds: float = 0.0
    before: str | None = None
    """The journal's snapshot of the device before the Set (relative path), if taken."""
    datatype: str | None = None
    """The Get datatype the device was read with: ``config``, or ``all`` for a target that
    refuses CONFIG; None if it was not read."""

    def to_json(self) -> dict[str, Any]:
        return {
            "device": self.device,
            "status": self.status,
            "changes": [c.to_json() for c in self.changes],
            "message": self.message,
            "seconds": round(self.seconds, 3),
            "datatype": self.datatype,
        }


@dataclass(frozen=True)
class Interrupted:
    """A device whose Set an interrupted run sent without recording its result: the
    outcome is unknown. ``commit``: the Set's commit-confirmed id; ``before``: the
    journal's snapshot from before that Set (``before_file`` its relative path)."""

    commit: str | None
    before: dict[str, Any]
    before_file: str


@dataclass
class DeviceJob:
    """One device to process: its intended config, endpoint and commit-confirmed support."""

    intended: Intended
    endpoint: Endpoint
    commit_confirmed: bool


REFUSALS = frozenset({"UNIMPLEMENTED", "INVALID_ARGUMENT"})
"""Codes with which a target refuses a Get of datatype CONFIG (then ALL is asked for)."""


@dataclass
class Running:
    """Reads one device's managed roots as configured: Get CONFIG, or for a target that
    refuses CONFIG, ALL from then on (the diff ignores the state data ALL brings);
    ``datatype`` and ``note`` say which. Capabilities is asked only on such a refusal:
    a device that lacks JSON_IETF fails with that reason."""

    session: Session
    roots: list[str]
    datatype: str = "config"
    note: str = ""

    def get(self, *, wait: bool = False) -> dict[str, Any]:
        return self.answer(wait=wait).config

    def answer(
        self, *, wait: bool = False, known: Callable[[Answer], bool] | None = None
    ) -> Answer:
        """The answer, decoded (a malformed answer to CONFIG counts as a refusal too),
        unless ``known(answer)`` says it showed the device in sync before."""
        if self.datatype == "config":
            try:
                answer = self.session.answer(self.roots, "config", wait=wait)
                if known is None or not known(answer):
                    answer.decode()
                return answer
            except GnmiError as exc:
                if exc.code not in REFUSALS:
                    raise
                self.session.capabilities()  # a device without JSON_IETF fails here, saying so
                self.datatype = "all"
                self.note = f"read with datatype ALL: the device refused CONFIG ({exc.code})"
        return self.session.answer(self.roots, "all", wait=wait)

    def record(self, result: DeviceResult) -> None:
        """Put which datatype was read into ``result`` (the note if it has no message)."""
        result.datatype = self.datatype
        if self.note and not result.message:
            result.message = self.note


def diff_device(job: DeviceJob, schema: Schema, mode: str) -> DeviceResult:
    """Get and diff only (``netdata diff``)."""
    started = time.monotonic()
    try:
        with Session(job.endpoint) as session:
            reader = Running(session, list(job.intended.roots))
            running = reader.get()
    except PushError as exc:
        return DeviceResult(job.intended.name, FAILED, message=str(exc), seconds=_since(started))
    changes = diff_configs(job.intended.roots, running, schema, mode=mode)
    result = DeviceResult(job.intended.name, WOULD_CHANGE if changes else UNCHANGED, changes)
    reader.record(result)
    result.seconds = _since(started)
    return result


def push_device(
    job: DeviceJob,
    schema: Schema,
    options: Options,
    journal: Journal | None,
    interrupted: Interrupted | None = None,
    insync: InSync | None = None,
) -> DeviceResult:
    """Diff, Set, verify and confirm one device; never raises for a device's failure.

    ``interrupted`` (on resume): the device's Set of unknown outcome. A Get decides
    before anything is sent: the new config is confirmed and reported ``changed``, the
    old one is pushed as usual, anything else fails without a Set. ``insync``: the
    answers known to show devices in sync (an answer found there is not decoded, nor
    is the built file), where the answers that show no difference are recorded.
    """
    started = time.monotonic()
    intended = job.intended
    result = DeviceResult(intended.name, FAILED)
    if interrupted is not None:
        insync = None  # its first Get decides the interrupted Set's outcome: decoded
    try:
        with Session(job.endpoint) as session:
            roots = insync.roots(intended.name, intended.digest) if insync else None
            read = Running(session, list(intended.roots) if roots is None else roots)
            attempt = _Attempt(
                session, read, job, schema, options, journal, result, interrupted, insync
            )
            try:
                attempt.run()
            finally:
                attempt.read.record(result)
    except PushError as exc:
        result.status, result.message = FAILED, str(exc)
    result.seconds = _since(started)
    if journal is not None:
        journal.event(
            "result",
            result.device,
            status=result.status,
            message=result.message,
            changes=len(result.changes),
            seconds=round(result.seconds, 3),
        )
    return result


@dataclass
class _Attempt:
    """One device's push, step by step; fills in ``result``."""

    session: Session
    read: Running
    job: DeviceJob
    schema: Schema
    options: Options
    journal: Journal | None
    result: DeviceResult
    interrupted: Interrupted | None = None
    insync: InSync | None = None
    before: dict[str, Any] = field(default_factory=dict)
    commit: Commit | None = None

    def run(self) -> None:
        intended, journal, result = self.job.intended, self.journal, self.result
        answer = self.read.answer(known=self._known)
        if not self._known(answer):
            self.before = answer.config
            if self.interrupted is not None and self._settled(self.interrupted):
                return
            result.changes = self._diff(self.before)
            if not result.changes:
                self._in_sync(answer)
        if journal is not None:
            if result.changes:  # what a rollback restores; nothing is sent otherwise
                result.before = journal.snapshot(intended.name, "before", self.before)
            journal.event(
                "diff",
                intended.name,
                digest=diff_digest(result.changes),
                changes=len(result.changes),
                before=result.before,
                output_digest=intended.digest,
            )
        if not result.changes or self.options.dry_run:
            result.status = WOULD_CHANGE if result.changes else UNCHANGED
            return
        if self.job.commit_confirmed:
            self.commit = Commit(_commit_id(journal), "commit", self.options.confirm_timeout)
        if journal is not None:
            commit_id = self.commit.id if self.commit is not None else None
            journal.event("set", intended.name, mode=self.options.mode, commit=commit_id)
        try:
            replace = self.options.mode == "replace"
            self.session.set(
                replace=intended.texts if replace else None,
                update=None if replace else intended.texts,
                commit=self.commit,
            )
        except GnmiError as exc:
            if not exc.outcome_unknown:
                result.message = f"Set rejected, nothing changed: {exc.code}: {exc.details}"
                return
            self._resolve_unknown(exc)
        try:
            self._verify()
        except GnmiError as exc:
            if self.commit is None:
                raise
            result.message = (
                f"{exc}; the commit is not confirmed: the device rolls back by itself within "
                f"{self.options.confirm_timeout:g} s"
            )

    def _settled(self, was: Interrupted) -> bool:
        """The interrupted Set's outcome from the Get just made: True if the device holds
        the new config (confirmed now if it waits for that; reported changed), False if it
        holds the old one (push as usual); neither fails, and nothing is re-sent."""
        intended, result = self.job.intended, self.result
        if not self._diff(self.before):
            if was.commit is not None:
                try:
                    self.session.set(commit=Commit(was.commit, "confirm"))
                except GnmiError as exc:
                    if exc.code != "FAILED_PRECONDITION":  # else: confirmed before the kill
                        raise
            result.changes = self._diff(was.before)
            result.before = was.before_file
            self._verified()
            result.message = "the interrupted run's Set was applied (verified by Get on resume)"
            return True
        if diff_configs(_as_intended(self.job, was.before), self.before, self.schema):
            raise PushError(
                f"{intended.name}: the interrupted run's Set of unknown outcome left neither the "
                "old nor the new configuration: not sent again"
            )
        return False

    def _diff(self, running: dict[str, Any]) -> list[Change]:
        return diff_configs(self.job.intended.roots, running, self.schema, mode=self.options.mode)

    def _known(self, answer: Answer) -> bool:
        """Whether ``answer`` (its digest) once showed the device holding the built file."""
        if self.insync is None:
            return False
        intended = self.job.intended
        expected = self.insync.expected(intended.name, intended.digest, self.options.mode)
        return expected is not None and answer.digest == expected

    def _in_sync(self, answer: Answer) -> None:
        """Record that ``answer`` shows no difference."""
        if self.insync is not None:
            intended = self.job.intended
            self.insync.note(
                intended.name, intended.digest, answer.digest, self.read.roots, self.options.mode
            )

    def _verify(self) -> None:
        """Get after the Set: confirm if the device holds the intended config, else undo."""
        result, commit = self.result, self.commit
        answer = self.read.answer()
        remaining = self._diff(answer.config)
        if remaining:
            result.message = (
                f"verification failed: {len(remaining)} difference(s) after the Set, "
                f"first {remaining[0].op} {remaining[0].path}"
            )
            if commit is not None:
                self.session.set(commit=Commit(commit.id, "cancel"))
                result.status, result.message = ROLLED_BACK, result.message + "; commit cancelled"
            elif self.options.rollback_on_failure:
                restore(self.read, self.job, self.schema, self.before)
                result.status, result.message = ROLLED_BACK, result.message + "; restored"
            return
        self._in_sync(answer)
        if commit is not None:
            self.session.set(commit=Commit(commit.id, "confirm"))
        self._verified()

    def _verified(self) -> None:
        """The device holds the build's file: journal it (that file and its digest are the
        after state) and report the device changed."""
        if self.journal is not None:
            intended = self.job.intended
            self.journal.event(
                "verified", intended.name, after=str(intended.file), output_digest=intended.digest
            )
        self.result.status = CHANGED

    def _resolve_unknown(self, error: GnmiError) -> None:
        """After a Set of unknown outcome: return if the device holds the new config, else
        raise. A fresh channel, and a Get that waits up to its deadline for the device."""
        self.session.reconnect()
        try:
            now = self.read.get(wait=True)
        except GnmiError as exc:
            raise PushError(
                f"{error}; the device did not answer the Get that checks the outcome "
                f"({exc.code}): it may hold the old or the new configuration (not retried)"
            ) from None
        if not self._diff(now):
            return  # the Set was applied: verification follows
        if not diff_configs(_as_intended(self.job, self.before), now, self.schema):
            raise PushError(
                f"{error}; a Get shows the device unchanged: the Set was not applied (not retried)"
            )
        raise PushError(f"{error}; a Get shows neither the old nor the new configuration")


def restore(read: Running, job: DeviceJob, schema: Schema, before: dict[str, Any]) -> bool:
    """Put the managed roots back as ``before`` (a root absent before is deleted), then
    verify; False if the device already held ``before`` (nothing sent)."""
    roots = read.roots
    target = _as_intended(job, before)
    if not diff_configs(target, read.get(), schema):
        return False
    read.session.set(
        replace={r: json.dumps(before[r], separators=(",", ":")) for r in roots if r in before},
        delete=[r for r in roots if r not in before],
    )
    left = diff_configs(target, read.get(), schema)
    if left:
        raise PushError(
            f"{job.intended.name}: the restore left {len(left)} difference(s), "
            f"first {left[0].op} {left[0].path}"
        )
    return True


def _as_intended(job: DeviceJob, before: dict[str, Any]) -> dict[str, Any]:
    return {root: before.get(root, {}) for root in job.intended.roots}


def _commit_id(journal: Journal | None) -> str:
    return f"netdata-{journal.run_id}" if journal is not None else f"netdata-{time.time_ns()}"


def _since(started: float) -> float:
    return time.monotonic() - started
