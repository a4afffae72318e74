"""``validate``: check many documents (wire or authoring form) in few cue runs.

Each document is read, its form detected, wire-form documents decoded (which
checks the RFC 7951 encoding), and all authoring-form trees are vetted against
``#Root`` together in few cue runs (:mod:`netdata.validate._batch`). Leafrefs and
``when`` are checked in Python (:mod:`netdata.validate._checks`) meanwhile, and
the constraints CUE cannot hold (:mod:`netdata.validate._constraints`).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from netdata._collector import collector_paused
from netdata._documents import display_name, read_document
from netdata._exceptions import DocumentError, Problem
from netdata.cue import Cue
from netdata.executor import open_executor
from netdata.schema import Schema, SchemaBuild, build_schema
from netdata.schema._ir import Node
from netdata.schema._wire import decode_wire
from netdata.validate._batch import vet_trees
from netdata.validate._constraints import check_all, missing_mandatory
from netdata.validate._positions import locate

FORMS = ("auto", "wire", "authoring")


ValidationError = Problem
"""One problem in one document: data path, message, source position if known
(the one type the decoder, the cue batch and the post-checks report)."""


@dataclass(frozen=True)
class FileResult:
    """The verdict for one document."""

    file: str
    valid: bool
    form: str
    errors: tuple[Problem, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "valid": self.valid,
            "form": self.form,
            "errors": [e.as_dict() for e in self.errors],
        }

    def text(self) -> str:
        """The verdict for people: ``FILE: valid``, or ``FILE: invalid`` and one
        indented line per error with its data path and source position."""
        lines = [f"{display_name(self.file)}: {'valid' if self.valid else 'invalid'}"]
        for err in self.errors:
            where = f" ({err.position})" if err.position else ""
            lines.append(f"  {err.path}: {err.message}{where}")
        return "\n".join(lines)

    def raise_for_status(self) -> FileResult:
        """Raise :class:`DocumentError` with :meth:`text` (the file and each error with
        its data path and position) when invalid; returns self when valid."""
        if self.valid:
            return self
        raise DocumentError(self.text())


class ValidationResults(list[FileResult]):
    """The verdicts of :func:`validate` and :func:`validate_documents`, one per document
    in input order (a list, with :attr:`ok`, :attr:`invalid` and :meth:`raise_for_status`)."""

    @property
    def ok(self) -> bool:
        """Every document is valid."""
        return all(r.valid for r in self)

    @property
    def invalid(self) -> list[FileResult]:
        return [r for r in self if not r.valid]

    def raise_for_status(self) -> ValidationResults:
        """Raise :class:`DocumentError` naming every invalid document with its errors;
        returns self when all are valid."""
        bad = self.invalid
        if not bad:
            return self
        details = "\n".join(r.text() for r in bad)
        raise DocumentError(f"{len(bad)} of {len(self)} documents invalid:\n{details}")


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
    errors: list[Problem] = field(default_factory=list)
    unfilled: frozenset[str] = frozenset()


@collector_paused  # many documents' trees held at once (docs/build.md "Performance")
def validate(
    files: Sequence[str | Path],
    *,
    build: SchemaBuild | None = None,
    form: str = "auto",
    leafrefs: bool = True,
    jobs: int = 2,
    cue: Cue | None = None,
    executor: Any = None,
) -> ValidationResults:
    """Validate document files; one :class:`FileResult` per file, in order.

    Unreadable or unparsable files are invalid results with a message naming
    the file. ``build`` defaults to :func:`build_schema` with the defaults.
    ``executor``: ``"local"`` (default), ``"tcp://HOST:PORT"`` or a
    ``distributed.Client`` (docs/executor.md).
    """
    from netdata.validate._jobs import validate_on  # it imports this module

    loaded: list[tuple[str, Any]] = []
    for file in files:
        try:
            loaded.append((str(file), read_document(Path(file))))
        except DocumentError as exc:
            loaded.append((str(file), exc))
    with open_executor(executor, jobs=jobs) as running:
        results = validate_on(running, loaded, build or build_schema(), form, leafrefs, cue)
    return ValidationResults(
        _with_positions(r) if r.errors and r.form != "unknown" else r for r in results
    )


def _with_positions(result: FileResult) -> FileResult:
    """Add ``file:line:column`` to each error of a document that was read and parsed."""
    try:
        text = Path(result.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return result
    found = locate(text, [e.path for e in result.errors])
    errors = tuple(
        replace(e, position=f"{result.file}:{at[0]}:{at[1]}" if at else None)
        for e, at in zip(result.errors, found, strict=True)
    )
    return FileResult(result.file, result.valid, result.form, errors)


@collector_paused
def validate_documents(
    documents: Sequence[tuple[str, Any]],
    *,
    build: SchemaBuild | None = None,
    form: str = "auto",
    leafrefs: bool = True,
    jobs: int = 2,
    cue: Cue | None = None,
) -> ValidationResults:
    """Validate in-memory documents given as ``(name, data)`` pairs.

    A ``data`` that is an exception (e.g. a :class:`DocumentError` from
    reading) makes that document invalid with the exception's message.
    """
    if form not in FORMS:
        raise ValueError(f"form must be one of {FORMS}, got {form!r}")
    build = build or build_schema()
    schema = build.schema
    docs = [_prepare(name, data, form, schema) for name, data in documents]
    # A tree with encoding problems is still vetted (the decoder leaves out the
    # values it rejected): every error is reported, once per node.
    pending = [i for i, d in enumerate(docs) if d.tree is not None]
    trees = [docs[i].tree or {} for i in pending]
    unfilled = [docs[i].unfilled for i in pending]
    checks = functools.partial(check_all, schema, trees, leafrefs, unfilled)  # while cue works
    vetted, checked = vet_trees(build, trees, cue or Cue(), jobs, checks)
    for position, problems in [*vetted.items(), *enumerate(checked)]:
        doc = docs[pending[position]]
        seen = {e.path for e in doc.errors}
        doc.errors += [e for e in problems if e.path not in seen]
    for doc in docs:  # cue hides missing mandatory leaves behind other errors
        if doc.errors and doc.tree is not None:
            seen = {e.path for e in doc.errors}
            found = missing_mandatory(schema, doc.tree, doc.unfilled)
            doc.errors += [e for e in found if e.path not in seen]
    return ValidationResults(
        FileResult(d.name, not d.errors, d.form, tuple(d.errors)) for d in docs
    )


def _prepare(name: str, data: Any, form: str, schema: Schema) -> _Doc:
    if isinstance(data, BaseException):
        return _Doc(name, "unknown", None, [Problem("/", str(data))])
    chosen = detect_form(data, schema) if form == "auto" else form
    doc = _Doc(name, chosen)
    if chosen == "wire":
        decoded = decode_wire(data, schema)
        doc.tree, doc.errors, doc.unfilled = decoded.tree, decoded.problems, decoded.unfilled
    elif isinstance(data, dict):
        doc.tree = data
    else:
        doc.errors = [Problem("/", "expected a mapping of top-level nodes")]
    return doc
