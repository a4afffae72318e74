"""Post-checks of the constraints CUE's per-leaf definitions cannot hold.

``must`` (XPath, through :mod:`netdata.schema._xpath`, as ``when``), ``unique``
and ``min-elements``/``max-elements`` on lists (they compare list entries, and
the cue batch vets list entries apart), ``choice``/``case`` exclusivity,
mandatory choices and the mandatory leaves of the case that has data (cases are
flattened in the definitions), ``bits`` (each name declared, at most once) and
``binary`` (base64, the length in octets).
Each problem names the data path and the rule; expressions outside the
XPath subset are listed in the coverage report instead (see docs/schema.md).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from typing import Any

from netdata._exceptions import Problem
from netdata.schema._ir import Node, Schema, TypeInfo
from netdata.schema._xpath import Cursor, Evaluator, Unsupported, cursor_path
from netdata.validate._checks import post_check_all, walk

_BASE64 = re.compile(r"[A-Za-z0-9+/\s]*={0,2}\s*")


def check_all(
    schema: Schema,
    trees: Sequence[dict[str, Any]],
    leafrefs: bool = True,
    unfilled: Sequence[frozenset[str]] = (),
) -> list[list[Problem]]:
    """Every post-check of each tree: :func:`post_check_all` (leafrefs, ``when``) and
    :func:`check_constraints` (a job on plain data: it may run anywhere); ``unfilled``
    as for :func:`post_check_all`."""
    gaps = list(unfilled) or [frozenset()] * len(trees)
    checked = post_check_all(schema, trees, leafrefs, gaps)
    return [
        found + check_constraints(schema, tree, gap)
        for found, tree, gap in zip(checked, trees, gaps, strict=True)
    ]


def check_constraints(
    schema: Schema, tree: dict[str, Any], unfilled: frozenset[str] = frozenset()
) -> list[Problem]:
    """Problems with ``must``, ``unique``, list element counts, choices, bits and binary."""
    if not _relevant(schema.root):
        return []
    evaluator = Evaluator(schema, tree, unfilled)
    problems = _holder(evaluator, evaluator.root)
    for cursor in walk(evaluator, evaluator.root, _relevant):
        node = cursor.node
        for must in node.musts:
            try:
                ok = evaluator.boolean(must.xpath, cursor, must.module)
            except Unsupported:
                continue  # listed in the coverage report
            if not ok:
                rule = " ".join(must.xpath.split())
                reason = f": {must.message}" if must.message else ""
                message = f"must condition {rule!r} is not satisfied{reason}"
                problems.append(Problem(cursor_path(cursor), message))
        if node.type is not None:
            invalid = _value_problem(node.type, cursor.value)
            if invalid is not None:
                problems.append(Problem(cursor_path(cursor), invalid))
        elif node.kind in ("container", "list"):
            problems += _holder(evaluator, cursor)
    return problems


def missing_mandatory(
    schema: Schema, tree: dict[str, Any], unfilled: frozenset[str] = frozenset()
) -> list[Problem]:
    """Required leaves (:attr:`Node.required`) absent wherever their parent exists.

    cue names a missing required field only when its run has no other error, so
    a document with a bad value would not get its missing leaves from cue; this
    finds them all (it walks the whole tree: run it on invalid documents only).
    """
    evaluator = Evaluator(schema, tree, unfilled)
    problems: list[Problem] = []
    todo = [evaluator.root]
    while todo:
        cursor = todo.pop()
        value = cursor.value if isinstance(cursor.value, dict) else {}
        for child in cursor.node.children.values():
            if child.kind == "leaf":
                if child.required and child.name not in value and child.name not in cursor.keys:
                    path = f"{cursor_path(cursor).rstrip('/')}/{child.name}"
                    problems.append(Problem(path, "mandatory leaf is missing"))
            elif child.kind in ("container", "list") and (child.name in value or child.required):
                todo.extend(evaluator.children(cursor, child.name))
    return problems


def _holder(evaluator: Evaluator, cursor: Cursor) -> list[Problem]:
    """The rules a node checks over its children: choices and its lists' entries."""
    problems: list[Problem] = []
    value = cursor.value if isinstance(cursor.value, dict) else {}
    base = cursor_path(cursor).rstrip("/")
    for choice in cursor.node.choices:
        present = [case for case, names in choice.cases.items() if any(n in value for n in names)]
        if len(present) > 1:
            cases = " and ".join(repr(c) for c in present)
            problems.append(
                Problem(base or "/", f"choice {choice.name!r}: data for both cases {cases}")
            )
        elif not present and choice.mandatory:
            problems.append(
                Problem(f"{base}/{choice.name}", f"mandatory choice {choice.name!r} has no data")
            )
        elif present:
            problems += [
                Problem(
                    f"{base}/{name}", f"mandatory leaf is missing (case {present[0]!r} has data)"
                )
                for name in choice.cases[present[0]]
                if name not in value and _case_mandatory(cursor.node.children[name])
            ]
    for child in cursor.node.children.values():
        # at the top, like libyang, only the modules that have data are checked
        absent = child.name not in value and (cursor.parent is None or not child.min_elements)
        if child.kind != "list" or absent:
            continue
        entries = list(evaluator.children(cursor, child.name))
        problems += _counts(child, entries, f"{base}/{child.name}")
        for leaves in child.uniques:
            problems += _unique(evaluator, child, entries, leaves)
    return problems


