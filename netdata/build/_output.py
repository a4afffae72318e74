"""The output folder: one RFC 7951 file per device and ``build.json``, each written atomically."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from json.encoder import encode_basestring as _string
from pathlib import Path
from typing import Any

from netdata._exceptions import BuildError
from netdata.build._cache import STATE_FIELD
from netdata.build._result import DeviceResult

MANIFEST = "build.json"
FORMAT = 1
_UMASK = os.umask(0)
os.umask(_UMASK)


def device_text(wire: dict[str, Any]) -> bytes:
    """The bytes of a device file: sorted keys, 2-space indent, UTF-8, trailing newline.

    The same bytes as ``json.dumps(wire, indent=2, sort_keys=True,
    ensure_ascii=False)``, three times faster (the json module's indenting
    encoder is pure Python; this one leaves the strings to its C escaper).
    """
    return (_dump(wire, "\n") + "\n").encode()


def _dump(value: Any, indent: str) -> str:
    kind = type(value)
    if kind is dict:
        if not value:
            return "{}"
        inner = indent + "  "
        items = [
            f"{inner}{_string(k)}: "
            + (_string(v) if type(v) is str else _scalar(v, inner))  # strings: most leaves
            for k in sorted(value)
            for v in (value[k],)
        ]
        return "{" + ",".join(items) + indent + "}"
    if kind is list:
        if not value:
            return "[]"
        inner = indent + "  "
        return "[" + ",".join([inner + _scalar(v, inner) for v in value]) + indent + "]"
    return _scalar(value, indent)


def _scalar(value: Any, indent: str) -> str:
    """A value's text."""
    kind = type(value)
    if kind is str:
        return _string(value)
    if kind is dict or kind is list:
        return _dump(value, indent)
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    return json.dumps(value)


def write_atomically(folder: Path, name: str, data: bytes) -> None:
    """Write ``folder/name`` through a temporary file renamed into place."""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".netdata-", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, folder / name)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise BuildError(f"cannot write {folder / name}: {exc.strerror or exc}") from None


def read_document(folder: Path) -> dict[str, Any]:
    """The ``build.json`` of an earlier build (empty if absent, unreadable or another format)."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("format") == FORMAT else {}


def read_manifest(document: dict[str, Any]) -> dict[str, DeviceResult]:
    """The device entries of an earlier build's ``document`` (none if unreadable)."""
    try:
        return {n: DeviceResult.from_dict(n, d) for n, d in document["devices"].items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        return {}


def write_manifest(
    folder: Path,
    version: str,
    schema_digest: str,
    devices: dict[str, DeviceResult],
    problems: list[str],
    state: dict[str, Any],
) -> None:
    """Write ``build.json`` (devices sorted by name; ``state``: the build's own, see _cache)."""
    document: dict[str, Any] = {
        "format": FORMAT,
        "netdata_version": version,
        "schema_digest": schema_digest,
        "devices": {n: devices[n].as_dict() for n in sorted(devices)},
    }
    if problems:
        document["problems"] = problems
    text = _dump(document, "\n")  # json.dumps(indent=2, sort_keys=True, ensure_ascii=False)
    # the state on one line, last (its key sorts last): indenting it tripled build.json
    # (1.4 MB for 1,000 devices) and the indenting encoder is Python's slow one (+0.1 s)
    packed = json.dumps(state, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    text = f'{text[:-2]},\n  "{STATE_FIELD}": {packed}\n}}\n'
    write_atomically(folder, MANIFEST, text.encode())
