"""Human output of push: a compact ``+ - ~`` tree per device and the summary table."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from netdata.push._device import STATUSES, DeviceResult
from netdata.push._diff import Change

_COLOURS = {"+": "\033[32m", "-": "\033[31m", "~": "\033[33m"}
_RESET = "\033[0m"


def render_changes(changes: Sequence[Change], *, colour: bool = False) -> list[str]:
    """The changes as an indented tree; a list entry whose changes are all ``+`` (or all
    ``-``) is one line with its leaf count."""
    lines: list[str] = []
    shown: tuple[str, ...] = ()
    index = 0
    while index < len(changes):
        change = changes[index]
        fold = _foldable(changes, index)
        if fold is not None:
            depth, count = fold
            head = change.segments[:depth]
            word = "added" if change.op == "+" else "removed"
            lines.extend(_parents(shown, head[:-1]))
            lines.append(_line(change.op, depth - 1, f"{head[-1]}: {count} leaves {word}", colour))
            shown, index = head[:-1], index + count
            continue
        parent = change.segments[:-1]
        lines.extend(_parents(shown, parent))
        lines.append(_line(change.op, len(parent), _leaf_text(change), colour))
        shown, index = parent, index + 1
    return lines


def _foldable(changes: Sequence[Change], index: int) -> tuple[int, int] | None:
    """(depth of the outermost list entry, number of changes) if every change under it
    from ``index`` on has the same op ``+``/``-``."""
    change = changes[index]
    if change.op == "~":
        return None
    for depth, segment in enumerate(change.segments, start=1):
        if not segment.endswith("]") or depth == len(change.segments):
            continue
        head = change.segments[:depth]
        count = 0
        while index + count < len(changes) and changes[index + count].segments[:depth] == head:
            if changes[index + count].op != change.op:
                return None
            count += 1
        return (depth, count) if count > 1 else None
    return None


def _parents(shown: tuple[str, ...], parent: tuple[str, ...]) -> list[str]:
    common = 0
    while common < min(len(shown), len(parent)) and shown[common] == parent[common]:
        common += 1
    return [f"  {'  ' * depth}{parent[depth]}" for depth in range(common, len(parent))]


def _line(op: str, depth: int, text: str, colour: bool) -> str:
    line = f"{op} {'  ' * depth}{text}"
    return f"{_COLOURS[op]}{line}{_RESET}" if colour else line


def _leaf_text(change: Change) -> str:
    name = change.segments[-1]
    if change.op == "+":
        return f"{name}: {_value(change.new)}"
    if change.op == "-":
        return f"{name}: {_value(change.old)}"
    return f"{name}: {_value(change.old)} -> {_value(change.new)}"


def _value(value: Any) -> str:
    text = json.dumps(value, separators=(",", ":"))
    return text if len(text) <= 80 else text[:77] + "..."


def render_summary(results: Sequence[DeviceResult], *, stopped: str | None = None) -> list[str]:
    """The table of per-device results, then the counts."""
    rows = [("device", "result", "changes", "time", "message")]
    for r in results:
        rows.append((r.device, r.status, str(len(r.changes)), f"{r.seconds:.2f}s", r.message))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row[:4], widths, strict=True)) + "  " + row[4]
        for row in rows
    ]
    counts = {s: sum(r.status == s for r in results) for s in STATUSES}
    lines.append(", ".join(f"{n} {s}" for s, n in counts.items() if n or s != "would-change"))
    if stopped:
        lines.append(f"run {stopped}")
    return [line.rstrip() for line in lines]
