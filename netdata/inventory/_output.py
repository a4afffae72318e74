"""Host variables out: one ``{"hosts": {...}}`` document, or one file per device.

Every per-device file holds ``{"hosts": {"<name>": {...}}}``, so ``cue export
out/*.yaml`` unifies the files into the same document that ``--stdout`` prints.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import yaml

from netdata._documents import reads_as_string
from netdata._exceptions import InventoryError
from netdata.inventory._model import HostVars

Format = Literal["yaml", "json"]
_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+@=,")
_MAX_NAME = 200
_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"]
    + [f"{p}{n}" for p in ("COM", "LPT") for n in "0123456789\u00b9\u00b2\u00b3"]
)


class _Yaml12SafeDumper(yaml.SafeDumper):
    """PyYAML writes YAML 1.1; cue and our reader read YAML 1.2.  Quote every string that
    either would not read back as that string (``0o17``, ``1e3`` or ``.5`` are strings to
    a YAML 1.1 writer, numbers to cue)."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        tag = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
        if kind is yaml.ScalarNode and implicit[0] and tag == _STR and not reads_as_string(value):
            return _NOT_STR
        return tag

    def represent_str(self, data: str) -> Any:
        """Double-quote strings holding U+0085/U+2028/U+2029: YAML readers take them as line
        breaks elsewhere, and only double quotes escape them."""
        if _BREAKS.intersection(data):
            return self.represent_scalar(_STR, data, style='"')
        return super().represent_str(data)


_Yaml12SafeDumper.add_representer(str, _Yaml12SafeDumper.represent_str)
_BREAKS = frozenset("\x85\u2028\u2029")
_STR, _NOT_STR = "tag:yaml.org,2002:str", "tag:yaml.org,2002:int"


def safe_filename(name: str) -> str:
    """A file name (without extension) for device ``name``, safe in any directory.

    Characters outside ``[A-Za-z0-9._-+@=,]``, ``%`` itself and a leading dot are
    percent-encoded (UTF-8), so ``../x`` becomes ``%2E.%2Fx``: no separators,
    no hidden files, no control characters, and distinct names stay distinct.
    A name that Windows reserves for a device (``CON``, ``nul.txt``, ``COM1``)
    gets its first character encoded (``%43ON``).
    An empty name, or one whose file name would be too long, is an error.
    """
    if not name:
        raise InventoryError("a device has an empty name: it cannot be written to a file")
    out = []
    for i, char in enumerate(name):
        if char in _SAFE and not (i == 0 and char == "."):
            out.append(char)
        else:
            out.extend(f"%{b:02X}" for b in char.encode("utf-8", "surrogatepass"))
    result = "".join(out)
    if result.partition(".")[0].upper() in _RESERVED:  # CON, nul.txt: devices on Windows
        result = f"%{ord(result[0]):02X}{result[1:]}"
    if len(result) > _MAX_NAME:
        raise InventoryError(
            f"device name {name[:40]!r}... is too long for a file name", device=name
        )
    return result


def device_file_names(
    names: Iterable[str], suffix: str
) -> tuple[dict[str, str], dict[str, InventoryError]]:
    """File names (``safe_filename`` + ``suffix``) for device names, and the names that get none.

    A name gets none when it is empty or too long, or when its file name
    differs from another's only in letter case (they would collide on
    case-insensitive file systems: both are refused).
    """
    files: dict[str, str] = {}
    problems: dict[str, InventoryError] = {}
    folded: dict[str, str] = {}
    for name in names:
        try:
            fname = f"{safe_filename(name)}{suffix}"
        except InventoryError as exc:
            problems[name] = exc
            continue
        other = folded.setdefault(fname.casefold(), name)
        if other != name:
            for device in (other, name):
                problems[device] = InventoryError(
                    f"devices {other!r} and {name!r} differ only in letter case: their files "
                    "would collide on case-insensitive file systems",
                    device=device,
                )
            files.pop(other, None)
            continue
        files[name] = fname
    return files, problems


def hosts_document(hosts: Mapping[str, HostVars]) -> dict[str, Any]:
    """The single document for ``cue export``: ``{"hosts": {"<name>": {...}}}``."""
    return {"hosts": dict(hosts)}


