"""Reading a build output folder (``build.json`` + ``<file>.json`` per device) for push.

A device is pushed only if its build succeeded and its file is the one the
build wrote (sha256 equal to ``output_digest``); any other device is skipped
with the reason. Files are decoded by the devices' jobs (:attr:`Intended.roots`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from netdata._exceptions import DocumentError, PushError

BUILD_FORMAT = 1


@dataclass(frozen=True)
class Intended:
    """One device's intended configuration: ``raw``, the build's file as read (its sha256
    is ``digest``); ``roots`` maps each managed top-level node (``"module:name"``) to its
    content; ``texts`` holds the same as RFC 7951 text."""

    name: str
    file: Path
    digest: str
    raw: bytes = field(repr=False)
    host: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def roots(self) -> dict[str, Any]:
        """The file decoded, when the device's job first needs it: a fleet's files are
        then decoded while other devices' RPCs are under way, not all before the first.
        A file that is not an RFC 7951 document raises :class:`PushError` (the device fails)."""
        try:
            document = json.loads(self.raw)
        except ValueError as exc:
            raise PushError(f"{self.file}: not JSON: {exc}") from None
        if not isinstance(document, dict) or not all(":" in m for m in document):
            raise PushError(f"{self.file}: not an RFC 7951 document with module-qualified roots")
        return document

    @cached_property
    def texts(self) -> dict[str, str]:
        """Each root as compact RFC 7951 text (made when a Set needs it)."""
        return {root: json.dumps(v, separators=(",", ":")) for root, v in self.roots.items()}


@dataclass(frozen=True)
class Skipped:
    """A device that is not pushed, and why."""

    name: str
    reason: str


@dataclass(frozen=True)
class BuildOutput:
    directory: Path
    devices: list[Intended]
    skipped: list[Skipped]
    hosts: dict[str, dict[str, Any]]
    """Every selected device's ``host`` facts (addresses, groups), built or not."""
    names: frozenset[str] = frozenset()
    """Every device of ``build.json``, selected or not."""


def read_build(directory: str | Path, only: Sequence[str] = ()) -> BuildOutput:
    """The devices of a build output folder (``only``: these names, which must exist)."""
    folder = Path(directory)
    index = folder / "build.json"
    try:
        manifest = json.loads(index.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PushError(f"{index} not found: run `netdata build` first") from None
    except (OSError, ValueError) as exc:
        raise DocumentError(f"{index}: unreadable build manifest: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != BUILD_FORMAT:
        raise DocumentError(f"{index}: not a build manifest of format {BUILD_FORMAT}")
    entries = manifest.get("devices")
    if not isinstance(entries, dict):
        raise DocumentError(f"{index}: 'devices' must be a mapping")
    unknown = sorted(set(only) - set(entries))
    if unknown:
        raise PushError(f"{index}: no such device(s) in the build: {', '.join(unknown)}")
    devices: list[Intended] = []
    skipped: list[Skipped] = []
    hosts: dict[str, dict[str, Any]] = {}
    for name in sorted(only or entries):
        hosts[name] = _host(entries[name])
        result = _device(folder, name, entries[name])
        if isinstance(result, Intended):
            devices.append(result)
        else:
            skipped.append(result)
    return BuildOutput(folder, devices, skipped, hosts, frozenset(entries))


def _device(folder: Path, name: str, entry: Any) -> Intended | Skipped:
    if not isinstance(entry, dict):
        return Skipped(name, "build.json entry is not a mapping")
    if entry.get("status") != "ok":
        return Skipped(name, f"build status is {entry.get('status')!r}, not 'ok'")
    file_name = entry.get("file")
    if not isinstance(file_name, str) or Path(file_name).name != file_name:
        return Skipped(name, f"build.json names no plain file for it ({file_name!r})")
    path = folder / file_name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Skipped(name, f"cannot read {path}: {exc.strerror or exc}")
    digest = "sha256:" + hashlib.sha256(raw).hexdigest()
    if digest != entry.get("output_digest"):
        return Skipped(name, f"{path} is stale: its sha256 differs from build.json's output_digest")
    return Intended(name, path, digest, raw, _host(entry))


def _host(entry: Any) -> dict[str, Any]:
    host = entry.get("host") if isinstance(entry, dict) else None
    return host if isinstance(host, dict) else {}