def _case_mandatory(node: Node) -> bool:
    """A mandatory leaf of a case, required when its case has data (no ``when`` on it)."""
    return node.kind == "leaf" and node.mandatory and not node.whens


def _counts(node: Node, entries: list[Cursor], path: str) -> list[Problem]:
    """Too few entries (named at the list), too many (named at the first one too many)."""
    count = len(entries)
    if count < node.min_elements:
        return [Problem(path, f"too few entries: {count} (min-elements {node.min_elements})")]
    if node.max_elements is not None and count > node.max_elements:
        extra = cursor_path(entries[node.max_elements])
        return [Problem(extra, f"too many entries: {count} (max-elements {node.max_elements})")]
    return []


def _unique(
    evaluator: Evaluator, node: Node, entries: list[Cursor], leaves: list[str]
) -> list[Problem]:
    """Entries whose ``unique`` leaves are all present and equal to an earlier entry's."""
    problems = []
    first: dict[tuple[str, ...], Cursor] = {}
    for entry in entries:
        values = []
        for leaf in leaves:
            found = evaluator.nodes(leaf, entry, node.module)
            if not found:
                break
            values.append(evaluator.text(found[0]))
        else:
            earlier = first.setdefault(tuple(values), entry)
            if earlier is not entry:
                problems.append(
                    Problem(
                        cursor_path(entry),
                        f"unique {' '.join(leaves)!r} is not satisfied: "
                        f"the same values as {cursor_path(earlier)}",
                    )
                )
    return problems


def _value_problem(t: TypeInfo, value: Any) -> str | None:
    """Why a ``bits`` or ``binary`` value is invalid (None if it is valid)."""
    if not isinstance(value, str):
        return None  # the JSON kind is CUE's (and the decoder's) to report
    if t.base == "bits":
        seen: set[str] = set()
        for name in value.split():
            if name not in t.bits:
                return f"bits: {name!r} is not one of {' '.join(t.bits)}"
            if name in seen:
                return f"bits: {name!r} is set twice"
            seen.add(name)
        return None
    if t.base == "binary":
        if not _BASE64.fullmatch(value):
            return "binary: not base64"
        try:
            size = len(base64.b64decode("".join(value.split()), validate=True))
        except binascii.Error as exc:
            return f"binary: not base64 ({exc})"
        for alternatives in t.lengths:
            if not any(_within(size, low, high) for low, high in alternatives):
                allowed = " | ".join(lo if lo == hi else f"{lo}..{hi}" for lo, hi in alternatives)
                return f"binary: {size} octets, the length must be {allowed}"
    return None


def _within(size: int, low: str, high: str) -> bool:
    return (low == "min" or size >= int(low)) and (high == "max" or size <= int(high))


def _relevant(node: Node) -> bool:
    """Whether ``node`` or a descendant carries one of these constraints."""
    cached: bool | None = node.memo.get("constrained")
    if cached is None:
        own = bool(node.musts or node.choices) or (
            node.type is not None and node.type.base in ("bits", "binary")
        )
        lists = any(
            c.kind == "list" and (c.uniques or c.min_elements or c.max_elements is not None)
            for c in node.children.values()
        )
        cached = own or lists or any(_relevant(c) for c in node.children.values())
        node.memo["constrained"] = cached
    return cached
