"""Loading YANG modules with pyang: the one place netdata builds a pyang Context."""

from __future__ import annotations

import optparse
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netdata._exceptions import SchemaError

_HEADER = re.compile(r"^\s*(module|submodule)\s+([\w.-]+)", re.M)
_COMMENTS = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)


@dataclass
class Loaded:
    """The result of :func:`load_modules`.

    ``defects`` lists the pyang errors (``file:line: message``) that were
    reported and gone past: each names a statement pyang did not apply (a
    deviation whose target or type does not resolve, an augment of a missing
    node, an import of a module that is not in the folders).
    """

    ctx: Any
    modules: list[Any]
    defects: list[str] = field(default_factory=list)


def module_dirs(models: Sequence[Path]) -> list[Path]:
    """Every folder under the ``models`` folders that holds ``.yang`` files, in the order given."""
    dirs: list[Path] = []
    for root in models:
        if not root.is_dir():
            raise SchemaError(f"YANG model path {str(root)!r} does not exist or is not a directory")
        found = sorted({p.parent for p in root.rglob("*.yang")})
        if not found:
            raise SchemaError(f"YANG model path {str(root)!r} holds no .yang files")
        dirs += [d for d in found if d not in dirs]
    return dirs


def folder_modules(models: Sequence[Path]) -> list[str]:
    """The names of every main module (not submodule) in the ``models`` folders, sorted.

    OpenConfig modules come first: when two modules define the same top-level
    name, the first one compiled gets the plain authoring name (docs/schema.md).
    """
    names: set[str] = set()
    for folder in module_dirs(models):
        for path in folder.glob("*.yang"):
            head = _COMMENTS.sub("", path.read_text(encoding="utf-8", errors="replace")[:8000])
            match = _HEADER.search(head)
            if match and match.group(1) == "module":
                names.add(match.group(2))
    return sorted(names, key=lambda n: (not n.startswith("openconfig-"), n))


def load_modules(
    models: Sequence[Path], names: Sequence[str], *, tolerate_defects: bool = False
) -> Loaded:
    """Parse and validate ``names`` (and their imports) found under the ``models`` folders.

    Raises :class:`SchemaError` naming the file and line of every error; with
    ``tolerate_defects`` (a whole vendor folder) pyang applies what is
    well-formed and the errors are returned in :attr:`Loaded.defects`.
    """
    ctx, modules = _context(module_dirs(models), models, names)
    problems = _errors(ctx)
    if problems and not tolerate_defects:
        raise_for_errors(problems)
    return Loaded(ctx, modules, problems)


def _context(dirs: Sequence[Path], models: Sequence[Path], names: Sequence[str]) -> tuple[Any, Any]:
    from pyang import context, error, repository  # only to compile: not on a cached start

    repo = repository.FileRepository(":".join(map(str, dirs)), use_env=False)
    ctx = context.Context(repo)
    ctx.opts = optparse.Values({"cue_leafref_check": True})
    ctx.lax_xpath_checks = False
    ctx.lax_quote_checks = True
    modules = []
    for name in names:
        module = ctx.search_module(error.Position(name), name)
        if module is None:
            shown = ", ".join(map(str, models))
            raise SchemaError(f"YANG module {name!r} not found under {shown!r}")
        modules.append(module)
    ctx.validate()
    return ctx, modules


def _errors(ctx: Any) -> list[str]:
    """``file:line: message`` of every pyang error (warnings are ignored), sorted."""
    from pyang import error

    out = set()
    for pos, tag, args in ctx.errors:
        if error.is_error(error.err_level(tag)):
            out.add(f"{pos.ref}:{pos.line}: {error.err_to_str(tag, args)}")
    return sorted(out)


def raise_for_errors(lines: list[str]) -> None:
    """Raise :class:`SchemaError` listing ``lines`` (from :func:`_errors`)."""
    if lines:
        shown = "\n  ".join(lines[:20])
        more = f"\n  ... and {len(lines) - 20} more" if len(lines) > 20 else ""
        raise SchemaError(f"YANG modules do not compile:\n  {shown}{more}")
