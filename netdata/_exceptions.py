"""All netdata exceptions, in one hierarchy.

    NetdataError
    ├── UsageError            bad command-line arguments (exit status 2)
    ├── SetupError            a required tool is missing or unusable (exit status 2)
    │   └── CueNotFoundError, CueVersionError
    ├── CueError              `cue` ran and failed: command, exit code, stderr, diagnostics
    │   └── CueTimeoutError
    ├── SchemaError           YANG models could not be compiled or loaded
    ├── DocumentError         an input document could not be read or decoded
    ├── InventoryError        the source of truth could not be read
    ├── BuildError            a device configuration could not be built
    └── PushError             a device could not be configured

Every error's ``str()`` is a complete, human-readable message that names what
failed and where; it never contains secrets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


class NetdataError(Exception):
    """Base class of every error netdata raises on purpose."""


class UsageError(NetdataError):
    """The command line is wrong: a missing file argument, a value out of range, ..."""


class SetupError(NetdataError):
    """A tool netdata needs is missing, too old or misconfigured."""


class CueNotFoundError(SetupError):
    """The `cue` binary could not be found."""


class CueVersionError(SetupError):
    """The `cue` binary is older than the pinned minimum, or its version is unreadable."""


@dataclass(frozen=True)
class Position:
    """A source position reported by `cue`: ``file:line:col``."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class CueDiagnostic:
    """One error reported by `cue`.

    ``path`` is the CUE path of the failing value (``("a", "b")`` for ``a.b``),
    empty when cue reports no path (syntax errors, I/O errors).
    """

    message: str
    path: tuple[str, ...] = ()
    positions: tuple[Position, ...] = field(default_factory=tuple)

    @property
    def dotted_path(self) -> str:
        """The path as cue prints it (``a.b."Ethernet1/1"``)."""
        return ".".join(self.path)

    def __str__(self) -> str:
        head = f"{self.dotted_path}: {self.message}" if self.path else self.message
        if not self.positions:
            return head
        return head + "\n" + "\n".join(f"    {p}" for p in self.positions)


@dataclass(frozen=True)
class Problem:
    """One defect found in one document: data path, message, source position if known.

    Found by the RFC 7951 decoder, the cue batch and the post-checks alike;
    ``position`` (``file:line:column``) is added when the document's text is
    known. Public as ``netdata.schema.Problem`` and ``netdata.validate.ValidationError``.
    """

    path: str
    message: str
    position: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "message": self.message, "position": self.position}


class CueError(NetdataError):
    """`cue` exited with an error.

    Carries the command line (a list, never shell text), the exit code, the raw
    stderr and the parsed diagnostics.
    """

    def __init__(
        self,
        summary: str,
        *,
        command: Sequence[str] = (),
        returncode: int | None = None,
        stderr: str = "",
        diagnostics: Sequence[CueDiagnostic] = (),
    ) -> None:
        self.summary = summary
        self.command = tuple(command)
        self.returncode = returncode
        self.stderr = stderr
        self.diagnostics = tuple(diagnostics)
        super().__init__(str(self))

    def __str__(self) -> str:
        lines = [self.summary]
        if self.diagnostics:
            lines.extend(str(d) for d in self.diagnostics)
        elif self.stderr.strip():
            lines.append(self.stderr.strip())
        return "\n".join(lines)


class CueTimeoutError(CueError):
    """`cue` did not finish within its timeout and was killed."""


class SchemaError(NetdataError):
    """YANG models could not be found, compiled or loaded."""


class DocumentError(NetdataError):
    """An input document is unreadable, empty, too large or not JSON/YAML, or (from
    ``raise_for_status()`` of validate's results) invalid."""


class InventoryError(NetdataError):
    """The source of truth could not be read or its answer understood.

    Carries what is known of the failure: the ``url`` (never with credentials),
    the HTTP ``status``, the ``device`` and the file ``path`` involved.
    """

    def __init__(
        self,
        message: str,
        *,
        url: str | None = None,
        status: int | None = None,
        device: str | None = None,
        path: str | None = None,
    ) -> None:
        self.url = url
        self.status = status
        self.device = device
        self.path = path
        super().__init__(message)


class BuildError(NetdataError):
    """A device configuration could not be built."""


class PushError(NetdataError):
    """Configuration could not be pushed to a device."""
