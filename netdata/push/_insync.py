"""Which Get answers showed a device holding its built config: so that the next run
tells an unchanged device by its answer's digest, without decoding anything.

``<journal-dir>/in-sync.json`` keeps, per device, the last answer (its
:attr:`~netdata.push._gnmi.Answer.digest`) whose diff against the built file (its
sha256, the build's ``output_digest``) was empty, with the file's roots (what the
Get asks for). The diff is a function of the two documents, the schema and the
mode only, so an entry is a fact that stays true: the same file and the same
answer bytes again mean no change. Only the code and the schema could make it
untrue, so the file is keyed by the schema's checksum and the bytes of the modules
that decode and compare (:func:`_code_key`); another key and the entries are
dropped. A device whose answer differs in any byte (another order, another number
form) is decoded and diffed as before. An entry taken in ``update`` mode holds for
``update`` only (an update keeps what a replace would remove).

The file is written whole at the end of a run (temporary file + rename); an
unreadable one counts as empty. It holds device names, roots and digests only.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import threading
from collections.abc import Collection, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import netdata
from netdata.push import _diff, _gnmi, _output

FILE = "in-sync.json"
FORMAT = 1


class InSync:
    """The in-sync entries of a journal folder; ``path`` None keeps them in memory."""

    def __init__(self, path: Path | None, schema_checksum: str) -> None:
        self.path = path
        self.key = f"{_code_key()}/{schema_checksum}"
        self._lock = threading.Lock()
        self._entries: dict[str, dict[str, Any]] = {}
        self._changed = False
        if path is not None:
            self._entries = _load(path, self.key)

    def roots(self, device: str, output_digest: str) -> list[str] | None:
        """The roots of the device's file, if an entry was taken for this file."""
        entry = self._entries.get(device)
        if entry is None or entry["output_digest"] != output_digest:
            return None
        return list(entry["roots"])

    def expected(self, device: str, output_digest: str, mode: str) -> str | None:
        """The digest of the answer that once showed the device holding this file (in a
        push of ``mode``), if one did."""
        entry = self._entries.get(device)
        if (
            entry is None
            or entry["output_digest"] != output_digest
            or (entry["mode"] != "replace" and mode != "update")
        ):
            return None
        answer: str = entry["answer"]
        return answer

    def note(
        self, device: str, output_digest: str, answer: str, roots: Sequence[str], mode: str
    ) -> None:
        """Record that ``answer`` showed the device holding the file (no difference)."""
        entry = {"output_digest": output_digest, "answer": answer, "roots": list(roots),
                 "mode": mode}
        with self._lock:
            if self._entries.get(device) != entry:
                self._entries[device] = entry
                self._changed = True

    def save(self, devices: Collection[str]) -> None:
        """Write the entries of ``devices`` (the build's: others are dropped) to
        :attr:`path`, if any changed: temporary file, rename."""
        if self.path is None or not (self._changed or set(self._entries) - set(devices)):
            return
        with self._lock:
            entries = {n: e for n, e in self._entries.items() if n in devices}
            document = {"format": FORMAT, "key": self.key, "devices": entries}
            text = json.dumps(document, sort_keys=True, separators=(",", ":")) + "\n"
        tmp = self.path.with_name(f".{self.path.name}.{secrets.token_hex(4)}.tmp")
        try:
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            tmp.unlink(missing_ok=True)  # a lost record costs the next run time, no more


def _load(path: Path, key: str) -> dict[str, dict[str, Any]]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return {}
    devices = document.get("devices")
    if document.get("key") != key or not isinstance(devices, dict):
        return {}
    return {name: entry for name, entry in devices.items() if _valid(entry)}


def _valid(entry: Any) -> bool:
    return (
        isinstance(entry, dict)
        and all(isinstance(entry.get(k), str) for k in ("output_digest", "answer", "mode"))
        and isinstance(entry.get("roots"), list)
        and all(isinstance(r, str) for r in entry["roots"])
    )


@cache
def _code_key() -> str:
    """netdata's version and a digest of the code an entry's truth depends on: the
    decoding of the built file and of the answer, the diff, and this module."""
    digest = hashlib.sha256(netdata.__version__.encode())
    try:
        for file in (_diff.__file__, _gnmi.__file__, _output.__file__, __file__):
            digest.update(Path(file or "").read_bytes())
    except OSError:  # no sources to read (a frozen install): a key no record has
        return "unkeyed-" + secrets.token_hex(8)
    return digest.hexdigest()[:24]
