"""Vetting many authoring-form trees against ``#Root`` in few cue runs.

``#Root`` has no constraint across top-level nodes, nor across the entries of
a list (cross-tree leafrefs are post-checks), and within a piece it checks
each leaf on its own (type, range, pattern, set) besides the structure (closed
definitions, required fields, map keys). So the trees are cut into pieces (a
top-level subtree, or an entry of a list that is all its top-level container
holds, such as ``interfaces/interface``), and pieces with the same **shape**
(the same leaf paths, list keys included) are vetted together: the first one
whole, which checks the structure, then only the leaf values that no earlier
unit of that shape held (plus the required leaves, so the structure stays
complete). Each distinct value at each path is so checked by cue once, and its
error goes to every document holding that value there. Units of different
pieces are merged into one tree per cue document (``docs: "0": ...``, unified
with ``docs: [string]: #Root``), sharded by size over parallel cue runs. An
error that is not at a leaf of its unit (a missing required field, say) makes
every piece of that shape be vetted again whole, so errors stay exact per
document. cue's error paths are mapped back to data paths through the schema
metadata.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from netdata._exceptions import CueError, Problem
from netdata.cue import Cue
from netdata.schema._build import SchemaBuild
from netdata.schema._emit_cue import PACKAGE, ROOT
from netdata.schema._ir import Node, Schema
from netdata.schema._paths import authoring_path

SHARD_BYTES = 1_500_000
"""JSON bytes per cue run (about 50 large leaf configs): cue's time grows faster
than linearly with its input, and each run costs about 0.1 s to start."""
_DOCS = "docs"
_MAX_FACTS = 200_000
T = TypeVar("T")
_ANY_STRING = ("any string",)
_DISJUNCTION = re.compile(r"^\d+ errors in empty disjunction:?$")

Labels = tuple[str, ...]
Errors = list[tuple[Labels, str | None]]
"""cue's errors in one unit: label path below the unit, message (None: say nothing)."""


@dataclass
class _Shape:
    """Pieces with the same leaf paths: distinct values per path, and who holds which."""

    root: Labels
    paths: list[Labels]
    required: list[bool]
    any_string: list[bool]
    """Paths where cue accepts every string: all strings there share one check."""
    values: list[list[Any]] = field(default_factory=list)
    seen: list[dict[Any, int]] = field(default_factory=list)
    members: list[tuple[int, tuple[int, ...]]] = field(default_factory=list)
    lookup: dict[Labels, int] = field(default_factory=dict)
    varying: list[int] | None = None

    def add(self, tree: int, values: list[Any]) -> None:
        picks = []
        for value, seen, distinct, free in zip(
            values, self.seen, self.values, self.any_string, strict=True
        ):
            kind = type(value)  # _value_key's common cases written out: every leaf passes here
            if kind is str:
                key = _ANY_STRING if free else (kind, value)
            elif kind is int or kind is bool or kind is float:
                key = (kind, value)
            else:
                key = _value_key(value)
            pick = seen.get(key)
            if pick is None:
                pick = seen[key] = len(distinct)
                distinct.append(value)
            picks.append(pick)
        self.members.append((tree, tuple(picks)))

    def width(self) -> int:
        """How many units this shape needs: the most distinct values at one path."""
        return max((len(v) for v in self.values), default=1)

    def unit(self, k: int) -> dict[int, int]:
        """Unit ``k``: position -> value index; the first unit is a whole piece."""
        if k == 0:
            return dict.fromkeys(range(len(self.paths)), 0)
        if self.varying is None:  # all values are in by now
            self.varying = [p for p, v in enumerate(self.values) if len(v) > 1 or self.required[p]]
        return {
            p: (k if k < len(self.values[p]) else 0)
            for p in self.varying
            if k < len(self.values[p]) or self.required[p]
        }

    def position(self, labels: Labels) -> int | None:
        """The leaf position that ``labels`` is at or under."""
        if not self.lookup:
            self.lookup = {tuple(map(str, p)): i for i, p in enumerate(self.paths)}
        for end in range(len(self.root), len(labels) + 1):
            found = self.lookup.get(labels[:end])
            if found is not None:
                return found
        return None


