"""One simulated device: its configuration, its faults, and its own gNMI endpoint."""

from __future__ import annotations

import threading
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol, TypeVar

import grpc

from netdata.sim._commit import DEFAULT_ROLLBACK, CommitAction, PendingCommit
from netdata.sim._config import Config
from netdata.sim._errors import GnmiError

if TYPE_CHECKING:
    from netdata.sim._endpoint import Endpoint

T = TypeVar("T")
KEEP: Final = "keep"
"""``Faults.misapply``: the device keeps its configuration from before the Set."""


class DeviceHost(Protocol):
    """What a device needs from the fleet that runs it (and no more)."""

    @property
    def host(self) -> str:
        """The address every device listens on."""
        ...

    def canonical(self, document: str | dict[str, Any], where: str) -> Config:
        """Validate a whole configuration; its canonical form (DocumentError if invalid)."""
        ...

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        """Run ``coro`` on the event loop serving the device and wait for its result."""
        ...


@dataclass
class Faults:
    """Faults injected into one device; every attribute may be changed while it runs.

    ``latency`` seconds are added before every RPC. ``refusing`` closes the
    device's port (connections are refused). A rejection makes the next Set
    fail with its status code; a drop makes the device drop the connection in
    the middle of the next Set, after validation and before the commit (or, with
    ``drop_committed``, just after it). ``stall`` seconds become the latency once
    the next Set is committed (a device that stops answering). A ``misapply``
    makes the next valid Set succeed while the device then holds that
    configuration instead (``KEEP``: its configuration before the Set).
    ``config_refusal`` fails every Get of datatype CONFIG with its status
    (a target that serves ``ALL`` only).
    """

    latency: float = 0.0
    refusing: bool = False
    rejection: tuple[grpc.StatusCode, str] | None = None
    drop: bool = False
    drop_committed: bool = False
    stall: float = 0.0
    misapply: Config | Literal["keep"] | None = None
    config_refusal: tuple[grpc.StatusCode, str] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def raise_rejection(self) -> None:
        """Raise the armed rejection once (then disarm it)."""
        with self._lock:
            rejection, self.rejection = self.rejection, None
        if rejection is not None:
            raise GnmiError(*rejection)

    def take_drop(self) -> bool:
        """True once if a drop is armed (then disarm it)."""
        with self._lock:
            drop, self.drop = self.drop, False
        return drop

    def held_after_set(self, current: Config, new: Config) -> Config:
        """What the device holds after a valid Set from ``current`` to ``new``: ``new``,
        unless a misapply is armed (then disarmed)."""
        with self._lock:
            misapply, self.misapply = self.misapply, None
        if misapply is None:
            return new
        return misapply if isinstance(misapply, Config) else current

    def check_get(self, config: bool) -> None:
        """Refuse a Get of datatype CONFIG (``config``) if the device is set to."""
        if self.config_refusal is not None and config:
            raise GnmiError(*self.config_refusal)

    def after_commit(self) -> bool:
        """Apply a stall armed for after the next commit; True once if a drop after it is armed."""
        with self._lock:
            if self.stall:
                self.latency, self.stall = self.stall, 0.0
            drop, self.drop_committed = self.drop_committed, False
        return drop


