"""The error a simulated device answers an RPC with: a gRPC status code and a message."""

from __future__ import annotations

import grpc


class GnmiError(Exception):
    """An RPC fails with ``code``; ``message`` names the path or payload at fault."""

    def __init__(self, code: grpc.StatusCode, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(f"{code.name}: {message}")
