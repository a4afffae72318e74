"""The network repository's settings: ``netdata.yaml`` or ``[tool.netdata]`` in pyproject.toml.

Every key has a default, so a repository laid out like ``examples/fabric``
needs no settings file at all::

    inventory: inventory/hosts.yaml   # host-variable file or folder, or {source: ..., ...}
    groups: groups                    # group variables folder
    transforms: transforms            # the CUE package with #Device
    output: build                     # build output folder
    models: [/path/to/yang]           # YANG model folders
    executor: local                   # or tcp://HOST:PORT, a Dask scheduler (docs/executor.md)
    push: {...}                       # read by push only (Settings.section("push"))

Paths in the file are relative to the file's folder. Precedence: command-line
flags (:meth:`Settings.replace`) > ``NETDATA_*`` environment variables > file
> defaults.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netdata._documents import parse_data, read_text
from netdata._exceptions import DocumentError, SetupError
from netdata.executor import check_spec

SETTINGS_FILE = "netdata.yaml"
KEYS = ("inventory", "groups", "transforms", "output", "models", "executor", "push")
_ENV = {
    "inventory": "NETDATA_INVENTORY",
    "groups": "NETDATA_GROUPS",
    "transforms": "NETDATA_TRANSFORMS",
    "output": "NETDATA_OUTPUT",
    "models": "NETDATA_MODELS",
    "executor": "NETDATA_EXECUTOR",
}
DEFAULT_INVENTORY = "inventory/hosts.yaml"

Inventory = Path | dict[str, Any]
"""A host-variable file or folder, or a live source: ``{source: nautobot-graphql, url: ...}``."""


@dataclass(frozen=True)
class Settings:
    """Where the parts of a network repository are (absolute paths)."""

    root: Path
    inventory: Inventory
    groups: Path
    transforms: Path
    output: Path
    models: tuple[Path, ...] = ()
    executor: str = "local"
    """Where build, validate and push run their jobs: ``local`` or ``tcp://HOST:PORT``."""
    file: Path | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)

    def section(self, name: str) -> dict[str, Any]:
        """The raw mapping of a section the file holds (``push``), empty if absent."""
        value = self.raw.get(name)
        return dict(value) if isinstance(value, Mapping) else {}

    def replace(self, **changes: Any) -> Settings:
        """A copy with the given fields replaced (command-line flags; None: keep)."""
        given = {k: v for k, v in changes.items() if v is not None}
        for key in ("groups", "transforms", "output"):
            if key in given:
                given[key] = Path(given[key]).absolute()
        if isinstance(given.get("inventory"), str | Path):
            given["inventory"] = Path(given["inventory"]).absolute()
        if "models" in given:
            given["models"] = tuple(Path(m).absolute() for m in given["models"])
        return dataclasses.replace(self, **given)


def find_settings_file(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest netdata.yaml (or pyproject.toml with ``[tool.netdata]``) from ``start`` up."""
    for folder in (start, *start.parents):
        candidate = folder / SETTINGS_FILE
        if candidate.is_file():
            return candidate, _read_yaml(candidate)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            table = _read_pyproject(pyproject)
            if table is not None:
                return pyproject, table
    return None


def load_settings(start: str | Path | None = None) -> Settings:
    """The settings of the repository containing ``start`` (default: the current folder).

    Raises :class:`SetupError` naming the file for an unreadable file, an
    unknown key or a value of the wrong type.
    """
    begin = Path(start if start is not None else os.getcwd()).absolute()
    found = find_settings_file(begin)
    path, data = found if found is not None else (None, {})
    root = path.parent if path is not None else begin
    where = str(path) if path is not None else "defaults"
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise SetupError(
            f"{where}: unknown setting {unknown[0]!r} (known: {', '.join(KEYS)})"
        )
    values: dict[str, Any] = {}
    for key in ("groups", "transforms", "output"):
        values[key] = _path(key, data, root, where)
    values["inventory"] = _inventory(data, root, where)
    values["models"] = _models(data, root, where)
    values["executor"] = _executor(data, where)
    if "push" in data and not isinstance(data["push"], Mapping):
        raise SetupError(f"{where}: 'push' must be a mapping")
    return Settings(root=root, file=path, raw=data, **values)


def _path(key: str, data: Mapping[str, Any], root: Path, where: str) -> Path:
    env = os.environ.get(_ENV[key])
    if env:
        return Path(env).absolute()
    value = data.get(key, key if key != "output" else "build")
    if not isinstance(value, str) or not value:
        raise SetupError(f"{where}: {key!r} must be a path (a non-empty string)")
    return (root / value).absolute()


def _inventory(data: Mapping[str, Any], root: Path, where: str) -> Inventory:
    env = os.environ.get(_ENV["inventory"])
    if env:
        return Path(env).absolute()
    value = data.get("inventory")
    if value is None:
        default = root / DEFAULT_INVENTORY
        return default if default.exists() or not default.parent.is_dir() else default.parent
    if isinstance(value, str) and value:
        return (root / value).absolute()
    if isinstance(value, Mapping) and isinstance(value.get("source"), str):
        mapping = dict(value)
        if mapping["source"] == "file" and isinstance(mapping.get("path"), str):
            mapping["path"] = str((root / mapping["path"]).absolute())
        return mapping
    raise SetupError(
        f"{where}: 'inventory' must be a path or a mapping with a 'source' "
        "(nautobot-graphql, nautobot-rest, netbox or file)"
    )


def _models(data: Mapping[str, Any], root: Path, where: str) -> tuple[Path, ...]:
    env = os.environ.get(_ENV["models"])
    if env:
        return tuple(Path(p).absolute() for p in env.split(os.pathsep) if p)
    value = data.get("models", [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise SetupError(f"{where}: 'models' must be a list of folder paths")
    return tuple((root / v).absolute() for v in value)


def _executor(data: Mapping[str, Any], where: str) -> str:
    value = os.environ.get(_ENV["executor"]) or data.get("executor", "local")
    if not isinstance(value, str):
        raise SetupError(f"{where}: 'executor' must be 'local' or tcp://HOST:PORT")
    try:
        return check_spec(value)
    except SetupError as exc:
        raise SetupError(f"{where}: {exc}") from None


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = read_text(path)
        data = parse_data(text, str(path)) if text.strip() else {}
    except DocumentError as exc:
        raise SetupError(str(exc)) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SetupError(f"{path}: expected a mapping of settings")
    return data


def _read_pyproject(path: Path) -> dict[str, Any] | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SetupError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SetupError(f"{path}: not valid TOML: {exc}") from None
    table = data.get("tool", {}).get("netdata")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise SetupError(f"{path}: [tool.netdata] must be a table")
    return table
