"""Host variables out: one ``{"hosts": {...}}`` document, or one file per device.

Every per-device file holds ``{"hosts": {"<name>": {...}}}``, so ``cue export
out/*.yaml`` unifies the files into the same document that ``--stdout`` prints.
"""

from __future__ import annotations

import contextlib
import json
import os
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
    if fmt == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    text: str = yaml.dump(
        document, Dumper=_Yaml12SafeDumper, sort_keys=False, allow_unicode=True,
        default_flow_style=False,
    )
    return text


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
    temps: list[tuple[str, Path]] = []
    try:
        for name, host in hosts.items():
            fd, tmp = tempfile.mkstemp(dir=outdir, prefix=".netdata-", suffix=".tmp")
            temps.append((tmp, targets[name]))
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(dumps(hosts_document({name: host}), fmt))
        for tmp, target in temps:
            os.replace(tmp, target)
    except OSError as exc:
        for tmp, _ in temps:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise InventoryError(
            f"cannot write host files into {outdir}: {exc.strerror}", path=str(outdir)
        ) from None
    written = list(targets.values())
    if prune:
        keep = set(written)
        for stale in outdir.glob(f"*.{fmt}"):
            if stale not in keep and stale.is_file() and not stale.is_symlink():
                stale.unlink()
    return written
