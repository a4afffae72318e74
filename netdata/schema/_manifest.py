"""The model manifest (``models/openconfig.toml``) and where the YANG files are."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from netdata._exceptions import SetupError

# A link to models/openconfig.toml, so that built wheels carry the manifest too.
DEFAULT_MANIFEST = Path(__file__).parent / "openconfig.toml"
YANG_PATH_ENV = "NETDATA_YANG_PATH"


@dataclass(frozen=True)
class Manifest:
    """The pinned upstream and the modules to compile."""

    repository: str
    tag: str
    commit: str
    paths: tuple[str, ...]
    modules: tuple[str, ...]
    """The modules to compile; empty: every module of the model folders."""


def load_manifest(path: Path | None = None) -> Manifest:
    """Read the manifest (default: ``models/openconfig.toml``, shipped in the package)."""
    path = path or DEFAULT_MANIFEST
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        upstream, compile_ = data["upstream"], data["compile"]
        return Manifest(
            repository=upstream["repository"],
            tag=upstream["tag"],
            commit=upstream["commit"],
            paths=tuple(upstream["paths"]),
            modules=tuple(compile_.get("modules", ())),
        )
    except OSError as exc:
        raise SetupError(f"model manifest {path} cannot be read: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
        raise SetupError(f"model manifest {path} is malformed: {exc}") from None


def cache_root() -> Path:
    """``${XDG_CACHE_HOME:-~/.cache}/netdata``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "netdata"


def fetched_models_dir(manifest: Manifest) -> Path:
    """Where ``netdata models fetch`` puts the pinned tag."""
    return cache_root() / "models" / manifest.tag


ModelsArg = str | Path | Sequence[str | Path] | None
"""One model folder, several (searched in order), or None for the default."""


def find_models(explicit: ModelsArg, manifest: Manifest | None = None) -> tuple[Path, ...]:
    """The YANG model folders: ``explicit``, else ``$NETDATA_YANG_PATH`` (``:``-separated),
    else a fetched copy."""
    if isinstance(explicit, str | Path):
        explicit = [explicit]
    if explicit:
        chosen, source = [Path(p).expanduser() for p in explicit], "--models"
    elif os.environ.get(YANG_PATH_ENV):
        parts = os.environ[YANG_PATH_ENV].split(os.pathsep)
        chosen, source = [Path(p).expanduser() for p in parts if p], YANG_PATH_ENV
    else:
        fetched = fetched_models_dir(manifest or load_manifest())
        if fetched.is_dir():
            return (fetched,)
        raise SetupError(
            "no YANG models: pass --models DIR, set NETDATA_YANG_PATH, "
            "or run `netdata models fetch`"
        )
    for path in chosen:
        if not path.is_dir():
            raise SetupError(f"YANG model path {str(path)!r} (from {source}) is not a directory")
    return tuple(chosen)
