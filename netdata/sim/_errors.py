"""The error a simulated device answers an RPC with, and the one mapping of exceptions to it.

:func:`status_error` turns whatever a request's handling raised into the gRPC
status the client sees: a :class:`GnmiError` as it is, a malformed request
(undecodable JSON or protobuf, invalid UTF-8, nesting too deep) as
``INVALID_ARGUMENT`` with a short message, anything else (a bug of the
simulator) as ``INTERNAL`` naming only the exception's type, never ``UNKNOWN``
with Python's exception text. Messages are bounded
(:data:`MAX_MESSAGE`): gRPC carries them in metadata, whose size is limited.
"""

from __future__ import annotations

import grpc
from google.protobuf.message import DecodeError  # type: ignore[import-untyped]

from netdata._exceptions import DocumentError

MAX_MESSAGE = 1_000
"""Characters of an error message at most (an echoed path or value is cut in the middle)."""


def shorten(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text`` cut in the middle to at most ``limit`` characters."""
    if len(text) <= limit:
        return text
    keep = (limit - 5) // 2
    return f"{text[:keep]} ... {text[-keep:]}"


class GnmiError(Exception):
    """An RPC fails with ``code``; ``message`` names the path or payload at fault."""

    def __init__(self, code: grpc.StatusCode, message: str) -> None:
        self.code = code
        self.message = shorten(message)
        super().__init__(f"{code.name}: {self.message}")


def status_error(exc: Exception) -> GnmiError:
    """The gRPC status for an exception raised while serving a request."""
    invalid = grpc.StatusCode.INVALID_ARGUMENT
    if isinstance(exc, GnmiError):
        return exc
    if isinstance(exc, DocumentError):
        return GnmiError(invalid, str(exc))
    if isinstance(exc, RecursionError):
        return GnmiError(invalid, "the request is nested too deeply")
    if isinstance(exc, UnicodeError):
        return GnmiError(invalid, "the request holds text that is not valid UTF-8")
    if isinstance(exc, DecodeError):
        return GnmiError(invalid, "the request holds a malformed protobuf message")
    return GnmiError(grpc.StatusCode.INTERNAL, f"internal error ({type(exc).__name__})")
