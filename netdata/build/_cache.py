"""What a build remembers between runs so that an up-to-date check reads no unchanged file.

One file per output folder, ``${XDG_CACHE_HOME:-~/.cache}/netdata/build/<sha256 of the
output folder's absolute path>.json`` (the output folder holds only the device files and
``build.json``), records, per host-variable file, its stat
identity (size, mtime, ctime, inode) with the devices read from it (name,
selector, input digest of the variables, the few variables the build itself
reads in Python), and per output file its stat identity with its
sha256. A file whose identity is unchanged is trusted without being read (as
git and make trust them); any write changes its ctime. The cache is only an
accelerator: a missing, unreadable or foreign one is ignored, and it is
written (temporary file + rename) after ``build.json``; a cache that cannot be written
is skipped.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netdata.schema._manifest import cache_root

FORMAT = 1

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


def cache_file(output: Path) -> Path:
    """Where the cache of the output folder ``output`` lives."""
    key = hashlib.sha256(str(output.absolute()).encode()).hexdigest()[:32]
    return cache_root() / "build" / f"{key}.json"


def read_cache(output: Path, version: str) -> Cache:
    """The cache of the previous build into ``output`` (empty if absent, unreadable or old)."""
    try:
        data = json.loads(cache_file(output).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("netdata_version") != version:
            return Cache(version)
        hosts = {p: (_identity(i), list(h)) for p, (i, h) in data["hosts"].items()}
        outputs = {p: (_identity(i), str(d)) for p, (i, d) in data["outputs"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Cache(version)
    return Cache(version, hosts, outputs)


def _identity(value: Any) -> Identity:
    size, mtime, ctime, inode = (int(v) for v in value)
    return (size, mtime, ctime, inode)


def cache_text(cache: Cache) -> bytes:
    """The bytes of the cache file."""
    document = {
        "format": FORMAT,
        "netdata_version": cache.version,
        "hosts": cache.hosts,
        "outputs": cache.outputs,
    }
    return (json.dumps(document, separators=(",", ":"), default=list) + "\n").encode()
