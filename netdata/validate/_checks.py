"""Post-checks in Python, driven by the schema IR: leafref targets and ``when``.

These run on the authoring-form tree after (and independently of) the CUE
definitions. They are in Python rather than CUE because they reach across the
document (``/interfaces/interface/name`` from LLDP, BGP peer groups from
neighbors) and evaluate XPath; see docs/schema.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from netdata._exceptions import Problem
from netdata.schema._ir import Node, Schema
from netdata.schema._xpath import Cursor, Evaluator, Unsupported, cursor_path


def walk(
    evaluator: Evaluator,
    cursor: Cursor,
    relevant: Callable[[Node], bool],
    filled_keys: bool = True,
) -> Iterator[Cursor]:
    """Present nodes whose schema node is ``relevant``, plus leaves (and their
    containers) filled from list keys; each node before its descendants, in
    document order (one stack, no recursion: a generator per level made every
    node pass through every generator above it). ``filled_keys=False`` leaves out
    the key leaves whose leafref is the ``../config/<key>`` fill and that have no
    ``when`` (nothing about them is left to check after the key fill)."""
    memo = f"walk:{relevant.__module__}.{relevant.__qualname__}:{filled_keys}"
    todo = _below(evaluator, cursor, relevant, memo, filled_keys)
    todo.reverse()
    while todo:
        child = todo.pop()
        yield child
        if child.node.kind in ("container", "list"):
            below = _below(evaluator, child, relevant, memo, filled_keys)
            if below:
                below.reverse()
                todo += below


def _below(
    evaluator: Evaluator,
    cursor: Cursor,
    relevant: Callable[[Node], bool],
    memo: str,
    filled_keys: bool,
) -> list[Cursor]:
    """The children of ``cursor`` that :func:`walk` visits, in document order."""
    value = cursor.value
    if not isinstance(value, dict):
        return []
    node = cursor.node
    plan: tuple[dict[str, Node], list[str]] | None = node.memo.get(memo)
    if plan is None:
        fills = node.key_fill() if node.kind == "list" and not filled_keys else {}
        chosen = {
            name: c
            for name, c in node.children.items()
            if relevant(c) and not (name in fills and c.kind == "leaf" and not c.whens)
        }
        fill = node.key_fill().values() if node.kind == "list" else ()
        holders = [c for c in dict.fromkeys(c for c, _ in fill) if c in chosen]  # once each
        plan = node.memo[memo] = (chosen, holders)
    chosen, holders = plan
    if not chosen:
        return []
    names = [name for name in value if name in chosen]
    if cursor.keys:
        names += [k for k in cursor.keys if k not in value and k in chosen]
    if holders:
        names += [c for c in holders if c not in value]
    found: list[Cursor] = []
    children = evaluator.children
    for name in names:
        found += children(cursor, name)
    return found


def post_check_all(
    schema: Schema,
    trees: Sequence[dict[str, Any]],
    leafrefs: bool = True,
    unfilled: Sequence[frozenset[str]] = (),
) -> list[list[Problem]]:
    """:func:`post_check` of each tree (a job on plain data: it may run anywhere);
    ``unfilled``: per tree, the key-filled leaves its wire document lacks."""
    gaps = list(unfilled) or [frozenset()] * len(trees)
    return [post_check(schema, tree, leafrefs, gap) for tree, gap in zip(trees, gaps, strict=True)]


def post_check(
    schema: Schema,
    tree: dict[str, Any],
    leafrefs: bool = True,
    unfilled: frozenset[str] = frozenset(),
) -> list[Problem]:
    """Problems with ``when`` conditions and (if ``leafrefs``) leafref targets."""
    evaluator = Evaluator(schema, tree, unfilled)
    problems: list[Problem] = []
    cache: dict[str, set[str]] = {}
    for cursor in walk(evaluator, evaluator.root, _relevant, filled_keys=False):
        node = cursor.node
        for when in node.whens:
            context = cursor.parent if when.on_parent else cursor
            try:
                ok = evaluator.boolean(when.xpath, context or evaluator.root, when.module)
            except Unsupported:
                continue  # reported as a gap in the coverage report
            if not ok:
                condition = " ".join(when.xpath.split())
                problems.append(
                    Problem(cursor_path(cursor), f"when condition {condition!r} is not satisfied")
                )
        if node.kind in ("container", "list") and _guarded(node):
            problems += _absent_mandatory(evaluator, cursor)
        if leafrefs and node.type is not None and node.type.leafref is not None:
            if node.name in _filled_keys(cursor.parent):
                continue
            problem = _leafref(evaluator, cursor, node, cache)
            if problem is not None:
                problems.append(problem)
    return problems


def _relevant(node: Node) -> bool:
    """Whether ``node`` or a descendant has a ``when``, a leafref or a guarded container."""
    cached: bool | None = node.memo.get("relevant")
    if cached is None:
        cached = (
            bool(node.whens)
            or (node.type is not None and node.type.leafref is not None)
            or bool(_guarded(node))
            or any(_relevant(c) for c in node.children.values())
        )
        node.memo["relevant"] = cached
    return cached


def _mandatory_leaves(node: Node, path: str) -> list[str]:
    """Mandatory leaves reachable from ``node`` through non-presence containers."""
    out = []
    for child in node.children.values():
        if child.kind == "leaf" and child.required:
            out.append(f"{path}/{child.name}")
        elif child.implicit:
            out += _mandatory_leaves(child, f"{path}/{child.name}")
    return out


def _absent_mandatory(evaluator: Evaluator, cursor: Cursor) -> list[Problem]:
    """Absent non-presence containers guarded by ``when``: if the condition holds, the
    container exists implicitly and its mandatory leaves are required (the CUE
    definitions leave such containers optional because CUE cannot evaluate the
    condition)."""
    problems = []
    value = cursor.value if isinstance(cursor.value, dict) else {}
    for child, missing in _guarded(cursor.node):
        if child.name in value:
            continue
        virtual = Cursor(child, {}, cursor)
        try:
            holds = all(
                evaluator.boolean(w.xpath, cursor if w.on_parent else virtual, w.module)
                for w in child.whens
            )
        except Unsupported:
            continue
        if holds:
            base = cursor_path(virtual)
            problems += [
                Problem(base + leaf, "mandatory leaf is missing (its container's when holds)")
                for leaf in missing
            ]
    return problems


def _guarded(node: Node) -> list[tuple[Node, list[str]]]:
    """Children that are non-presence containers with ``when`` and mandatory leaves."""
    found: list[tuple[Node, list[str]]] | None = node.memo.get("guarded")
    if found is None:
        found = []
        for child in node.children.values():
            guarded = child.kind == "container" and bool(child.whens)
            if guarded and not (child.presence or child.in_choice):
                missing = _mandatory_leaves(child, "")
                if missing:
                    found.append((child, missing))
        node.memo["guarded"] = found
    return found


def _filled_keys(parent: Cursor | None) -> Mapping[str, object]:
    """Key leaves whose leafref is the ``../config/<key>`` fill (checked by CUE/decoder)."""
    if parent is None or parent.node.kind != "list":
        return _NONE
    return parent.node.key_fill()


_NONE: Mapping[str, object] = {}


def _leafref(
    evaluator: Evaluator, cursor: Cursor, node: Node, cache: dict[str, set[str]]
) -> Problem | None:
    assert node.type is not None and node.type.leafref is not None
    path = node.type.leafref
    cacheable = path.startswith("/") and "current()" not in path
    try:
        if cacheable and path in cache:
            targets = cache[path]
        else:
            found = evaluator.nodes(path, cursor, node.module)
            targets = {evaluator.text(t) for t in found}
            if cacheable:
                cache[path] = targets
    except Unsupported:
        return None
    value = evaluator.text(cursor)
    if value in targets:
        return None
    return Problem(
        cursor_path(cursor),
        f"leafref {value!r} has no target: no {path!r} with this value in the document",
    )
