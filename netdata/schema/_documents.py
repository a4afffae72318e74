"""Reading input documents (JSON or YAML) with clear errors naming the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from netdata._exceptions import DocumentError

MAX_DOCUMENT_BYTES = 32 * 1024 * 1024
"""Larger files are refused: a device config is far smaller; this bounds memory use."""


def parse_document(text: str, name: str) -> dict[str, Any]:
    """Parse JSON (tried first) or YAML text; raise :class:`DocumentError` naming ``name``."""
    if not text.strip():
        raise DocumentError(f"{name}: the file is empty")
    if text.lstrip()[:1] in "{[":
        try:
            documents = [json.loads(text)]
        except json.JSONDecodeError as exc:
            raise DocumentError(
                f"{name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            ) from None
    else:
        documents = _load_yaml(text, name)
    if len(documents) != 1:
        raise DocumentError(f"{name}: holds {len(documents)} YAML documents; expected one")
    document = documents[0]
    if not isinstance(document, dict):
        raise DocumentError(
            f"{name}: expected a mapping of top-level nodes, got {type(document).__name__}"
        )
    return document


def _load_yaml(text: str, name: str) -> list[Any]:
    try:
        return list(yaml.safe_load_all(text))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise DocumentError(f"{name}: not valid JSON or YAML{where}: {problem}") from None


def read_document(path: Path, max_bytes: int = MAX_DOCUMENT_BYTES) -> dict[str, Any]:
    """Read and parse one document file."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DocumentError(
                f"{path}: the file is too large ({size / 1e6:.1f} MB; the limit is "
                f"{max_bytes / 1e6:.0f} MB)"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    return parse_document(text, str(path))
