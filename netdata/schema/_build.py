"""``build_schema``: compile the pinned modules into a cached schema directory.

The directory, ``${XDG_CACHE_HOME:-~/.cache}/netdata/schema/<checksum>/``, is
keyed by a checksum of the YANG files, the module list and the compiler's own
source (:func:`compiler_files`), and holds:

- ``schema.cue``: package ``netdata`` with ``#Root`` (the authoring form);
- ``defaults.cue``: the YANG defaults, only with ``cue -t defaults``;
- ``meta.json``: the schema IR the encoder, decoder and post-checks read;
- ``schema.json``: JSON Schema (2020-12) of the authoring form;
- ``coverage.json``: what is enforced, per YANG statement kind.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from netdata._exceptions import SchemaError
from netdata.schema._ir import Schema, schema_from_json, schema_to_json
from netdata.schema._manifest import ModelsArg, cache_root, find_models, load_manifest
from netdata.schema._yang import folder_modules, module_dirs

COMPILER_VERSION = "1"
_PACKAGE = __name__.rpartition(".")[0]
_IMPORTS = re.compile(rf"^[ \t]*from[ \t]+{re.escape(_PACKAGE)}\.(_\w+)[ \t]+import\b", re.M)
"""``from netdata.schema._x import ...`` statements, at any indentation (a text scan: parsing
the modules cost more than the rest of a cached start of the schema)."""
FILES = ("schema.cue", "defaults.cue", "meta.json", "schema.json", "coverage.json")


@dataclass(frozen=True)
class SchemaBuild:
    """A built schema directory."""

    directory: Path
    checksum: str
    modules: tuple[str, ...] = field(default=())

    @property
    def cue_file(self) -> Path:
        return self.directory / "schema.cue"

    @property
    def defaults_file(self) -> Path:
        return self.directory / "defaults.cue"

    @property
    def meta_file(self) -> Path:
        return self.directory / "meta.json"

    @property
    def jsonschema_file(self) -> Path:
        return self.directory / "schema.json"

    @property
    def coverage_file(self) -> Path:
        return self.directory / "coverage.json"

    @cached_property
    def cue_source(self) -> str:
        return self.cue_file.read_text(encoding="utf-8")

    @property
    def defects(self) -> list[str]:
        """pyang errors gone past compiling a whole folder (``file:line: message``)."""
        return self.schema.defects

    @cached_property
    def schema(self) -> Schema:
        """The schema IR (``meta.json``), loaded once."""
        try:
            return schema_from_json(json.loads(self.meta_file.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError) as exc:
            raise SchemaError(f"schema metadata {self.meta_file} is unreadable: {exc}") from None


@functools.cache
def compiler_files() -> tuple[Path, ...]:
    """The compiler's own source: this module and the schema modules it imports, transitively.

    Only these key the cache, so editing the validator, the codec or the CLI
    does not invalidate every cached schema.
    """
    here = Path(__file__)
    found, todo = {here}, [here]
    while todo:
        for name in _IMPORTS.findall(todo.pop().read_text(encoding="utf-8")):
            source = here.with_name(name + ".py")
            if source not in found:
                found.add(source)
                todo.append(source)
    return tuple(sorted(found))


def models_checksum(models: Sequence[Path], modules: Sequence[str]) -> str:
    """sha256 over every .yang file, the module list and the compiler's own source."""
    digest = hashlib.sha256(f"netdata-schema {COMPILER_VERSION}\n".encode())
    for source in compiler_files():
        digest.update(hashlib.sha256(source.read_bytes()).digest())
    digest.update(("\n".join(modules) + "\n").encode())
    for folder in module_dirs(models):
        digest.update(str(folder).encode() + b"\0")
        for path in sorted(folder.glob("*.yang")):
            digest.update(path.name.encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:24]


def build_schema(
    models: ModelsArg = None,
    modules: Sequence[str] | None = None,
    *,
    cache_dir: str | Path | None = None,
    force: bool = False,
) -> SchemaBuild:
    """Compile YANG modules to CUE + metadata + JSON Schema, or reuse the cached build.

    ``models`` (one folder or several) defaults to ``$NETDATA_YANG_PATH``;
    ``modules`` to the manifest's list, and when that is empty to every module
    of the folders (their deviations and augments applied), in which case
    what is well-formed is applied and each pyang error is listed in
    ``coverage.json``'s ``defects`` (and :attr:`SchemaBuild.defects`); ``cache_dir`` to
    ``${XDG_CACHE_HOME:-~/.cache}/netdata/schema``. Raises
    :class:`SchemaError` when the modules do not compile.
    """
    roots = find_models(models)
    names = tuple(modules) if modules else load_manifest().modules
    whole_folder = not names
    if whole_folder:
        names = tuple(folder_modules(roots))
    checksum = models_checksum(roots, names)
    base = Path(cache_dir) if cache_dir is not None else cache_root() / "schema"
    target = base / checksum
    if not force and all((target / f).is_file() for f in FILES):
        return SchemaBuild(target, checksum, names)
    # the compiler, imported only to compile (pyang and the emitters are not needed to
    # read a cached build, which is nearly every run)
    from netdata.schema._compile import compile_schema
    from netdata.schema._coverage import coverage_report
    from netdata.schema._emit_cue import emit_cue, emit_defaults
    from netdata.schema._emit_jsonschema import emit_jsonschema
    from netdata.schema._yang import load_modules

    loaded = load_modules(roots, names, tolerate_defects=whole_folder)
    schema = compile_schema(loaded.ctx, loaded.modules)
    schema.checksum = checksum
    schema.defects = loaded.defects
    outputs = {
        "schema.cue": emit_cue(schema),
        "defaults.cue": emit_defaults(schema),
        "meta.json": json.dumps(schema_to_json(schema), separators=(",", ":")),
        "schema.json": json.dumps(emit_jsonschema(schema), indent=1),
        "coverage.json": json.dumps(coverage_report(schema), indent=1),
    }
    _write_atomically(target, outputs, replace=force)
    return SchemaBuild(target, checksum, names)


def _write_atomically(target: Path, outputs: dict[str, str], replace: bool) -> None:
    """Write into a private folder, then rename it into place.

    If another process finished the same build first, its folder is kept
    (unless ``replace``), so readers never see a half-written build.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for name, text in outputs.items():
            (staging / name).write_text(text, encoding="utf-8")
        if target.exists() and (replace or not all((target / f).is_file() for f in outputs)):
            shutil.rmtree(target)
        if not target.exists():
            staging.rename(target)
    except OSError as exc:
        if not all((target / f).is_file() for f in outputs):
            raise SchemaError(f"cannot write the schema build to {target}: {exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
