"""Vetting many authoring-form trees against ``#Root`` in few cue runs.

The trees are cut into pieces that ``#Root`` checks independently, each
distinct piece is vetted once, the pieces go into one JSON input keyed by
index (``docs: "0": ...``) unified with ``docs: [string]: #Root``, sharded by
size over parallel cue runs, and cue's error paths are mapped back to data
paths through the schema metadata.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from netdata._exceptions import CueError
from netdata.cue import Cue
from netdata.schema._build import SchemaBuild
from netdata.schema._emit_cue import PACKAGE, ROOT
from netdata.schema._ir import Node, Schema
from netdata.schema._paths import authoring_path
from netdata.schema._wire import Problem

SHARD_BYTES = 1_500_000
"""JSON bytes per cue run (about 50 large leaf configs): cue's time grows faster
than linearly with its input, and each run costs about 0.1 s to start."""
_DOCS = "docs"
_DISJUNCTION = re.compile(r"^\d+ errors in empty disjunction:?$")


def vet_trees(
    build: SchemaBuild,
    trees: Sequence[dict[str, Any]],
    cue: Cue,
    jobs: int,
    meanwhile: Callable[[], None],
) -> dict[int, list[Problem]]:
    """Problems cue finds in each tree (by index); ``meanwhile`` runs during the cue runs."""
    pieces, owners, sizes = _units(trees, build.schema)
    found: dict[int, list[Problem]] = {}
    for unit, problems in _run_cue(build, pieces, sizes, cue, jobs, meanwhile).items():
        for index in owners[unit]:
            found.setdefault(index, []).extend(problems)
    return found


def _units(
    trees: Sequence[dict[str, Any]], schema: Schema
) -> tuple[list[dict[str, Any]], list[list[int]], list[int]]:
    """Split documents into pieces that ``#Root`` checks independently; each distinct once.

    ``#Root`` has no constraint across top-level nodes, nor across the entries
    of a list (cross-tree leafrefs are post-checks), so a top-level subtree,
    or an entry of a list that is all its top-level container holds (such as
    ``interfaces/interface``), that is shared by many documents needs to be
    vetted only once. Returns the distinct pieces (trees with the same paths
    as in the document), for each the documents that hold it, and its size.
    """
    index_of: dict[str, int] = {}
    pieces: list[dict[str, Any]] = []
    owners: list[list[int]] = []
    sizes: list[int] = []
    for index, tree in enumerate(trees):
        for name, subtree in tree.items():
            for piece in _pieces(schema.root.children.get(name), name, subtree):
                key = json.dumps(piece, default=str)
                unit = index_of.get(key)
                if unit is None:
                    unit = index_of[key] = len(pieces)
                    pieces.append(piece)
                    owners.append([])
                    sizes.append(len(key))
                owners[unit].append(index)
    return pieces, owners, sizes


def _pieces(node: Node | None, name: str, subtree: Any) -> list[dict[str, Any]]:
    """One piece per list entry if the top-level container holds only keyed lists."""
    if node is None or node.kind != "container" or not isinstance(subtree, dict) or not subtree:
        return [{name: subtree}]
    lists = {k: node.children.get(k) for k in subtree}
    if not all(c is not None and c.kind == "list" and c.keys for c in lists.values()):
        return [{name: subtree}]
    out: list[dict[str, Any]] = []
    for list_name, child in lists.items():
        assert child is not None
        for path, entry in _leaves(subtree[list_name], len(child.keys)):
            nested: Any = entry
            for key in reversed(path):
                nested = {key: nested}
            out.append({name: {list_name: nested}})
    return out or [{name: subtree}]


def _leaves(level: Any, depth: int) -> list[tuple[list[str], Any]]:
    """The entries of a map keyed ``depth`` levels deep, with their key paths."""
    if depth == 0 or not isinstance(level, dict) or not level:
        return [([], level)]
    return [([k, *path], v) for k, sub in level.items() for path, v in _leaves(sub, depth - 1)]


def _run_cue(
    build: SchemaBuild,
    trees: list[dict[str, Any]],
    sizes: list[int],
    cue: Cue,
    jobs: int,
    meanwhile: Callable[[], None],
) -> dict[int, list[Problem]]:
    """Vet ``trees`` in shards; a second pass finds missing mandatory leaves.

    cue reports "required but not present" (an incomplete value) only when a
    run has no other error, so trees without errors in a failing shard are
    vetted again on their own. ``meanwhile`` runs in this thread while the
    first pass runs. Returns the errors by tree index.
    """
    found: dict[int, list[Problem]] = {}
    shards = _shards(list(range(len(trees))), sizes)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(_vet, build, trees, s, cue) for s in shards]
        meanwhile()
        while futures:
            outcomes = [f.result() for f in futures]
            retry: list[int] = []
            for shard, problems in zip(shards, outcomes, strict=True):
                for unit, errors in problems.items():
                    found.setdefault(unit, []).extend(errors)
                if problems:
                    retry += [i for i in shard if i not in problems]
            shards = _shards(retry, sizes)
            futures = [pool.submit(_vet, build, trees, s, cue) for s in shards]
    return found


def _shards(units: list[int], sizes: list[int]) -> list[list[int]]:
    """Consecutive groups of about :data:`SHARD_BYTES` of JSON each."""
    shards: list[list[int]] = []
    total = SHARD_BYTES
    for unit in units:
        if total >= SHARD_BYTES:
            shards.append([])
            total = 0
        shards[-1].append(unit)
        total += sizes[unit]
    return shards


def _vet(
    build: SchemaBuild, trees: list[dict[str, Any]], shard: list[int], cue: Cue
) -> dict[int, list[Problem]]:
    data = {_DOCS: {str(i): trees[i] for i in shard}}
    files = {
        "schema.cue": build.cue_source,
        "docs.cue": f"package {PACKAGE}\n\n{_DOCS}: [string]: {ROOT}\n",
        "data.json": json.dumps(data, default=str),
    }
    try:
        cue.vet(files=files, all_errors=True)
    except CueError as exc:
        return _map_errors(exc, build.schema, set(shard))
    return {}


def _map_errors(exc: CueError, schema: Schema, shard: set[int]) -> dict[int, list[Problem]]:
    """Group cue's diagnostics by tree and data path (one error per path)."""
    grouped: dict[tuple[int, str], list[str]] = {}
    for diag in exc.diagnostics:
        path = diag.path
        if len(path) < 2 or path[0] != _DOCS or not path[1].isdigit() or int(path[1]) not in shard:
            raise exc
        key = (int(path[1]), authoring_path(schema.root, path[2:]))
        message = _clean(diag.message)
        messages = grouped.setdefault(key, [])
        if message and message not in messages and not _DISJUNCTION.match(message):
            messages.append(message)
    if not grouped:
        raise exc
    out: dict[int, list[Problem]] = {}
    for (index, data_path), messages in grouped.items():
        text = " | ".join(messages) if messages else "no allowed value matches"
        out.setdefault(index, []).append(Problem(data_path, text))
    return out


def _clean(message: str) -> str:
    """Drop cue's mention of our temporary file names from a message."""
    return message.replace("./", "").strip()
