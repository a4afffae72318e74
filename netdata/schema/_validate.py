"""``validate``: check many documents (wire or authoring form) in few cue runs.

Each document is read, its form detected, wire-form documents decoded (which
checks the RFC 7951 encoding), and the distinct top-level subtrees of all
authoring-form trees are put into one CUE input keyed by index and unified
with ``#Root`` (sharded over ``jobs`` parallel cue runs for large batches).
cue's error paths are mapped back to document and data path. Leafrefs and
``when`` are checked in Python (:mod:`netdata.schema._checks`) meanwhile.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netdata._exceptions import CueError, DocumentError
from netdata.cue import Cue
from netdata.schema._build import SchemaBuild, build_schema
from netdata.schema._checks import post_check
from netdata.schema._documents import read_document
from netdata.schema._emit_cue import PACKAGE, ROOT
from netdata.schema._ir import Node, Schema
from netdata.schema._paths import authoring_path
from netdata.schema._positions import locate
from netdata.schema._wire import decode_rfc7951

FORMS = ("auto", "wire", "authoring")
SHARD_BYTES = 1_500_000
"""JSON bytes per cue run (about 50 large leaf configs): cue's time grows faster
than linearly with its input, and each run costs about 0.1 s to start."""
_DOCS = "docs"
_DISJUNCTION = re.compile(r"^\d+ errors in empty disjunction:?$")


@dataclass(frozen=True)
class ValidationError:
    """One problem in one document: data path, message, source position if known."""

    path: str
    message: str
    position: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "message": self.message, "position": self.position}


@dataclass(frozen=True)
class FileResult:
    """The verdict for one document."""

    file: str
    valid: bool
    form: str
    errors: tuple[ValidationError, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "valid": self.valid,
            "form": self.form,
            "errors": [e.as_dict() for e in self.errors],
        }


def detect_form(document: Any, schema: Schema) -> str:
    """``wire`` if member names are module-qualified or a list is a JSON array."""
    if not isinstance(document, dict):
        return "authoring"
    if any(":" in str(k) for k in document):
        return "wire"
    return (
        "wire"
        if any(_has_array_list(schema.root.children.get(str(k)), v) for k, v in document.items())
        else "authoring"
    )


def _has_array_list(node: Node | None, value: Any) -> bool:
    if node is None:
        return False
    if node.kind == "list":
        return isinstance(value, list)
    if node.kind == "container" and isinstance(value, dict):
        return any(_has_array_list(node.children.get(str(k)), v) for k, v in value.items())
    return False


@dataclass
class _Doc:
    name: str
    form: str = "authoring"
    tree: dict[str, Any] | None = None
    errors: list[ValidationError] = field(default_factory=list)


def validate(
    files: Sequence[str | Path],
    *,
    build: SchemaBuild | None = None,
    form: str = "auto",
    leafrefs: bool = True,
    jobs: int = 2,
    cue: Cue | None = None,
) -> list[FileResult]:
    """Validate document files; one :class:`FileResult` per file, in order.

    Unreadable or unparsable files are invalid results with a message naming
    the file. ``build`` defaults to :func:`build_schema` with the defaults.
    """
    loaded: list[tuple[str, Any]] = []
    for file in files:
        try:
            loaded.append((str(file), read_document(Path(file))))
        except DocumentError as exc:
            loaded.append((str(file), exc))
    results = validate_documents(
        loaded, build=build, form=form, leafrefs=leafrefs, jobs=jobs, cue=cue
    )
    return [_with_positions(r) if r.errors and r.form != "unknown" else r for r in results]


def _with_positions(result: FileResult) -> FileResult:
    """Add ``file:line:column`` to each error of a document that was read and parsed."""
    try:
        text = Path(result.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return result
    found = locate(text, [e.path for e in result.errors])
    errors = tuple(
        ValidationError(e.path, e.message, f"{result.file}:{at[0]}:{at[1]}" if at else None)
        for e, at in zip(result.errors, found, strict=True)
    )
    return FileResult(result.file, result.valid, result.form, errors)


def validate_documents(
    documents: Sequence[tuple[str, Any]],
    *,
    build: SchemaBuild | None = None,
    form: str = "auto",
    leafrefs: bool = True,
    jobs: int = 2,
    cue: Cue | None = None,
) -> list[FileResult]:
    """Validate in-memory documents given as ``(name, data)`` pairs.

    A ``data`` that is an exception (e.g. a :class:`DocumentError` from
    reading) makes that document invalid with the exception's message.
    """
    if form not in FORMS:
        raise ValueError(f"form must be one of {FORMS}, got {form!r}")
    build = build or build_schema()
    schema = build.schema
    docs = [_prepare(name, data, form, schema) for name, data in documents]
    pending = [i for i, d in enumerate(docs) if d.tree is not None and not d.errors]
    checked: dict[int, list[ValidationError]] = {}

    def post_checks() -> None:  # runs while cue works
        for index in pending:
            tree = docs[index].tree
            assert tree is not None
            checked[index] = [
                ValidationError(p.path, p.message) for p in post_check(schema, tree, leafrefs)
            ]

    trees, owners, sizes = _units(docs, pending, schema)
    for unit, errors in _run_cue(build, trees, sizes, cue or Cue(), jobs, post_checks).items():
        for index in owners[unit]:
            docs[index].errors += errors
    for index, errors in checked.items():
        docs[index].errors += errors
    return [FileResult(d.name, not d.errors, d.form, tuple(d.errors)) for d in docs]


def _prepare(name: str, data: Any, form: str, schema: Schema) -> _Doc:
    if isinstance(data, BaseException):
        return _Doc(name, "unknown", None, [ValidationError("/", str(data))])
    chosen = detect_form(data, schema) if form == "auto" else form
    doc = _Doc(name, chosen)
    if chosen == "wire":
        tree, problems = decode_rfc7951(data, schema)
        doc.tree = tree
        doc.errors = [ValidationError(p.path, p.message) for p in problems]
    elif isinstance(data, dict):
        doc.tree = data
    else:
        doc.errors = [ValidationError("/", "expected a mapping of top-level nodes")]
    return doc


def _units(
    docs: list[_Doc], pending: list[int], schema: Schema
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
    trees: list[dict[str, Any]] = []
    owners: list[list[int]] = []
    sizes: list[int] = []
    for index in pending:
        tree = docs[index].tree
        assert tree is not None
        for name, subtree in tree.items():
            for piece in _pieces(schema.root.children.get(name), name, subtree):
                key = json.dumps(piece, default=str)
                unit = index_of.get(key)
                if unit is None:
                    unit = index_of[key] = len(trees)
                    trees.append(piece)
                    owners.append([])
                    sizes.append(len(key))
                owners[unit].append(index)
    return trees, owners, sizes


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
) -> dict[int, list[ValidationError]]:
    """Vet ``trees`` in shards; a second pass finds missing mandatory leaves.

    cue reports "required but not present" (an incomplete value) only when a
    run has no other error, so trees without errors in a failing shard are
    vetted again on their own. ``meanwhile`` runs in this thread while the
    first pass runs. Returns the errors by tree index.
    """
    found: dict[int, list[ValidationError]] = {}
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
) -> dict[int, list[ValidationError]]:
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


def _map_errors(exc: CueError, schema: Schema, shard: set[int]) -> dict[int, list[ValidationError]]:
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
    out: dict[int, list[ValidationError]] = {}
    for (index, data_path), messages in grouped.items():
        text = " | ".join(messages) if messages else "no allowed value matches"
        out.setdefault(index, []).append(ValidationError(data_path, text))
    return out


def _clean(message: str) -> str:
    """Drop cue's mention of our temporary file names from a message."""
    return message.replace("./", "").strip()
