"""What a build remembers between runs so that an up-to-date check reads no unchanged file.

It is kept in ``<output>/build.json`` itself, as the optional top-level field
``"state"`` (one state file per output folder, written in the same atomic write
as the device entries; readers of build.json such as push ignore it). It
records, per host-variable file, its stat identity (size, mtime, ctime, inode)
with the devices read from it (name, selector, input digest of the variables,
the few variables the build itself reads in Python), and per output file its
stat identity with its sha256. A file whose identity is unchanged is trusted
without being read (as git and make trust them); any write changes its ctime.
The state is only an accelerator: a missing, unreadable or foreign one (another
netdata version) is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STATE_FIELD = "state"
"""The top-level field of build.json that holds the state."""

Identity = tuple[int, int, int, int]


def identity(path: Path) -> Identity | None:
    """The stat identity of ``path`` (None if it cannot be stat'ed)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


@dataclass
class Cache:
    """Host files and output files by path, each with the identity it had when recorded."""

    version: str
    hosts: dict[str, tuple[Identity, list[list[Any]]]] = field(default_factory=dict)
    outputs: dict[str, tuple[Identity, str]] = field(default_factory=dict)

    def hosts_of(self, path: Path) -> list[list[Any]] | None:
        """The recorded ``[name, selector, digest, kept vars]`` of an unchanged host file."""
        entry = self.hosts.get(str(path))
        if entry is None or identity(path) != entry[0]:
            return None
        return entry[1]

    def output_digest(self, path: Path) -> str | None:
        """The recorded sha256 of an unchanged output file."""
        entry = self.outputs.get(str(path))
        if entry is None or identity(path) != entry[0]:
            return None
        return entry[1]

    def record_output(self, path: Path, digest: str) -> None:
        found = identity(path)
        if found is not None:
            self.outputs[str(path)] = (found, digest)


def read_cache(document: dict[str, Any], version: str) -> Cache:
    """The state of the previous build, from its build.json ``document`` (empty if absent,
    unreadable or written by another netdata version)."""
    try:
        if document.get("netdata_version") != version:
            return Cache(version)
        state = document[STATE_FIELD]
        hosts = {p: (_identity(i), list(h)) for p, (i, h) in state["hosts"].items()}
        outputs = {p: (_identity(i), str(d)) for p, (i, d) in state["outputs"].items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        return Cache(version)
    return Cache(version, hosts, outputs)


def _identity(value: Any) -> Identity:
    size, mtime, ctime, inode = (int(v) for v in value)
    return (size, mtime, ctime, inode)


def cache_state(cache: Cache) -> dict[str, Any]:
    """The value of build.json's ``state`` field."""
    return {
        "hosts": {p: [list(i), h] for p, (i, h) in cache.hosts.items()},
        "outputs": {p: [list(i), d] for p, (i, d) in cache.outputs.items()},
    }