def vet_trees(
    build: SchemaBuild,
    trees: Sequence[dict[str, Any]],
    cue: Cue,
    jobs: int,
    meanwhile: Callable[[], T],
) -> tuple[dict[int, list[Problem]], T]:
    """Problems cue finds in each tree (by index), and the result of ``meanwhile``,
    which runs in this thread while the first cue runs do (a job on plain data,
    such as the post-checks)."""
    shapes = _shapes(trees, build.schema)
    at_leaves: list[tuple[int, int, int, Labels, str | None]] = []
    again: set[int] = set()
    todo = [(s, k) for s, shape in enumerate(shapes) for k in range(shape.width())]
    side: list[T] = []  # the result of meanwhile, once it ran
    while todo:
        units, parts = _merge(shapes, todo)
        quiet: list[tuple[int, int]] = []
        found, ran = _run_cue(build.cue_source, units, cue, jobs, None if side else meanwhile)
        side += ran
        for unit, errors in found.items():
            failed: set[tuple[int, int]] = set()
            for labels, message in errors:
                part, position = _owner(shapes, parts[unit], labels)
                if part is None:  # not below any piece: vet them all whole
                    again.update(s for s, _ in parts[unit])
                    failed.update(parts[unit])
                    continue
                failed.add(part)
                if position is None:
                    again.add(part[0])
                    continue
                pick = shapes[part[0]].unit(part[1])[position]
                at_leaves.append((part[0], position, pick, labels, message))
            quiet += [p for p in parts[unit] if p not in failed]
        # cue reports a missing required field only when its run has no other
        # error: the units that shared a tree with a failing one are vetted again.
        todo = [p for p in quiet if p[0] not in again]
    per_tree: dict[int, dict[Labels, list[str]]] = {}
    for shape, position, pick, labels, message in at_leaves:
        if shape not in again:
            for tree, picks in shapes[shape].members:
                if picks[position] == pick:
                    _note(per_tree, tree, labels, message)
    if again:  # exact: every distinct piece of these shapes whole
        pieces, owners = _whole(shapes, sorted(again))
        for unit, errors in _run_cue(build.cue_source, pieces, cue, jobs, None)[0].items():
            for labels, message in errors:
                for tree in owners[unit]:
                    _note(per_tree, tree, labels, message)
    problems = {
        tree: [
            Problem(authoring_path(build.schema.root, labels), " | ".join(m) or _NO_MATCH)
            for labels, m in grouped.items()
        ]
        for tree, grouped in per_tree.items()
    }
    return problems, side[0] if side else meanwhile()


_NO_MATCH = "no allowed value matches"


def _note(
    found: dict[int, dict[Labels, list[str]]], tree: int, labels: Labels, message: str | None
) -> None:
    messages = found.setdefault(tree, {}).setdefault(labels, [])
    if message and message not in messages:
        messages.append(message)


def _owner(
    shapes: list[_Shape], parts: list[tuple[int, int]], labels: Labels
) -> tuple[tuple[int, int] | None, int | None]:
    """The part (shape, unit) an error is in, and the leaf position it is at (None: not at one)."""
    for shape, k in parts:
        root = shapes[shape].root
        if labels[: len(root)] == tuple(map(str, root)):
            position = shapes[shape].position(labels)
            if position is None or position not in shapes[shape].unit(k):
                return (shape, k), None
            return (shape, k), position
    return None, None


def _shapes(trees: Sequence[dict[str, Any]], schema: Schema) -> list[_Shape]:
    """Cut the trees into pieces and group the pieces by shape."""
    by_key: dict[tuple[Labels, tuple[Labels, ...]], _Shape] = {}
    for index, tree in enumerate(trees):
        for name, subtree in tree.items():
            for root, piece in _pieces(schema.root.children.get(name), name, subtree):
                paths: list[Labels] = []
                values: list[Any] = []
                _flatten(schema.root, piece, (), paths, values)
                key = (root, tuple(paths))
                shape = by_key.get(key)
                if shape is None:
                    facts = [_facts(schema.root, p) for p in paths]
                    shape = by_key[key] = _Shape(
                        root, paths, [f[0] for f in facts], [f[1] for f in facts]
                    )
                    shape.values = [[] for _ in paths]
                    shape.seen = [{} for _ in paths]
                shape.add(index, values)
    return list(by_key.values())


def _pieces(node: Node | None, name: str, subtree: Any) -> list[tuple[Labels, dict[str, Any]]]:
    """One piece per list entry if the top-level container holds only keyed lists."""
    whole: list[tuple[Labels, dict[str, Any]]] = [((name,), {name: subtree})]
    if node is None or node.kind != "container" or not isinstance(subtree, dict) or not subtree:
        return whole
    lists = {k: node.children.get(k) for k in subtree}
    if not all(c is not None and c.kind == "list" and c.keys for c in lists.values()):
        return whole
    out: list[tuple[Labels, dict[str, Any]]] = []
    for list_name, child in lists.items():
        assert child is not None
        for path, entry in _leaves(subtree[list_name], len(child.keys)):
            nested: Any = entry
            for key in reversed(path):
                nested = {key: nested}
            out.append(((name, list_name, *path), {name: {list_name: nested}}))
    return out or whole


def _leaves(level: Any, depth: int) -> list[tuple[list[str], Any]]:
    """The entries of a map keyed ``depth`` levels deep, with their key paths."""
    if depth == 0 or not isinstance(level, dict) or not level:
        return [([], level)]
    return [([k, *path], v) for k, sub in level.items() for path, v in _leaves(sub, depth - 1)]