def dumps(document: Any, fmt: Format) -> str:
    """``document`` as JSON (indented) or YAML text."""
    try:
        if fmt == "json":
            return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
        text: str = yaml.dump(
            document, Dumper=_Yaml12SafeDumper, sort_keys=False, allow_unicode=True,
            default_flow_style=False,
        )
    except (ValueError, TypeError, yaml.YAMLError) as exc:
        raise InventoryError(f"cannot write the host variables as {fmt.upper()}: {exc}") from None
    if fmt == "yaml" and (".nan" in text or ".inf" in text) and _has_nan(document):
        raise InventoryError("cannot write the host variables as YAML: a number is not finite")
    return text


def _has_nan(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return True
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _replace_all(outdir: Path, files: Mapping[Path, str]) -> None:
    """Write every file to a temporary name, then rename them all into place; if any step
    fails, the files already renamed get their old content back and no temporary file stays.

    A process killed midway leaves each file whole (old or new content) and may leave
    hidden ``.netdata-*.tmp`` files: never a half-written one under a device's name.
    """
    temps: dict[Path, str] = {}
    backups: dict[Path, str | None] = {}
    try:
        for target, text in files.items():
            if target.is_dir() and not target.is_symlink():
                raise IsADirectoryError(21, "a folder has the name of a host file", str(target))
            fd, tmp = tempfile.mkstemp(dir=outdir, prefix=".netdata-", suffix=".tmp")
            temps[target] = tmp
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
        for target, tmp in temps.items():
            backups[target] = _backup(outdir, target)
            os.replace(tmp, target)
    except OSError as exc:
        _roll_back(temps, backups)
        where = f" ({exc.filename})" if exc.filename else ""
        raise InventoryError(
            f"cannot write host files into {outdir}: {exc.strerror}{where}; nothing was changed",
            path=str(outdir),
        ) from None
    for backup in backups.values():
        if backup is not None:
            with contextlib.suppress(OSError):
                os.unlink(backup)


def _backup(outdir: Path, target: Path) -> str | None:
    """A hard link to ``target``'s current content (None when there is none)."""
    if not target.exists():
        return None
    fd, backup = tempfile.mkstemp(dir=outdir, prefix=".netdata-", suffix=".tmp")
    os.close(fd)
    try:
        os.unlink(backup)
        os.link(target, backup)
    except OSError:  # no hard links here (FAT, some network shares): a copy
        shutil.copyfile(target, backup)
    return backup


def _roll_back(temps: Mapping[Path, str], backups: Mapping[Path, str | None]) -> None:
    for target, backup in backups.items():
        with contextlib.suppress(OSError):
            if backup is None:
                if not Path(temps[target]).exists():  # already renamed: a new file
                    os.unlink(target)
            else:
                os.replace(backup, target)
    for tmp in temps.values():
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def write_host_files(
    hosts: Mapping[str, HostVars], outdir: str | Path, fmt: Format = "yaml", *, prune: bool = False
) -> list[Path]:
    """Write one file per device into ``outdir``; returns the paths written.

    All files are written to temporary names first and renamed into place only
    when every one succeeded, so an error leaves no partial output.  With
    ``prune``, other ``*.<fmt>`` files already in ``outdir`` (devices no longer
    in the inventory) are removed.
    """
    outdir = Path(outdir)
    names, problems = device_file_names(hosts, f".{fmt}")
    if problems:
        raise next(iter(problems.values()))
    targets = {name: outdir / fname for name, fname in names.items()}
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InventoryError(
            f"cannot create {outdir}: {exc.strerror}", path=str(outdir)
        ) from None
    texts = {name: dumps(hosts_document({name: host}), fmt) for name, host in hosts.items()}
    _replace_all(outdir, {targets[name]: text for name, text in texts.items()})
    written = list(targets.values())
    if prune:
        keep = set(written)
        for stale in outdir.glob(f"*.{fmt}"):
            if stale not in keep and stale.is_file() and not stale.is_symlink():
                stale.unlink()
    return written
