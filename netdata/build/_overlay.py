"""The private CUE module a build runs `cue` in, and the generated file that drives it.

The overlay is a temporary folder that mirrors the network repository (a
symbolic link per top-level entry, so the user's files are read in place and
cue reports positions under their repository paths) with its own
``cue.mod``: the user's ``module.cue`` (or a generated one) and, as a legacy
``cue.mod/pkg`` package, the compiled OpenConfig definitions at
:data:`IMPORT_PATH`. Two variants exist: *fast*, where ``#Root`` is open
(``{...}``) so exporting the fleet costs only the transforms, and *check*,
where ``#Root`` is the compiled schema, used for the devices that failed
validation to get cue's errors with positions in the user's files. CUE group
files become packages under ``cue.mod/pkg/netdata.example/groups/<n>``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from netdata.build._repository import GroupFile, Host
from netdata.schema import SchemaBuild

IMPORT_PATH = "netdata.example/oc"
"""The import path of the compiled OpenConfig definitions: ``import "netdata.example/oc"``."""
_GROUPS_PATH = "netdata.example/groups"
FILES_FIELD = "netdata_files"
OUT_FIELD = "netdata_out"
GENERATED = "netdata_build.cue"
LIVE_HOSTS = "netdata-inventory"
"""The overlay folder of host variables fetched from a live source (shown in positions)."""
_MODULE = 'module: "netdata.example/network@v0"\nlanguage: version: "v0.17.1"\n'
_PACKAGE_LINE = re.compile(r"^package \w+$", re.MULTILINE)


@dataclass
class Overlay:
    """A private CUE module mirroring ``root``; remove it with :meth:`close`."""

    root: Path
    directory: Path
    check: bool
    groups: dict[Path, str] = field(default_factory=dict)
    """CUE group file -> its import path in the overlay."""
    shown: dict[str, str] = field(default_factory=dict)
    """Overlay-relative file names -> the names errors show."""

    def __enter__(self) -> Overlay:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)

    def add_data(self, name: str, data: bytes) -> Path:
        """Write a data file into the overlay (host variables of a live source)."""
        folder = self.directory / LIVE_HOSTS
        folder.mkdir(exist_ok=True)
        (folder / name).write_bytes(data)
        return Path(LIVE_HOSTS, name)

    def path(self, file: Path) -> str:
        """How cue is given ``file``: relative to the overlay when inside the repository."""
        try:
            return str(file.relative_to(self.root))
        except ValueError:
            return str(file)

    def key(self, file: Path) -> str:
        """The label of ``file`` in ``netdata_files`` (cue places data files by absolute name)."""
        given = self.path(file)
        return given if os.path.isabs(given) else str(self.directory / given)

    def show(self, name: str) -> str:
        """The file name to report for a position cue gave in ``name``."""
        plain = name[2:] if name.startswith("./") else name
        for prefix, shown in self.shown.items():
            if plain.startswith(prefix):
                return shown + plain[len(prefix):]
        return plain


def open_overlay(
    root: Path, build: SchemaBuild, group_files: Iterable[GroupFile], *, check: bool
) -> Overlay:
    """Create the overlay module for the repository at ``root``."""
    directory = Path(tempfile.mkdtemp(prefix="netdata-build-"))
    overlay = Overlay(root, directory, check)
    try:
        for entry in sorted(root.iterdir()):
            if entry.name != "cue.mod":
                (directory / entry.name).symlink_to(entry)
        _cue_mod(overlay, build)
        for n, group in enumerate(g for g in group_files if g.is_cue):
            folder = directory / "cue.mod" / "pkg" / _GROUPS_PATH / str(n)
            folder.mkdir(parents=True)
            (folder / group.path.name).symlink_to(group.path)
            overlay.groups[group.path] = f"{_GROUPS_PATH}/{n}:{group.package}"
            overlay.shown[f"cue.mod/pkg/{_GROUPS_PATH}/{n}/{group.path.name}"] = overlay.path(
                group.path
            )
    except BaseException:
        overlay.close()
        raise
    return overlay


def _cue_mod(overlay: Overlay, build: SchemaBuild) -> None:
    user = overlay.root / "cue.mod"
    mod = overlay.directory / "cue.mod"
    pkg = mod / "pkg"
    pkg.mkdir(parents=True)
    module = user / "module.cue"
    (mod / "module.cue").write_text(
        module.read_text(encoding="utf-8") if module.is_file() else _MODULE, encoding="utf-8"
    )
    if user.is_dir():
        for entry in sorted(user.iterdir()):
            if entry.name not in ("module.cue", "pkg"):
                (mod / entry.name).symlink_to(entry)
        if (user / "pkg").is_dir():
            for entry in sorted((user / "pkg").iterdir()):
                if entry.name != IMPORT_PATH.split("/")[0]:
                    (pkg / entry.name).symlink_to(entry)
    schema_dir = pkg / IMPORT_PATH
    schema_dir.mkdir(parents=True)
    package = IMPORT_PATH.rsplit("/", 1)[1]
    if overlay.check:
        text = _PACKAGE_LINE.sub(f"package {package}", build.cue_source, count=1)
    else:
        text = f"package {package}\n\n#Root: {{...}}\n"
    (schema_dir / "schema.cue").write_text(text, encoding="utf-8")
    overlay.shown[f"cue.mod/pkg/{IMPORT_PATH}/"] = f"{IMPORT_PATH}/"


@dataclass(frozen=True)
class Device:
    """What the generated file unifies for one device."""

    host: Host
    groups: Sequence[GroupFile]
    data_file: Path
    """The file cue reads the host variables from (the inventory file, or one written here)."""


def generated_file(package: str, overlay: Overlay, devices: Sequence[Device]) -> str:
    """The CUE file that evaluates ``#Device`` for every device of a run.

    Each device's ``vars`` are its host variables unified with every group
    file that applies; its ``config`` is unified with ``#Root`` (open in the
    fast overlay) in the same unification, and the device itself is
    exported, at ``netdata_out: <device>`` (its regular fields: ``config``,
    ``vars``, any other the user's ``#Device`` declares). Copying the fields
    out (``{let d = #Device & ..., config: #Root & d.config, vars: d.vars}``)
    made cue evaluate every transform twice: 40 % of its CPU, measured. Both
    ``config`` and ``vars`` are exported because cue reports errors only in
    what it evaluates, and an unknown key in the variables (of a closed
    ``#Device.vars``) does not reach ``config``.
    """
    imports = sorted({overlay.groups[g.path] for d in devices for g in d.groups if g.is_cue})
    alias = {path: f"netdata_g{n}" for n, path in enumerate(imports)}
    lines = [f"package {package}", "", "import (", f'\tnetdata_oc "{IMPORT_PATH}"']
    lines += [f'\t{alias[p]} "{p}"' for p in imports]
    lines += [")", "", f"{FILES_FIELD}: [string]: _", f"{OUT_FIELD}: {{"]
    for device in devices:
        parts = [_select(overlay.key(device.data_file), device.host.selector)]
        for group in device.groups:
            if group.is_cue:
                parts.append(alias[overlay.groups[group.path]])
            else:
                parts.append(_select(overlay.key(group.path), ()))
        parts.append(f"{{name: {json.dumps(device.host.name)}}}")
        unified = " & ".join(parts)
        lines.append(
            f"\t{json.dumps(device.host.name)}: #Device & "
            f"{{vars: {unified}, config: netdata_oc.#Root}}"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def _select(file_key: str, selector: tuple[str | int, ...]) -> str:
    text = f"{FILES_FIELD}[{json.dumps(file_key)}]"
    for label in selector:
        text += f"[{label}]" if isinstance(label, int) else f"[{json.dumps(label)}]"
    return text