def _flatten(
    node: Node | None, value: Any, path: Labels, paths: list[Labels], values: list[Any]
) -> None:
    """The leaves of ``value`` (values that are not a non-empty mapping of schema nodes)."""
    if _inner(node, value):
        assert node is not None
        if node.kind == "list":
            _entries(node, value, path, len(node.keys), paths, values)
            return
        _members(node, value, path, paths, values)
        return
    paths.append(path)
    values.append(value)


def _inner(node: Node | None, value: Any) -> bool:
    """Whether ``value`` is flattened further: a non-empty mapping of a container or a
    keyed list (anything else is a leaf of the piece, whatever it holds)."""
    return (
        node is not None
        and bool(value)
        and isinstance(value, dict)
        and (node.kind in ("container", "root") or (node.kind == "list" and bool(node.keys)))
    )


def _members(
    node: Node, value: dict[str, Any], path: Labels, paths: list[Labels], values: list[Any]
) -> None:
    """:func:`_flatten` of each member of a container (leaves taken here: most are)."""
    inner: dict[str, Node] | None = node.memo.get("flatten-inner")
    if inner is None:  # the children _inner flattens further, once per schema node
        inner = node.memo["flatten-inner"] = {
            name: c
            for name, c in node.children.items()
            if c.kind in ("container", "root") or (c.kind == "list" and bool(c.keys))
        }
    for name, child in value.items():
        # _flatten and _inner, written out: this loop sees every leaf of every piece
        if child and type(child) is dict:
            sub = inner.get(name)
            if sub is not None:
                if sub.kind == "list":
                    _entries(sub, child, (*path, name), len(sub.keys), paths, values)
                else:
                    _members(sub, child, (*path, name), paths, values)
                continue
        paths.append((*path, name))
        values.append(child)


def _entries(
    node: Node, level: Any, path: Labels, depth: int, paths: list[Labels], values: list[Any]
) -> None:
    if depth == 0 and level and isinstance(level, dict):
        _members(node, level, path, paths, values)
    elif depth == 0 or not level or not isinstance(level, dict):
        paths.append(path)
        values.append(level)
    else:
        for key, sub in level.items():
            _entries(node, sub, (*path, key), depth - 1, paths, values)


def _leaf(root: Node, path: Labels) -> tuple[Node | None, set[str]]:
    """The leaf at ``path`` (None if ``path`` is not one) and the keys of its nearest list."""
    node: Node | None = root
    keys: set[str] = set()
    step = 0
    while node is not None and step < len(path):
        node = node.children.get(path[step])
        if node is not None and node.kind == "list":
            keys = set(node.keys)
        step += 1 + (len(node.keys) if node is not None and node.kind == "list" else 0)
    if node is None or step != len(path) or node.kind != "leaf":
        return None, keys
    return node, keys


def _facts(root: Node, path: Labels) -> tuple[bool, bool]:
    """:func:`_required` and :func:`_any_string` of ``path``, once per path (the same
    leaf paths recur in many shapes)."""
    known: dict[Labels, tuple[bool, bool]] = root.memo.setdefault("leaf-facts", {})
    found = known.get(path)
    if found is None:
        if len(known) >= _MAX_FACTS:  # paths hold list keys: bound a long-lived process
            known.clear()
        found = known[path] = (_required(root, path), _any_string(root, path))
    return found


def _required(root: Node, path: Labels) -> bool:
    """Whether the leaf at ``path`` is a required field (``!``) in ``#Root``."""
    node, _keys = _leaf(root, path)
    return node is not None and node.required


def _any_string(root: Node, path: Labels) -> bool:
    """Whether ``#Root`` accepts every string at ``path``: a plain ``string`` leaf (no
    pattern, no length) that is not a list key nor filled from one (``config/name``)."""
    node, keys = _leaf(root, path)
    t = node.type if node is not None else None
    return (
        node is not None
        and t is not None
        and t.base == "string"
        and not t.patterns
        and not t.lengths
        and node.name not in keys
    )


