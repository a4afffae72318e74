"""The gNMI adapter of push: the only module that imports pygnmi (and grpc) for the pipeline.

pygnmi's ``gNMIclient`` is not used for the RPCs, because of quirks that a
fleet push cannot live with (docs/push.md lists them): it sets no deadline on
Capabilities, Get or Set (and calls Capabilities inside ``connect()``), its
``set()`` cannot carry the commit-confirmed extension, it picks the ``json``
encoding unless told, and without a CA file it downloads the server's
certificate and trusts it. So the adapter opens the gRPC channel itself and
calls pygnmi's generated gNMI stubs with:

- a deadline on every RPC: ``timeout``, plus ``connect_timeout`` for a channel's
  first RPC, which connects (Capabilities has ``connect_timeout`` alone);
- ``JSON_IETF`` on every Get and Set;
- bounded retries (``UNAVAILABLE`` only) for Capabilities and Get, never for Set;
- TLS unless ``plaintext`` (system CAs or a CA file, optional client
  certificate and key, server-name override);
- credentials as call metadata only: never logged, never in an error.
"""

from __future__ import annotations

import hashlib
import json
import ssl
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import grpc
from pygnmi.spec.v080 import gnmi_ext_pb2, gnmi_pb2, gnmi_pb2_grpc

from netdata._exceptions import PushError

RETRY_DELAYS = (0.2, 0.5)
"""Pauses before the second and third attempt of a Capabilities or Get that got UNAVAILABLE."""

_UNKNOWN_OUTCOME = frozenset(
    {
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.CANCELLED,
        grpc.StatusCode.UNKNOWN,
        grpc.StatusCode.INTERNAL,
        grpc.StatusCode.DATA_LOSS,
    }
)
_DATATYPES = {
    "config": gnmi_pb2.GetRequest.DataType.CONFIG,
    "all": gnmi_pb2.GetRequest.DataType.ALL,
}
DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024 * 1024
"""Largest gRPC message sent or taken (gRPC's default, 4 MiB, is smaller than a large
router's whole configuration); ``Endpoint.max_message_bytes`` sets it per device."""


