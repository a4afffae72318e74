"""The inputs of a build: host variables (inventory) and the group variable files that apply.

Group variables live under the groups folder::

    groups/all.{yaml,yml,json,cue}
    groups/platform/<platform>.*   groups/location/<location>.*
    groups/role/<role>.*           groups/tag/<tag>.*
    groups/host/<device>.*

in this order of specificity. A group value names its file through the
inventory's file-name encoding (``safe_filename``). They unify (CUE), so the
order only documents intent and orders the positions of a conflict.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netdata._documents import parse_data
from netdata._exceptions import BuildError, DocumentError, InventoryError
from netdata.build._cache import Cache, Identity, identity
from netdata.inventory import FileSource, Filters, safe_filename
from netdata.settings import Inventory

LEVELS = ("all", "platform", "location", "role", "tag", "host")
"""Group levels, least specific first."""
DATA_SUFFIXES = (".yaml", ".yml", ".json")
SUFFIXES = (*DATA_SUFFIXES, ".cue")
_PACKAGE = re.compile(r"^\s*package\s+([A-Za-z_#$][\w$]*)", re.MULTILINE)
_HOST_KEYS = ("role", "location", "platform", "tags", "primary_ip4", "primary_ip6")
_KEPT = ("name", *_HOST_KEYS)
"""The host variables the build reads in Python (selection, group files, build.json's
``host``), all a host read from a file keeps: cue reads the file itself."""


def sha256(data: bytes) -> str:
    """``sha256:<hex>`` of ``data``."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Host:
    """One device of the inventory: its variables and where cue reads them.

    ``file`` is the data file holding the variables (None when they come from
    a live source: the build then writes them into its private overlay) and
    ``selector`` the labels of the device inside that file. A host read from
    a file has only the variables the build reads in Python (``_KEPT``;
    ``digest`` is of all of them): cue reads the file itself, and a fleet's
    variables are not held through its build (76 KiB per 48-port leaf).
    """

    name: str
    vars: dict[str, Any]
    file: Path | None
    selector: tuple[str | int, ...]
    digest: str

    def attribute(self, level: str) -> list[str]:
        """The device's values for a group level (several for tags)."""
        if level == "all":
            return [""]
        if level == "host":
            return [self.name]
        if level == "tag":
            tags = self.vars.get("tags") or []
            return [str(t) for t in tags] if isinstance(tags, list) else []
        value = self.vars.get(level)
        return [str(value)] if isinstance(value, str | int) and value != "" else []

    def summary(self) -> dict[str, Any]:
        """The host fields recorded in build.json (for push's targets)."""
        return {k: self.vars.get(k, [] if k == "tags" else None) for k in _HOST_KEYS}


@dataclass(frozen=True)
class GroupFile:
    """One group variable file; ``package`` is the CUE package name of a ``.cue`` file."""

    level: str
    value: str
    path: Path
    digest: str
    package: str | None = None
    problem: str | None = None  # what the reader refuses in a YAML/JSON file

    @property
    def is_cue(self) -> bool:
        return self.path.suffix == ".cue"


