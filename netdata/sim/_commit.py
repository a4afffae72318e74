"""The gNMI commit-confirmed extension (``gnmi_ext.Commit``, Extension field 4).

pygnmi's stubs predate the extension, so the messages are declared here in a
private descriptor pool and read from the raw bytes of each Extension. A
device has at most one commit waiting for confirmation; without a
confirmation before its rollback duration (default 10 minutes) the previous
configuration comes back.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import grpc
from google.protobuf import (  # type: ignore[import-untyped]
    descriptor_pb2,
    descriptor_pool,
    duration_pb2,
    message_factory,
)
from google.protobuf.message import DecodeError  # type: ignore[import-untyped]
from pygnmi.spec.v080 import gnmi_ext_pb2

from netdata.sim._errors import GnmiError

if TYPE_CHECKING:
    from netdata.sim._config import Config

DEFAULT_ROLLBACK = 600.0
ACTIONS = ("commit", "confirm", "cancel", "set_rollback_duration")


def _declare() -> tuple[Any, Any]:
    pool = descriptor_pool.DescriptorPool()
    pool.AddSerializedFile(duration_pb2.DESCRIPTOR.serialized_pb)
    proto = descriptor_pb2.FileDescriptorProto(
        name="netdata_sim_commit.proto",
        package="netdata_sim",
        syntax="proto3",
        dependency=["google/protobuf/duration.proto"],
    )
    label, message, string = (
        descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL,
        descriptor_pb2.FieldDescriptorProto.TYPE_MESSAGE,
        descriptor_pb2.FieldDescriptorProto.TYPE_STRING,
    )
    duration = {
        "name": "rollback_duration",
        "number": 1,
        "label": label,
        "type": message,
        "type_name": ".google.protobuf.Duration",
    }
    for name, fields in (
        ("CommitRequest", [duration]),
        ("CommitConfirm", []),
        ("CommitCancel", []),
        ("CommitSetRollbackDuration", [duration]),
    ):
        proto.message_type.add(name=name).field.extend(
            descriptor_pb2.FieldDescriptorProto(**f) for f in fields
        )
    commit = proto.message_type.add(name="Commit")
    commit.oneof_decl.add(name="action")
    commit.field.add(name="id", number=1, label=label, type=string)
    for number, (name, type_name) in enumerate(
        (
            ("commit", "CommitRequest"),
            ("confirm", "CommitConfirm"),
            ("cancel", "CommitCancel"),
            ("set_rollback_duration", "CommitSetRollbackDuration"),
        ),
        start=2,
    ):
        commit.field.add(
            name=name,
            number=number,
            label=label,
            type=message,
            type_name=f".netdata_sim.{type_name}",
            oneof_index=0,
        )
    extension = proto.message_type.add(name="Extension")
    extension.field.add(
        name="commit", number=4, label=label, type=message, type_name=".netdata_sim.Commit"
    )
    pool.Add(proto)
    classes = message_factory.GetMessages([proto], pool=pool)
    return classes["netdata_sim.Extension"], classes["netdata_sim.Commit"]


_Extension, _Commit = _declare()


def commit_extension(
    commit_id: str, action: str = "commit", rollback_duration: float | None = None
) -> Any:
    """A ``gnmi_ext.Extension`` (pygnmi's stub type) carrying a commit-confirmed action.

    ``action`` is one of :data:`ACTIONS`; ``rollback_duration`` (seconds)
    applies to ``commit`` and ``set_rollback_duration``.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown commit action {action!r}; expected one of {ACTIONS}")
    commit = _Commit(id=commit_id)
    sub = getattr(commit, action)
    sub.SetInParent()
    if rollback_duration is not None and action in ("commit", "set_rollback_duration"):
        sub.rollback_duration.FromNanoseconds(int(rollback_duration * 1e9))
    raw = _Extension(commit=commit).SerializeToString()
    return gnmi_ext_pb2.Extension.FromString(raw)


@dataclass(frozen=True)
class CommitAction:
    """The commit-confirmed action of a SetRequest."""

    id: str
    action: str
    rollback_duration: float | None


def commit_action(request: Any) -> CommitAction | None:
    """The SetRequest's commit-confirmed action, if it carries one."""
    for extension in request.extension:
        try:
            mine = _Extension.FromString(extension.SerializeToString())
        except DecodeError:
            raise GnmiError(
                grpc.StatusCode.INVALID_ARGUMENT, "malformed commit extension"
            ) from None
        if mine.HasField("commit"):
            commit = mine.commit
            action = commit.WhichOneof("action")
            if action is None:
                raise GnmiError(grpc.StatusCode.INVALID_ARGUMENT, "commit extension without action")
            duration = None
            sub = getattr(commit, action)
            if action in ("commit", "set_rollback_duration") and sub.HasField("rollback_duration"):
                duration = sub.rollback_duration.ToNanoseconds() / 1e9
                if duration <= 0:
                    raise GnmiError(
                        grpc.StatusCode.INVALID_ARGUMENT,
                        f"the rollback duration must be positive, not {duration:g} s",
                    )
            return CommitAction(commit.id, action, duration)
    return None


class PendingCommit:
    """A commit waiting for confirmation: rolls ``device`` back when its timer fires."""

    __slots__ = ("_timer", "id", "previous")

    def __init__(self, commit_id: str, previous: Config) -> None:
        self.id = commit_id
        self.previous = previous
        self._timer: asyncio.TimerHandle | None = None

    def arm(self, seconds: float, expire: Any) -> None:
        """(Re)start the rollback timer on the running event loop."""
        self.disarm()
        self._timer = asyncio.get_running_loop().call_later(seconds, expire)

    def disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