@dataclass(frozen=True)
class Endpoint:
    """How to reach one device over gNMI (no secrets in ``repr``)."""

    name: str
    host: str
    port: int = 9339
    plaintext: bool = False
    ca: Path | None = None
    cert: Path | None = None
    key: Path | None = None
    tls_server_name: str | None = None
    username: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)
    timeout: float = 10.0
    connect_timeout: float = 5.0
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES

    @property
    def address(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


class GnmiError(PushError):
    """A gNMI RPC failed: ``device``, ``rpc``, gRPC ``code`` (a name) and the device's message.

    ``outcome_unknown`` is true when a Set may or may not have been applied
    (connection lost, deadline exceeded): only a Get can tell.
    """

    def __init__(self, device: str, rpc: str, code: str, details: str) -> None:
        self.device = device
        self.rpc = rpc
        self.code = code
        self.details = details
        super().__init__(f"{device}: {rpc} failed: {code}: {details}")

    @property
    def outcome_unknown(self) -> bool:
        return self.code in {c.name for c in _UNKNOWN_OUTCOME}


@dataclass(frozen=True)
class Commit:
    """A commit-confirmed action (gnmi_ext.Commit): ``commit`` with a rollback timer, or
    ``confirm`` / ``cancel`` of the waiting commit ``id``."""

    id: str
    action: str = "commit"
    rollback_seconds: float | None = None


@dataclass
class Answer:
    """A Get's answer as the device sent it: each update's path and value (``config``
    decodes it, once). ``digest`` identifies it without decoding: the sha256 of every
    update's serialised path and value, in order."""

    device: str
    roots: Sequence[str]
    updates: list[tuple[list[Any], Any]] = field(default_factory=list)
    """``(path elements, TypedValue)`` per update, the notification's prefix included."""

    @cached_property
    def config(self) -> dict[str, Any]:
        """``{root: value}`` (the container's content, RFC 7951); a root with no data on
        the device is left out."""
        out: dict[str, Any] = {}
        for elems, typed in self.updates:
            _place(out, self.roots, elems, _value(self.device, typed))
        return out

    def decode(self) -> dict[str, Any]:
        """:attr:`config` (decoded now, if it was not)."""
        return self.config

    @cached_property
    def digest(self) -> str:
        digest = hashlib.sha256()
        for elems, typed in self.updates:
            for part in (
                gnmi_pb2.Path(elem=elems).SerializeToString(deterministic=True),
                typed.SerializeToString(deterministic=True),
            ):
                digest.update(len(part).to_bytes(8, "big") + part)
        return "sha256:" + digest.hexdigest()


class Session:
    """One gNMI connection to a device; use as a context manager."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self._channel = _channel(endpoint)
        self._stub = gnmi_pb2_grpc.gNMIStub(self._channel)
        self._fresh = True  # no RPC on this channel yet: the next one connects
        self._metadata: tuple[tuple[str, str], ...] = ()
        if endpoint.username is not None or endpoint.password is not None:
            self._metadata = (
                ("username", endpoint.username or ""),
                ("password", endpoint.password or ""),
            )

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._channel.close()

    def reconnect(self) -> None:
        """A new channel (after a lost connection, grpc would wait out its reconnect backoff)."""
        self._channel.close()
        self._channel = _channel(self.endpoint)
        self._stub = gnmi_pb2_grpc.gNMIStub(self._channel)
        self._fresh = True  # no RPC on this channel yet: the next one connects

    # -- RPCs ---------------------------------------------------------------
    def capabilities(self) -> dict[str, Any]:
        """The device's gNMI version and encodings; fail if it lacks JSON_IETF.

        Push does not ask for them on every device (a Get or Set names ``JSON_IETF``,
        and a device without it refuses them): only when a Get is refused, to say why.
        As a first RPC its deadline is ``connect_timeout`` alone.
        """
        response = self._call(
            "Capabilities",
            gnmi_pb2.CapabilityRequest(),
            self.endpoint.connect_timeout,
            retry=True,
        )
        encodings = [gnmi_pb2.Encoding.Name(e) for e in response.supported_encodings]
        if encodings and "JSON_IETF" not in encodings:
            raise GnmiError(
                self.endpoint.name,
                "Capabilities",
                "UNIMPLEMENTED",
                f"the device does not support the JSON_IETF encoding (it offers {encodings})",
            )
        return {"gnmi_version": response.gNMI_version, "encodings": encodings}

    def get(
        self, roots: Sequence[str], datatype: str = "config", *, wait: bool = False
    ) -> dict[str, Any]:
        """The data of the top-level nodes ``roots`` (module-qualified names) in one Get.

        Returns ``{root: value}`` (the container's content, RFC 7951); a root with
        no data on the device is left out. A Get of several roots answers NOT_FOUND
        if one has no data: then one Get of ``/`` tells which have. ``wait``: wait up
        to the deadline for an unreachable device to come back.
        """
        return self.answer(roots, datatype, wait=wait).config

    def answer(
        self, roots: Sequence[str], datatype: str = "config", *, wait: bool = False
    ) -> Answer:
        """:meth:`get`'s answer, not decoded yet."""
        try:
            return self._get(roots, datatype, wait)
        except GnmiError as exc:
            if exc.code != "NOT_FOUND":
                raise
            if len(roots) < 2:
                return Answer(self.endpoint.name, roots)
        try:
            return self._get(roots, datatype, wait, whole=True)
        except GnmiError as exc:
            if exc.code != "NOT_FOUND":
                raise
        return Answer(self.endpoint.name, roots)

    def set(
        self,
        *,
        replace: Mapping[str, str] | None = None,
        update: Mapping[str, str] | None = None,
        delete: Sequence[str] = (),
        commit: Commit | None = None,
    ) -> None:
        """One SetRequest: ``delete`` roots, ``replace``/``update`` roots with RFC 7951 text.

        Never retried: a :class:`GnmiError` with ``outcome_unknown`` must be resolved
        by a Get.
        """
        request = gnmi_pb2.SetRequest(
            delete=[_path(root) for root in delete],
            replace=[_update(root, text) for root, text in (replace or {}).items()],
            update=[_update(root, text) for root, text in (update or {}).items()],
        )
        if commit is not None:
            request.extension.append(commit_extension(commit))
        self._call("Set", request, retry=False)

    # -- internals ----------------------------------------------------------
    def _get(
        self, roots: Sequence[str], datatype: str, wait: bool, *, whole: bool = False
    ) -> Answer:
        """Get ``roots`` (``whole``: by one Get of ``/``, keeping only them)."""
        request = gnmi_pb2.GetRequest(
            path=[gnmi_pb2.Path()] if whole else [_path(root) for root in roots],
            type=_DATATYPES[datatype],
            encoding=gnmi_pb2.Encoding.JSON_IETF,
        )
        response = self._call("Get", request, retry=True, wait=wait)
        answer = Answer(self.endpoint.name, roots)
        for notification in response.notification:
            prefix = list(notification.prefix.elem) if notification.HasField("prefix") else []
            for upd in notification.update:
                answer.updates.append(([*prefix, *upd.path.elem], upd.val))
        return answer

    def _call(
        self,
        rpc: str,
        request: Any,
        timeout: float | None = None,
        *,
        retry: bool,
        wait: bool = False,
    ) -> Any:
        """``timeout``: the deadline; by default the endpoint's, plus its ``connect_timeout``
        on the channel's first RPC."""
        if timeout is None:
            timeout = self.endpoint.timeout + (self.endpoint.connect_timeout if self._fresh else 0)
        self._fresh = False
        method = getattr(self._stub, rpc)
        delays = RETRY_DELAYS if retry else ()
        for attempt in range(len(delays) + 1):
            try:
                return method(
                    request, timeout=timeout, metadata=self._metadata, wait_for_ready=wait
                )
            except grpc.RpcError as exc:
                code: grpc.StatusCode = exc.code()
                if code == grpc.StatusCode.UNAVAILABLE and attempt < len(delays):
                    time.sleep(delays[attempt])
                    continue
                details = exc.details() or ""
                if code == grpc.StatusCode.DEADLINE_EXCEEDED:
                    details = f"no answer within {timeout:g} s ({details})"
                raise GnmiError(self.endpoint.name, rpc, code.name, details) from None
        raise AssertionError("unreachable")


# -- commit-confirmed extension (gnmi_ext.Commit, Extension field 4) -----------
# pygnmi's gnmi_ext stubs predate it; the message is tiny, so it is encoded here
# by hand (protobuf wire format) and carried as an unknown field of pygnmi's
# Extension, which protobuf serialises unchanged.
_ACTION_FIELDS = {"commit": 2, "confirm": 3, "cancel": 4, "set_rollback_duration": 5}


def commit_extension(commit: Commit) -> Any:
    """The ``gnmi_ext.Extension`` (pygnmi's type) carrying ``commit``."""
    if commit.action not in _ACTION_FIELDS:
        raise ValueError(f"unknown commit action {commit.action!r}")
    body = b""
    if commit.rollback_seconds is not None and commit.action in ("commit", "set_rollback_duration"):
        nanos = round(commit.rollback_seconds * 1e9)
        seconds, nanos = divmod(nanos, 10**9)
        duration = _varint_field(1, seconds) + (_varint_field(2, nanos) if nanos else b"")
        body = _bytes_field(1, duration)
    message = _bytes_field(1, commit.id.encode()) + _bytes_field(
        _ACTION_FIELDS[commit.action], body
    )
    return gnmi_ext_pb2.Extension.FromString(_bytes_field(4, message))


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _varint_field(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value)


def _bytes_field(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


# -- channels, paths and values ---------------------------------------------------
def _channel(endpoint: Endpoint) -> grpc.Channel:
    options: list[tuple[str, Any]] = [
        ("grpc.max_receive_message_length", endpoint.max_message_bytes),
        ("grpc.max_send_message_length", endpoint.max_message_bytes),
    ]
    if endpoint.plaintext:
        return grpc.insecure_channel(endpoint.address, options=options)
    if endpoint.tls_server_name:
        options.append(("grpc.ssl_target_name_override", endpoint.tls_server_name))
    if (endpoint.cert is None) != (endpoint.key is None):
        raise PushError(f"{endpoint.name}: a client certificate needs both cert and key")
    credentials = grpc.ssl_channel_credentials(
        root_certificates=_read(endpoint.name, endpoint.ca) if endpoint.ca else _system_cas(),
        private_key=_read(endpoint.name, endpoint.key) if endpoint.key else None,
        certificate_chain=_read(endpoint.name, endpoint.cert) if endpoint.cert else None,
    )
    return grpc.secure_channel(endpoint.address, credentials, options=options)


def _read(device: str, path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise PushError(f"{device}: cannot read {path}: {exc.strerror or exc}") from None


def _system_cas() -> bytes | None:
    """The operating system's CA bundle (grpc's own bundled roots if there is none)."""
    cafile = ssl.get_default_verify_paths().cafile
    if cafile and Path(cafile).is_file():
        return Path(cafile).read_bytes()
    return None


def _path(root: str) -> Any:
    """A top-level node as gnmic writes it: the module-qualified name as the one element."""
    return gnmi_pb2.Path(elem=[gnmi_pb2.PathElem(name=root)])


def _update(root: str, text: str) -> Any:
    return gnmi_pb2.Update(path=_path(root), val=gnmi_pb2.TypedValue(json_ietf_val=text.encode()))


def _value(device: str, typed: Any) -> Any:
    kind = typed.WhichOneof("value")
    if kind not in ("json_ietf_val", "json_val"):
        raise GnmiError(
            device, "Get", "UNIMPLEMENTED", f"the device answered {kind}, not JSON_IETF"
        )
    try:
        return json.loads(getattr(typed, kind))
    except ValueError as exc:
        raise GnmiError(
            device, "Get", "INVALID_ARGUMENT", f"malformed JSON answer: {exc}"
        ) from None


def _place(out: dict[str, Any], roots: Sequence[str], elems: list[Any], value: Any) -> None:
    """Put one Get update into ``out`` (root -> content): answered at ``/`` or at the root."""
    if not elems:  # the whole tree: {"module:root": content, ...}
        if isinstance(value, dict):
            for member, content in value.items():
                root = _match_root(roots, member)
                if root is not None:
                    out[root] = content
        return
    root = _match_root(roots, elems[0].name)
    if root is None or len(elems) > 1:
        names = "/".join(e.name for e in elems)
        raise PushError(f"the device answered a Get at /{names}: expected a top-level node")
    if isinstance(value, dict) and len(value) == 1 and _match_root([root], next(iter(value))):
        value = next(iter(value.values()))  # some devices wrap the content in its own name
    out[root] = value


def _match_root(roots: Sequence[str], name: str) -> str | None:
    local = name.rpartition(":")[2]
    for root in roots:
        if root == name or (":" not in name and root.rpartition(":")[2] == local):
            return root
    return None
