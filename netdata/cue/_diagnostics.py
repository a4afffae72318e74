"""Parsing `cue` error output into structured diagnostics.

cue prints each error as a head line, ``path: message:``, followed by one
indented ``file:line:col`` line per source position involved (CUE files, YAML
and JSON data files, ``-`` for stdin). Syntax errors in YAML files come as a
single ``file:line: message`` line. Anything we do not recognise is kept
verbatim as a message, so nothing cue says is lost.
"""

from __future__ import annotations

import json
import re

from netdata._exceptions import CueDiagnostic, Position

_LABEL = r'(?:[#_$]*[A-Za-z0-9_$][\w$-]*|"(?:[^"\\]|\\.)*"|\d+)'
_HEAD_WITH_PATH = re.compile(rf"^(?P<path>{_LABEL}(?:\.{_LABEL})*): (?P<message>.*)$")
_INLINE_POSITION = re.compile(
    r"^(?P<file>[^\s:][^:]*):(?P<line>\d+)(?::(?P<col>\d+))?: (?P<message>.*)$"
)
_POSITION_LINE = re.compile(r"^\s+(?P<file>\S.*):(?P<line>\d+):(?P<col>\d+)$")
_SPLIT_LABELS = re.compile(rf"{_LABEL}")


def split_path(dotted: str) -> tuple[str, ...]:
    """Split a cue path such as ``a."b.c".d`` into its labels (quotes removed)."""
    labels = []
    for match in _SPLIT_LABELS.finditer(dotted):
        label = match.group(0)
        if label.startswith('"'):
            label = _unquote(label)
        labels.append(label)
    return tuple(labels)


def _unquote(quoted: str) -> str:
    """A quoted cue label's text: cue writes JSON's escapes (``\\n``, ``\\u0000``, ``\\"``)."""
    try:
        text = json.loads(quoted)
    except ValueError:
        return quoted[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return text if isinstance(text, str) else quoted[1:-1]


def parse_diagnostics(stderr: str) -> list[CueDiagnostic]:
    """Turn cue's stderr into diagnostics, one per error cue reported."""
    diagnostics: list[CueDiagnostic] = []
    message: str | None = None
    path: tuple[str, ...] = ()
    positions: list[Position] = []

    def flush() -> None:
        if message is not None:
            text = message[:-1] if message.endswith(":") and positions else message
            diagnostics.append(CueDiagnostic(text, path, tuple(positions)))

    for line in stderr.splitlines():
        if not line.strip():
            continue
        pos = _POSITION_LINE.match(line)
        if pos and message is not None:
            positions.append(Position(pos["file"], int(pos["line"]), int(pos["col"])))
            continue
        if line[:1].isspace() and message is not None:
            message += " " + line.strip()
            continue
        flush()
        positions = []
        path = ()
        inline = _INLINE_POSITION.match(line)
        head = _HEAD_WITH_PATH.match(line)
        if inline and ("/" in inline["file"] or "." in inline["file"]):
            positions.append(
                Position(
                    inline["file"],
                    int(inline["line"]),
                    int(inline["col"] or 0),
                )
            )
            message = inline["message"]
        elif head:
            path = split_path(head["path"])
            message = head["message"]
        else:
            message = line.strip()
    flush()
    return diagnostics
