"""A fleet of simulated gNMI devices served from one process.

All devices share one YANG schema (one libyang context) and one asyncio event
loop running in a background thread; each device listens on its own port, and
an optional gateway port serves every device, selected by the gNMI ``target``.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import tempfile
import threading
from collections.abc import Coroutine, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import grpc

from netdata._documents import read_text
from netdata._exceptions import DocumentError, SetupError
from netdata.schema import find_models
from netdata.sim._config import EMPTY, Config
from netdata.sim._datastore import canonical_config
from netdata.sim._device import SimDevice
from netdata.sim._endpoint import DEFAULT_MAX_MESSAGE_BYTES, Endpoint
from netdata.sim._errors import GnmiError
from netdata.sim._schema import load_schema
from netdata.sim._service import GnmiService, capability_response
from netdata.sim._tls import TlsFiles, ensure_certificate

T = TypeVar("T")
Startup = str | os.PathLike[str] | Mapping[str, "str | dict[str, Any]"]


class SimFleet:
    """Simulated OpenConfig devices speaking gNMI on loopback ports.

    >>> with SimFleet(3, models="yang/openconfig") as fleet:   # doctest: +SKIP
    ...     host, port = fleet["sim-0001"].address

    ``devices``: a count (names ``sim-0000``, ``sim-0001``, ...) or a list of
    names; by default the names of the startup files, else one device.
    ``startup``: a directory of ``<device>.json`` RFC 7951 files, or a mapping
    of device name to document (text or dict); every startup configuration is
    validated. ``base_port``: device *i* listens on ``base_port + i``; 0 picks
    free ports. ``gateway_port``: also serve every device on this port, by
    target (0 picks a free port; None: no gateway). ``username``/``password``:
    required in the metadata of every RPC when set. ``tls``: serve TLS with a
    self-signed certificate kept in ``tls_dir`` (default: a temporary
    directory); clients trust :attr:`tls_files` ``.cert``. ``max_message_bytes``:
    the largest gRPC message taken or sent (default 256 MiB).
    """

    def __init__(
        self,
        devices: int | Sequence[str] | None = None,
        *,
        models: str | os.PathLike[str] | None = None,
        startup: Startup | None = None,
        host: str = "127.0.0.1",
        base_port: int = 0,
        gateway_port: int | None = None,
        username: str | None = None,
        password: str | None = None,
        tls: bool = False,
        tls_dir: str | os.PathLike[str] | None = None,
        max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    ) -> None:
        if max_message_bytes < 1:
            raise SetupError(f"the gRPC message limit must be positive, not {max_message_bytes}")
        self.max_message_bytes = max_message_bytes
        folders = find_models(Path(models) if models is not None else None)
        if len(folders) > 1:
            raise SetupError(
                "the simulator takes one YANG model folder (its libyang context is one folder), "
                f"not {len(folders)}"
            )
        self.schema = load_schema(folders[0].resolve())
        self.host = host
        self.base_port = base_port
        self._gateway_port = gateway_port
        self._credentials = (username or "", password or "") if username or password else None
        self._tls = tls
        self._tls_dir = Path(tls_dir) if tls_dir is not None else None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.tls_files: TlsFiles | None = None
        documents = _startup_documents(startup)
        names = _device_names(devices, documents)
        for what, first, count in (("base_port", base_port, len(names)),
                                   ("gateway_port", gateway_port or 0, 1)):
            if first and not 1 <= first <= first + count - 1 <= 65535:
                raise SetupError(
                    f"{what} {first}: ports must be 1-65535 (and {count} device(s) need "
                    f"{first}..{first + count - 1})"
                )
        unknown = sorted(set(documents) - set(names))
        if unknown:
            raise DocumentError(
                f"startup configuration for unknown device(s): {', '.join(unknown)}"
            )
        self._devices: dict[str, SimDevice] = {}
        for name in names:
            doc = documents.get(name)
            config = EMPTY if doc is None else self.canonical(doc[1], doc[0])
            self._devices[name] = SimDevice(self, name, config)  # self: the DeviceHost
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._gateway: Endpoint | None = None

    # -- access -------------------------------------------------------------
    @property
    def devices(self) -> list[SimDevice]:
        """Every device, in order."""
        return list(self._devices.values())

    def __getitem__(self, key: str | int) -> SimDevice:
        if isinstance(key, int):
            return self.devices[key]
        try:
            return self._devices[key]
        except KeyError:
            raise KeyError(f"no simulated device named {key!r}") from None

    def __len__(self) -> int:
        return len(self._devices)

    def __iter__(self) -> Iterator[SimDevice]:
        return iter(self.devices)

    @property
    def gateway_address(self) -> tuple[str, int] | None:
        """``(host, port)`` of the port serving every device by target, if any."""
        return (self.host, self._gateway.port) if self._gateway is not None else None

    def write_targets(
        self, path: str | os.PathLike[str], credentials_env: tuple[str, str] | None = None
    ) -> None:
        """Write the targets file push reads for these devices (temp file + rename):
        address and port, TLS trust or plaintext, commit-confirmed on, and the names of
        the environment variables holding username and password (never the values)."""
        defaults: dict[str, Any] = {"commit_confirmed": True}
        if self.tls_files is None:
            defaults["plaintext"] = True
        else:
            defaults["ca"] = str(self.tls_files.cert.resolve())
        if credentials_env is not None:
            defaults.update(username_env=credentials_env[0], password_env=credentials_env[1])
        document = {
            "defaults": defaults,
            "devices": {d.name: {"address": d.host, "port": d.port} for d in self},
        }
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(document, out, indent=2, sort_keys=True)
            out.write("\n")
        os.replace(tmp, target)

    # -- lifecycle ----------------------------------------------------------
    def start(self) -> SimFleet:
        """Open every device's port (and the gateway); returns self."""
        if self._loop is not None:
            return self
        credentials = self._server_credentials()
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, name="netdata-sim", daemon=True)
        self._thread.start()
        try:
            self.call(self._open_all(credentials))
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Close every port and stop the event loop (idempotent)."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        try:
            self.call(self._close_all())
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=10)
            loop.close()
            self._loop = self._thread = None
            if self._tmp is not None:
                self._tmp.cleanup()
                self._tmp = None

    def __enter__(self) -> SimFleet:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        """Run ``coro`` on the fleet's event loop and wait for its result."""
        if self._loop is None:
            coro.close()
            raise RuntimeError("the fleet is not running: call start() first")
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    # -- configuration ------------------------------------------------------
    def canonical(self, document: str | dict[str, Any], where: str) -> Config:
        """Validate a whole configuration; its canonical form (DocumentError if invalid)."""
        text = document if isinstance(document, str) else json.dumps(document)
        try:
            return _canonical_cached(self.schema.root, text)
        except GnmiError as exc:
            message = exc.message  # the reader's: "<_ANY>:2:2: duplicate key ..."
            if message.startswith(_ANY):
                message = where + message[len(_ANY) :]
            else:
                message = f"{where}: invalid configuration: {message}"
            raise DocumentError(message) from None

    # -- internals ----------------------------------------------------------
    def _server_credentials(self) -> grpc.ServerCredentials | None:
        if not self._tls:
            return None
        directory = self._tls_dir
        if directory is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="netdata-sim-tls-")
            directory = Path(self._tmp.name)
        self.tls_files = ensure_certificate(directory, self.host)
        return grpc.ssl_server_credentials(
            [(self.tls_files.key.read_bytes(), self.tls_files.cert.read_bytes())]
        )

    async def _open_all(self, credentials: grpc.ServerCredentials | None) -> None:
        capabilities = capability_response(self.schema)
        for index, dev in enumerate(self._devices.values()):
            service = GnmiService(self.schema, self._devices, dev, self._credentials, capabilities)
            port = self.base_port + index if self.base_port else 0
            endpoint = Endpoint(
                service, self.host, port, credentials, self.max_message_bytes
            )
            dev.attach(endpoint)
            await endpoint.open()
        if self._gateway_port is not None:
            service = GnmiService(self.schema, self._devices, None, self._credentials, capabilities)
            self._gateway = Endpoint(
                service, self.host, self._gateway_port, credentials, self.max_message_bytes
            )
            await self._gateway.open()

    async def _close_all(self) -> None:
        endpoints = [d.endpoint for d in self._devices.values() if d.endpoint is not None]
        if self._gateway is not None:
            endpoints.append(self._gateway)
        await asyncio.gather(*(e.close() for e in endpoints))


