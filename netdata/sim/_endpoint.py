"""One listening gNMI port: a grpc.aio server that can be closed and reopened on the same port."""

from __future__ import annotations

import asyncio
from typing import Any

import grpc
from pygnmi.spec.v080 import gnmi_pb2_grpc

from netdata._exceptions import SetupError

# grpc enables SO_REUSEPORT by default, which lets two servers share a port
# silently; a simulated device must own its port.
_OPTIONS = (("grpc.so_reuseport", 0),)
DEFAULT_MAX_MESSAGE_BYTES = 256 * 2**20
"""Largest gRPC message a simulated device takes or sends (gRPC's own default, 4 MiB, is
smaller than a large router's whole configuration as JSON)."""


class Endpoint:
    """Serves ``service`` on ``host:port`` (port 0: a free port, kept across reopening)."""

    __slots__ = ("_restart", "_server", "credentials", "host", "max_message", "port", "service")

    def __init__(
        self,
        service: Any,
        host: str,
        port: int,
        credentials: grpc.ServerCredentials | None,
        max_message: int = DEFAULT_MAX_MESSAGE_BYTES,
    ) -> None:
        self.service = service
        self.max_message = max_message
        self.host = host
        self.port = port
        self.credentials = credentials
        self._server: Any = None
        self._restart: asyncio.Task[None] | None = None

    async def open(self) -> None:
        """Start listening (no-op if already open)."""
        if self._server is not None:
            return
        limits = (
            ("grpc.max_receive_message_length", self.max_message),
            ("grpc.max_send_message_length", self.max_message),
        )
        server = grpc.aio.server(options=(*_OPTIONS, *limits))
        gnmi_pb2_grpc.add_gNMIServicer_to_server(self.service, server)
        address = f"{self.host}:{self.port}"
        try:
            if self.credentials is None:
                port = server.add_insecure_port(address)
            else:
                port = server.add_secure_port(address, self.credentials)
        except RuntimeError as exc:
            raise SetupError(f"cannot listen on {address}: {exc}") from None
        if port == 0:
            raise SetupError(f"cannot listen on {address}: port in use or address unavailable")
        await server.start()
        self.port = port
        self._server = server

    async def close(self) -> None:
        """Stop listening and cut open connections (no-op if closed)."""
        server, self._server = self._server, None
        if server is not None:
            await server.stop(None)

    def restart_soon(self) -> None:
        """Cut every connection, then listen again on the same port (from the event loop)."""
        self._restart = asyncio.get_running_loop().create_task(self._reopen())

    async def _reopen(self) -> None:
        await self.close()
        await self.open()
