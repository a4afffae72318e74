"""The one reader of JSON/YAML input documents, for every stage, with clear errors naming the file.

One size limit (:data:`MAX_DOCUMENT_BYTES`), one format detection
(:func:`parse_data`: a text starting with ``{`` or ``[`` is JSON, anything else
YAML, except that ``*.yaml``/``*.yml`` files are always YAML) and one
translation of parser errors into :class:`DocumentError` messages.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from netdata._exceptions import DocumentError

MAX_DOCUMENT_BYTES = 32 * 1024 * 1024
"""Larger files are refused: a device config or an inventory file is far smaller; this bounds
memory use (PyYAML needs many times the file size)."""

_YAML_SUFFIXES = (".yaml", ".yml")


def parse_data(text: str, name: str) -> Any:
    """Parse one JSON or YAML document of any shape; :class:`DocumentError` names ``name``."""
    if not text.strip():
        raise DocumentError(f"{name}: the file is empty")
    yaml_named = name.lower().endswith(_YAML_SUFFIXES)
    if not yaml_named and text.lstrip()[:1] in "{[":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise DocumentError(
                f"{name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            ) from None
    documents = _load_yaml(text, name, "YAML" if yaml_named else "JSON or YAML")
    if len(documents) != 1:
        raise DocumentError(f"{name}: holds {len(documents)} YAML documents; expected one")
    return documents[0]


def parse_document(text: str, name: str) -> dict[str, Any]:
    """Parse a document that must be a mapping (a config tree: top-level node names)."""
    document = parse_data(text, name)
    if not isinstance(document, dict):
        raise DocumentError(
            f"{name}: expected a mapping of top-level nodes, got {type(document).__name__}"
        )
    return document


def yaml_error_text(exc: yaml.YAMLError) -> str:
    """``(line L, column C): problem`` of a PyYAML error (the one translation of its errors)."""
    mark = getattr(exc, "problem_mark", None)
    where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
    problem = getattr(exc, "problem", None) or "syntax error"
    return f"{where}: {problem}"


def _load_yaml(text: str, name: str, kind: str) -> list[Any]:
    try:
        return list(yaml.safe_load_all(text))
    except yaml.YAMLError as exc:
        raise DocumentError(f"{name}: not valid {kind}{yaml_error_text(exc)}") from None


def read_text(path: Path, max_bytes: int = MAX_DOCUMENT_BYTES) -> str:
    """The UTF-8 text of ``path``; :class:`DocumentError` if unreadable, too large or not UTF-8."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DocumentError(
                f"{path}: the file is too large ({size / 1e6:.1f} MB; the limit is "
                f"{max_bytes / 1e6:.0f} MB)"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{path}: {exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"{path}: not UTF-8 text (byte {exc.start})") from None


def read_data(path: Path) -> Any:
    """Read and parse one JSON/YAML file of any shape (a list, a mapping, ...)."""
    return parse_data(read_text(path), str(path))


def read_document(path: Path) -> dict[str, Any]:
    """Read and parse one document file that must be a mapping."""
    return parse_document(read_text(path), str(path))
