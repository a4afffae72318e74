"""The journal of a push run: one JSON line per event, and the devices' config snapshots.

``<dir>/<run-id>.jsonl`` holds the events (``time``, ``event``, ``device``,
and the event's fields: diff digest, snapshot file, result); the snapshots
(the device's managed roots as the Get before the Set returned them) are
``<dir>/<run-id>/<device>.before.json``, each written to a temporary file and
renamed; the state after a verified Set is the build's file, whose path and
digest the ``verified`` event records. Each line is flushed when
written, so a killed run leaves every event it finished. Nothing secret is
ever written: events carry device names, digests, counts and messages.
"""

from __future__ import annotations

import datetime
import json
import os
import secrets
import threading
from pathlib import Path
from typing import Any

from netdata._exceptions import PushError
from netdata.inventory import safe_filename


def new_run_id() -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{now}-{secrets.token_hex(3)}"


class Journal:
    """Appends events to ``path``; snapshots go to the folder of the same name."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.run_id = path.stem
        self.snapshots = path.with_suffix("")
        self._lock = threading.Lock()
        self._folder_made = False
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file = path.open("a", encoding="utf-8")
        except OSError as exc:
            raise PushError(f"cannot write the journal {path}: {exc.strerror or exc}") from None

    @classmethod
    def create(cls, directory: str | Path) -> Journal:
        return cls(Path(directory) / f"{new_run_id()}.jsonl")

    def close(self) -> None:
        with self._lock:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()

    def event(self, event: str, device: str | None = None, **fields: Any) -> None:
        record: dict[str, Any] = {
            "time": datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds"),
            "event": event,
        }
        if device is not None:
            record["device"] = device
        record.update(fields)
        line = json.dumps(record, sort_keys=True, default=str) + "\n"
        with self._lock:
            self._file.write(line)
            self._file.flush()

    def snapshot(self, device: str, which: str, roots: dict[str, Any]) -> str:
        """Write ``roots`` as ``<device>.<which>.json``; its path relative to the journal."""
        if not self._folder_made:
            self.snapshots.mkdir(parents=True, exist_ok=True)
            self._folder_made = True
        name = f"{safe_filename(device)}.{which}.json"
        tmp = self.snapshots / f".{name}.tmp"  # one writer per device and run
        tmp.write_text(json.dumps(roots, separators=(",", ":")) + "\n", encoding="utf-8")
        os.replace(tmp, self.snapshots / name)
        return f"{self.snapshots.name}/{name}"

    def load_snapshot(self, relative: str) -> dict[str, Any]:
        path = self.path.parent / relative
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise PushError(f"cannot read the snapshot {path}: {exc}") from None
        return data


def read_events(path: str | Path) -> list[dict[str, Any]]:
    """The events of a journal (a torn last line, from a killed run, is ignored)."""
    journal = Path(path)
    try:
        lines = journal.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise PushError(f"cannot read the journal {journal}: {exc.strerror or exc}") from None
    events = []
    for number, line in enumerate(lines, start=1):
        try:
            events.append(json.loads(line))
        except ValueError:
            if number != len(lines):
                raise PushError(f"{journal}:{number}: not a journal line") from None
    if not events or events[0].get("event") != "run":
        raise PushError(f"{journal}: not a push journal (no 'run' event first)")
    return events