class SimDevice:
    """A simulated device of a :class:`SimFleet`; the handle tests use to inspect and break it.

    ``address`` is the ``(host, port)`` pair pygnmi's ``gNMIclient(target=...)`` takes.
    """

    __slots__ = ("_endpoint", "_host", "_pending", "_running", "commits", "faults", "name")

    def __init__(self, host: DeviceHost, name: str, running: Config) -> None:
        self._host = host
        self.name = name
        self._running = running
        self.faults = Faults()
        self.commits = 0
        self._endpoint: Endpoint | None = None
        self._pending: PendingCommit | None = None

    def __repr__(self) -> str:
        return f"<SimDevice {self.name} {self.host}:{self.port}>"

    # -- addressing ---------------------------------------------------------
    @property
    def host(self) -> str:
        return self._host.host

    @property
    def port(self) -> int:
        """The device's own gNMI port (0 before the fleet starts)."""
        return self._endpoint.port if self._endpoint is not None else 0

    @property
    def address(self) -> tuple[str, int]:
        return (self.host, self.port)

    # -- configuration ------------------------------------------------------
    @property
    def running(self) -> Config:
        """The running configuration (replaced, never changed, by a commit)."""
        return self._running

    @property
    def config_text(self) -> str:
        """The running configuration as canonical RFC 7951 JSON text."""
        return self._running.text

    @property
    def config(self) -> dict[str, Any]:
        """The running configuration as an RFC 7951 JSON dict (a copy)."""
        return self._running.tree()

    def load_config(self, document: str | dict[str, Any]) -> None:
        """Replace the running configuration (validated like a full-tree Set)."""
        self.commit(self._host.canonical(document, f"device {self.name}"))

    def commit(self, config: Config, confirm: CommitAction | None = None) -> None:
        """Make ``config`` (validated) the running configuration.

        With a commit-confirmed ``confirm`` action the previous configuration
        comes back unless the commit is confirmed within its rollback duration.
        Call from the fleet's event loop when ``confirm`` is given.
        """
        if confirm is not None:
            pending = PendingCommit(confirm.id, self._running)
            pending.arm(confirm.rollback_duration or DEFAULT_ROLLBACK, self._roll_back)
            self._pending = pending
        self._running = config
        self.commits += 1

    @property
    def pending_commit(self) -> str | None:
        """The id of the commit waiting for confirmation, if any."""
        return self._pending.id if self._pending is not None else None

    def check_commit(self, action: CommitAction | None) -> None:
        """Refuse a change while a commit waits for confirmation (FAILED_PRECONDITION)."""
        if action is not None and not action.id:
            raise GnmiError(grpc.StatusCode.INVALID_ARGUMENT, "commit extension without id")
        if self._pending is not None:
            raise GnmiError(
                grpc.StatusCode.FAILED_PRECONDITION,
                f"{self.name}: commit {self._pending.id!r} is waiting for confirmation",
            )

    def settle_commit(self, action: CommitAction) -> None:
        """Confirm, cancel (roll back now) or re-time the commit waiting for confirmation."""
        pending = self._pending
        if not action.id:
            raise GnmiError(grpc.StatusCode.INVALID_ARGUMENT, "commit extension without id")
        if pending is None:
            raise GnmiError(
                grpc.StatusCode.FAILED_PRECONDITION,
                f"{self.name}: no commit is waiting for confirmation",
            )
        if action.id != pending.id:
            raise GnmiError(
                grpc.StatusCode.INVALID_ARGUMENT,
                f"{self.name}: commit id {action.id!r} is not the waiting commit {pending.id!r}",
            )
        if action.action == "set_rollback_duration":
            if not action.rollback_duration or action.rollback_duration <= 0:
                raise GnmiError(
                    grpc.StatusCode.INVALID_ARGUMENT, "rollback_duration must be greater than 0"
                )
            pending.arm(action.rollback_duration, self._roll_back)
            return
        pending.disarm()
        self._pending = None
        if action.action == "cancel":
            self._running = pending.previous

    def _roll_back(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            self._running = pending.previous

    # -- faults -------------------------------------------------------------
    def set_latency(self, seconds: float) -> None:
        """Add ``seconds`` before every RPC to this device (0 removes it)."""
        self.faults.latency = seconds

    def reject_next_set(
        self,
        code: grpc.StatusCode = grpc.StatusCode.ABORTED,
        message: str = "injected fault: Set rejected",
    ) -> None:
        """Fail the next Set with ``code`` and ``message``; nothing is committed."""
        self.faults.rejection = (code, f"{self.name}: {message}")

    def drop_next_set(self, *, committed: bool = False) -> None:
        """Drop the connection in the middle of the next Set: before the commit (nothing is
        committed), or with ``committed`` just after it (the client cannot tell which)."""
        if committed:
            self.faults.drop_committed = True
        else:
            self.faults.drop = True

    def stall_after_next_set(self, seconds: float = 3600.0) -> None:
        """Once the next Set is committed, answer every RPC only after ``seconds``."""
        self.faults.stall = seconds

    def misapply_next_set(self, holds: str | dict[str, Any] | None = None) -> None:
        """Accept the next valid Set (success answered, commit counted) but then hold
        ``holds`` (a whole configuration, validated now) instead of what was set; by
        default the configuration from before the Set (a device that ignores it)."""
        where = f"device {self.name}: misapply_next_set"
        self.faults.misapply = KEEP if holds is None else self._host.canonical(holds, where)

    def refuse_config_gets(
        self,
        code: grpc.StatusCode = grpc.StatusCode.UNIMPLEMENTED,
        message: str = "datatype CONFIG is not supported: ask for ALL",
    ) -> None:
        """Fail every Get of datatype CONFIG with ``code`` (STATE, OPERATIONAL and ALL
        still work) until :meth:`clear_faults`."""
        self.faults.config_refusal = (code, f"{self.name}: {message}")

    def refuse_connections(self) -> None:
        """Close the device's port: new connections are refused, open ones are cut."""
        self.faults.refusing = True
        self._host.call(self._require_endpoint().close())

    def accept_connections(self) -> None:
        """Open the device's port again (same port number)."""
        self.faults.refusing = False
        self._host.call(self._require_endpoint().open())

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        self.faults.latency = 0.0
        self.faults.rejection = None
        self.faults.drop = self.faults.drop_committed = False
        self.faults.stall = 0.0
        self.faults.misapply = self.faults.config_refusal = None
        if self.faults.refusing:
            self.accept_connections()

    def drop_connections(self) -> None:
        """Cut every open connection to the device, then listen again (from the event loop)."""
        self._require_endpoint().restart_soon()

    # -- serving ----------------------------------------------------------
    @property
    def endpoint(self) -> Endpoint | None:
        """The device's listening port, once the fleet started it."""
        return self._endpoint

    def attach(self, endpoint: Endpoint) -> None:
        """Serve the device on ``endpoint`` (called by the fleet when it starts)."""
        self._endpoint = endpoint

    def _require_endpoint(self) -> Endpoint:
        if self._endpoint is None:
            raise RuntimeError(f"device {self.name} is not running: start the fleet first")
        return self._endpoint
