"""Source positions (``file:line:column``) of data paths in JSON or YAML documents.

Computed only for documents with errors: the text is composed by
:func:`netdata._documents.compose` (JSON is read as YAML flow style), keeping
each node's start mark, and the data path is followed through mappings
(member names with or without module prefix), list entries (JSON arrays,
matched by key predicates or position, or authoring-form maps keyed by the
key) and leaf-list indexes. When a step cannot be followed, the position of
the deepest node found is returned.
"""

from __future__ import annotations

import re
from typing import Any

from netdata._documents import compose

_STEP = re.compile(r"^(?P<name>[^\[\]]+)(?P<preds>(?:\[[^\]]*\])*)$")
_PRED = re.compile(r"\[([^\]]*)\]")


def _steps(path: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """``a/b[k=v][2]`` to ``[("a", []), ("b", [("k", "v"), ("2", None)])]``."""
    out: list[tuple[str, list[tuple[str, str | None]]]] = []
    for raw in _split(path):
        match = _STEP.match(raw)
        if match is None:
            break
        preds: list[tuple[str, str | None]] = []
        for body in _PRED.findall(match["preds"]):
            key, sep, value = body.partition("=")
            preds.append((key, value if sep else None))
        out.append((match["name"], preds))
    return out


def _split(path: str) -> list[str]:
    """Split on '/' outside predicates (key values may hold '/', e.g. prefixes)."""
    parts, depth, current = [], 0, ""
    for ch in path.strip("/"):
        if ch == "/" and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += ch == "["
        depth -= ch == "]"
        current += ch
    if current:
        parts.append(current)
    return parts


def _member(node: Any, name: str) -> tuple[Any, Any] | None:
    if getattr(node, "id", None) != "mapping":
        return None
    for key, value in node.value:
        text = str(key.value)
        if text == name or text.rpartition(":")[2] == name:
            return key, value
    return None


def _is_sequence(node: Any) -> bool:
    return getattr(node, "id", None) == "sequence"


def _same(text: str, wanted: str) -> bool:
    return text == wanted or text.rpartition(":")[2] == wanted


def _entry(node: Any, preds: list[tuple[str, str | None]]) -> Any:
    if _is_sequence(node):
        if len(preds) == 1 and preds[0][1] is None and preds[0][0].isdigit():
            index = int(preds[0][0]) - 1
            return node.value[index] if 0 <= index < len(node.value) else None
        for item in node.value:
            found = [(_member(item, k), v) for k, v in preds]
            if all(m is not None and v is not None and _same(str(m[1].value), v) for m, v in found):
                return item
        return None
    for _key, value in preds:  # authoring form: one map level per key
        hit = _member(node, value or "")
        if hit is None:
            return None
        node = hit[1]
    return node


def locate(text: str, paths: list[str]) -> list[tuple[int, int] | None]:
    """1-based (line, column) of the node at each path (or its deepest ancestor found)."""
    root = compose(text)
    return [_find(root, path) if root is not None else None for path in paths]


def _find(root: Any, path: str) -> tuple[int, int]:
    node = root
    mark = node.start_mark
    for name, preds in _steps(path):
        if name.isdigit() and _is_sequence(node):
            index = int(name)
            if index >= len(node.value):
                break
            node = node.value[index]
            mark = node.start_mark
            continue
        hit = _member(node, name)
        if hit is None:
            break
        mark, node = hit[0].start_mark, hit[1]
        if preds:
            entry = _entry(node, preds)
            if entry is None:
                break
            node = entry
            mark = node.start_mark
    return mark.line + 1, mark.column + 1