def start_fleet(devices: int | Sequence[str] | None = None, **options: Any) -> SimFleet:
    """Create and start a :class:`SimFleet` (stop it with ``.stop()`` or ``with``)."""
    return SimFleet(devices, **options).start()


_ANY = "the configuration"


@functools.lru_cache(maxsize=64)
def _canonical_cached(models: Path, text: str) -> Config:
    """Identical startup documents are validated once and share one configuration."""
    return canonical_config(load_schema(models), text, _ANY)


def _startup_documents(startup: Startup | None) -> dict[str, tuple[str, str | dict[str, Any]]]:
    """``{device: (where, document)}`` from a directory or a mapping."""
    if startup is None:
        return {}
    if isinstance(startup, Mapping):
        return {name: (f"device {name}", doc) for name, doc in startup.items()}
    directory = Path(startup)
    if not directory.is_dir():
        raise DocumentError(f"startup configuration directory {directory} does not exist")
    out: dict[str, tuple[str, str | dict[str, Any]]] = {}
    for path in sorted(directory.glob("*.json")):
        out[path.stem] = (str(path), read_text(path))
    if not out:
        raise DocumentError(f"no <device>.json files in {directory}")
    return out


def _device_names(devices: int | Sequence[str] | None, documents: Mapping[str, Any]) -> list[str]:
    if devices is None:
        return sorted(documents) or ["sim-0000"]
    if isinstance(devices, int):
        if devices < 1:
            raise SetupError(f"a fleet needs at least one device, not {devices}")
        width = max(4, len(str(devices - 1)))
        return [f"sim-{i:0{width}d}" for i in range(devices)]
    names = list(devices)
    if len(set(names)) != len(names) or not names:
        raise SetupError("device names must be unique and at least one")
    return names