@dataclass
class Groups:
    """The group files by (level, file stem), and problems with the folder itself."""

    files: dict[tuple[str, str], list[GroupFile]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    folders: set[str] = field(default_factory=set)

    def applying(self, host: Host) -> tuple[list[GroupFile], list[str]]:
        """The files that apply to ``host`` in order of specificity, and its problems.

        A device whose role has no file in an existing ``groups/role/``
        folder is a problem (a misspelt role would silently get no group
        variables); the other levels are optional.
        """
        found: list[GroupFile] = []
        problems: list[str] = []
        for level in LEVELS:
            values = host.attribute(level)
            for value in values:
                stem = "all" if level == "all" else safe_filename(value)
                hits = self.files.get((level, stem), [])
                found += hits
                problems += [g.problem for g in hits if g.problem]
                if level == "role" and not hits and level in self.folders:
                    problems.append(
                        f"device {host.name!r} has role {value!r} but groups/role/ has no "
                        f"{stem}.yaml or {stem}.cue (an empty file is fine)"
                    )
            if level == "role" and not values and level in self.folders:
                problems.append(f"device {host.name!r} has no role (groups/role/ exists)")
        return found, problems


def load_groups(folder: Path) -> Groups:
    """Every group file under ``folder`` (a missing folder is no groups)."""
    groups = Groups()
    if not folder.is_dir():
        return groups
    for path in sorted(folder.iterdir()):
        if path.is_dir():
            if path.name not in LEVELS[1:]:
                groups.problems.append(
                    f"{path}: unknown group level (one of {', '.join(LEVELS[1:])})"
                )
                continue
            groups.folders.add(path.name)
            for item in sorted(path.iterdir()):
                _add(groups, path.name, item)
        elif path.stem == "all":
            _add(groups, "all", path)
        elif not path.name.startswith("."):
            groups.problems.append(f"{path}: only all.* and level folders belong in {folder}")
    return groups


def _add(groups: Groups, level: str, path: Path) -> None:
    if path.name.startswith("."):
        return
    if path.suffix not in SUFFIXES or not path.is_file():
        groups.problems.append(f"{path}: not a group file (*.yaml, *.yml, *.json or *.cue)")
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        groups.problems.append(f"{path}: cannot be read: {exc.strerror or exc}")
        return
    package = problem = None
    if path.suffix in DATA_SUFFIXES and data.strip():
        # cue reads the file; the one reader first refuses what cue would silently merge
        # (a duplicated key with the same value) or no reader may take (alias bombs, U+0000)
        try:
            parse_data(data.decode("utf-8"), str(path))
        except UnicodeDecodeError:
            problem = f"{path}: not UTF-8 text"
        except DocumentError as exc:
            problem = str(exc)
    if path.suffix == ".cue":
        match = _PACKAGE.search(data.decode("utf-8", errors="replace"))
        if match is None:
            groups.problems.append(f"{path}: a CUE group file needs a package clause (any name)")
            return
        package = match.group(1)
    key = (level, path.stem)
    groups.files.setdefault(key, []).append(
        GroupFile(level, path.stem, path, sha256(data), package, problem)
    )


def load_hosts(inventory: Inventory, cache: Cache | None = None) -> tuple[list[Host], list[str]]:
    """The devices of the inventory, sorted by name, and problems with its files.

    A file inventory (one YAML/JSON file, or a folder of them as ``netdata
    inventory fetch -o`` writes) is read with the inventory's file source; a
    mapping ``{source: ..., url: ..., role/location/tag/name: ...}`` is
    fetched live. With a ``cache``, a file unchanged since it was recorded is
    not read (its hosts keep only the variables of ``_KEPT``), and the
    cache's host files are replaced by the files of this inventory.
    """
    cache = cache if cache is not None else Cache("")
    seen: dict[str, tuple[Identity, list[list[Any]]]] = {}
    problems: list[str] = []
    if isinstance(inventory, Mapping):
        hosts = _live(inventory)
    elif inventory.is_dir():
        hosts, problems = _folder(inventory, cache, seen)
    elif not inventory.exists():
        raise BuildError(f"inventory {inventory} does not exist")
    else:
        hosts = _file_hosts(inventory, cache, seen)
    cache.hosts = seen
    return hosts, problems


def _file_hosts(
    path: Path, cache: Cache, seen: dict[str, tuple[Identity, list[list[Any]]]]
) -> list[Host]:
    recorded = cache.hosts_of(path)
    if recorded is not None:
        seen[str(path)] = cache.hosts[str(path)]
        return [Host(n, v, path, tuple(s), d) for n, s, d, v in recorded]
    before = identity(path)
    hosts = FileSource(path).fetch(Filters())
    raw_hosts_form = _hosts_form(path)
    out = []
    for index, host in enumerate(hosts):
        name = host["name"]
        selector: tuple[str | int, ...] = ("hosts", name) if raw_hosts_form else (index,)
        kept = {k: host[k] for k in _KEPT if k in host}  # the rest is cue's to read
        out.append(Host(name, kept, path, selector, _digest(host)))
    if before is not None:
        seen[str(path)] = (before, [_record(h) for h in out])
    return out


def _record(host: Host) -> list[Any]:
    """What the cache keeps of a host read from a file."""
    return [host.name, list(host.selector), host.digest, host.vars]


def _hosts_form(path: Path) -> bool:
    """Whether the file holds ``{hosts: ...}`` (else a list of devices, which the file
    source also reads): its first line that is not blank, a comment or ``---``."""
    with path.open("rb") as f:
        for line in f:
            text = line.strip()
            if text and not text.startswith((b"#", b"---", b"%")):
                return not text.startswith((b"[", b"- ", b"-\n")) and text != b"-"
    return True


def _folder(
    folder: Path, cache: Cache, seen: dict[str, tuple[Identity, list[list[Any]]]]
) -> tuple[list[Host], list[str]]:
    hosts: dict[str, Host] = {}
    problems: list[str] = []
    for path in _data_files(folder):
        try:
            found = _file_hosts(path, cache, seen)
        except InventoryError as exc:
            problems.append(str(exc))
            continue
        for host in found:
            other = hosts.get(host.name)
            if other is not None:
                problems.append(f"device {host.name!r} is in both {other.file} and {path}")
                continue
            hosts[host.name] = host
    return sorted(hosts.values(), key=lambda h: h.name), problems


def _data_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.iterdir()):
        if path.suffix in DATA_SUFFIXES and path.is_file() and not path.name.startswith("."):
            yield path


def _live(settings: Mapping[str, Any]) -> list[Host]:
    from netdata.inventory import fetch_inventory, open_source  # the live sources import httpx

    options = dict(settings)
    kind = options.pop("source")
    filters = Filters(
        **{
            field_: tuple(_strings(options.pop(key, ())))
            for key, field_ in (("role", "roles"), ("location", "locations"),
                                ("tag", "tags"), ("name", "names"))
        }
    )
    known = ("url", "path", "token_file", "query", "ca_bundle", "insecure", "timeout", "retries",
             "page_size", "concurrency")
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise BuildError(f"inventory: unknown setting {unknown[0]!r} (known: {', '.join(known)})")
    if isinstance(options.get("query"), str):
        options["query"] = Path(options["query"])
    hosts = fetch_inventory(open_source(kind, **options), filters)
    return [Host(n, h, None, ("hosts", n), _digest(h)) for n, h in hosts.items()]


def _strings(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _digest(host: Mapping[str, Any]) -> str:
    return sha256(json.dumps(host, sort_keys=True, separators=(",", ":"), default=str).encode())


def package_name(folder: Path) -> tuple[str, list[Path]]:
    """The CUE package name of the transforms and their files (sorted)."""
    files = sorted(p for p in folder.glob("*.cue") if p.is_file())
    if not files:
        raise BuildError(f"transforms: no *.cue files in {folder}")
    for path in files:
        match = _PACKAGE.search(path.read_text(encoding="utf-8", errors="replace"))
        if match is not None:
            return match.group(1), files
    raise BuildError(f"transforms: no package clause in the *.cue files of {folder}")


def tree_digest(paths: list[Path], root: Path) -> str:
    """sha256 over the names (relative to ``root``) and contents of ``paths``."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(_relative(path, root)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return "sha256:" + digest.hexdigest()


def _relative(path: Path, root: Path) -> Path:
    try:
        return path.relative_to(root)
    except ValueError:
        return path