def _value_key(value: Any) -> Any:
    """A hashable stand-in that tells ``1``, ``1.0`` and ``True`` apart."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or kind is float:
        return (kind, value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, default=str)
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return (type(value), value)


def _merge(
    shapes: list[_Shape], todo: list[tuple[int, int]]
) -> tuple[list[dict[str, Any]], list[list[tuple[int, int]]]]:
    """Trees to vet, each holding units of several pieces, and which (shape, unit) each holds.

    Units of pieces at the same root go into different trees; a root that is a
    prefix of another one (an empty list next to its entries) gets trees of its own.
    """
    by_root: dict[Labels, list[tuple[int, int]]] = {}
    for s, k in todo:
        by_root.setdefault(shapes[s].root, []).append((s, k))
    nested = {r[:end] for r in by_root for end in range(1, len(r))}
    parts: list[list[tuple[int, int]]] = []
    for root, units in by_root.items():
        if root in nested:
            parts += [[u] for u in units]
    shared = [units for root, units in by_root.items() if root not in nested]
    depth = max((len(u) for u in shared), default=0)
    parts += [[u[m] for u in shared if m < len(u)] for m in range(depth)]
    trees = []
    for held in parts:
        tree: dict[str, Any] = {}
        for s, k in held:
            shape = shapes[s]
            for position, pick in shape.unit(k).items():
                _put(tree, shape.paths[position], shape.values[position][pick])
        trees.append(tree)
    return trees, parts


def _put(tree: dict[Any, Any], path: Labels, value: Any) -> None:
    for label in path[:-1]:
        tree = tree.setdefault(label, {})
    tree[path[-1]] = value


def _whole(shapes: list[_Shape], chosen: list[int]) -> tuple[list[dict[str, Any]], list[list[int]]]:
    """Every distinct piece of the ``chosen`` shapes, whole, and the trees holding each."""
    index_of: dict[str, int] = {}
    pieces: list[dict[str, Any]] = []
    owners: list[list[int]] = []
    for s in chosen:
        shape = shapes[s]
        for tree, picks in shape.members:
            piece: dict[str, Any] = {}
            for position, pick in enumerate(picks):
                _put(piece, shape.paths[position], shape.values[position][pick])
            key = json.dumps(piece, default=str)
            unit = index_of.get(key)
            if unit is None:
                unit = index_of[key] = len(pieces)
                pieces.append(piece)
                owners.append([])
            owners[unit].append(tree)
    return pieces, owners


def _run_cue(
    cue_source: str,
    trees: list[dict[str, Any]],
    cue: Cue,
    jobs: int,
    meanwhile: Callable[[], T] | None,
) -> tuple[dict[int, Errors], list[T]]:
    """Vet ``trees`` in shards; a second pass finds missing mandatory leaves.

    cue reports "required but not present" (an incomplete value) only when a
    run has no other error, so trees without errors in a failing shard are
    vetted again on their own. ``meanwhile`` runs in this thread while the
    first pass runs. Returns the errors by tree index, and ``[meanwhile()]``.
    """
    texts = [json.dumps(t, default=str) for t in trees]
    found: dict[int, Errors] = {}
    shards = _shards(list(range(len(trees))), texts)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(_vet, cue_source, texts, s, cue) for s in shards]
        ran = [] if meanwhile is None else [meanwhile()]
        while futures:
            outcomes = [f.result() for f in futures]
            retry: list[int] = []
            for shard, problems in zip(shards, outcomes, strict=True):
                for unit, errors in problems.items():
                    found.setdefault(unit, []).extend(errors)
                if problems:
                    retry += [i for i in shard if i not in problems]
            shards = _shards(retry, texts)
            futures = [pool.submit(_vet, cue_source, texts, s, cue) for s in shards]
    return found, ran


def _shards(units: list[int], texts: list[str]) -> list[list[int]]:
    """Consecutive groups of about :data:`SHARD_BYTES` of JSON each."""
    shards: list[list[int]] = []
    total = SHARD_BYTES
    for unit in units:
        if total >= SHARD_BYTES:
            shards.append([])
            total = 0
        shards[-1].append(unit)
        total += len(texts[unit])
    return shards


def _vet(cue_source: str, texts: list[str], shard: list[int], cue: Cue) -> dict[int, Errors]:
    """One cue run (a job on plain data): the trees ``shard`` of ``texts`` against ``#Root``."""
    data = ",".join(f'"{i}":{texts[i]}' for i in shard)
    files = {
        "schema.cue": cue_source,
        "docs.cue": f"package {PACKAGE}\n\n{_DOCS}: [string]: {ROOT}\n",
        "data.json": f'{{"{_DOCS}":{{{data}}}}}',
    }
    try:
        cue.vet(files=files, all_errors=True)
    except CueError as exc:
        return _map_errors(exc, set(shard))
    return {}


def _map_errors(exc: CueError, shard: set[int]) -> dict[int, Errors]:
    """cue's diagnostics by tree: label path below the tree, cleaned message."""
    out: dict[int, Errors] = {}
    for diag in exc.diagnostics:
        path = diag.path
        if len(path) < 2 or path[0] != _DOCS or not path[1].isdigit() or int(path[1]) not in shard:
            raise exc
        message = _clean(diag.message)
        keep = message if message and not _DISJUNCTION.match(message) else None
        out.setdefault(int(path[1]), []).append((tuple(path[2:]), keep))
    if not out:
        raise exc
    return out


def _clean(message: str) -> str:
    """Drop cue's mention of our temporary file names from a message."""
    return message.replace("./", "").strip()
