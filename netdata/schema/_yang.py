"""Loading YANG modules with pyang: the one place netdata builds a pyang Context."""

from __future__ import annotations

import optparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pyang import context, error, repository

from netdata._exceptions import SchemaError


def module_dirs(models: Path) -> list[Path]:
    """Every folder under ``models`` that holds ``.yang`` files."""
    if not models.is_dir():
        raise SchemaError(f"YANG model path {str(models)!r} does not exist or is not a directory")
    dirs = sorted({p.parent for p in models.rglob("*.yang")})
    if not dirs:
        raise SchemaError(f"YANG model path {str(models)!r} holds no .yang files")
    return dirs


def load_modules(models: Path, names: Sequence[str]) -> tuple[Any, list[Any]]:
    """Parse and validate ``names`` (and their imports) found under ``models``.

    Returns the pyang context and the module statements, in the order given.
    Raises :class:`SchemaError` naming the file and line of every error.
    """
    dirs = module_dirs(models)
    repo = repository.FileRepository(":".join(map(str, dirs)), use_env=False)
    ctx = context.Context(repo)
    ctx.opts = optparse.Values({"cue_leafref_check": True})
    ctx.lax_xpath_checks = False
    ctx.lax_quote_checks = True
    modules = []
    for name in names:
        module = ctx.search_module(error.Position(name), name)
        if module is None:
            raise SchemaError(f"YANG module {name!r} not found under {str(models)!r}")
        modules.append(module)
    ctx.validate()
    raise_for_errors(ctx)
    return ctx, modules


def raise_for_errors(ctx: Any) -> None:
    """Raise :class:`SchemaError` if pyang reported errors (warnings are ignored)."""
    problems = []
    for pos, tag, args in ctx.errors:
        if error.is_error(error.err_level(tag)):
            problems.append(f"{pos.ref}:{pos.line}: {error.err_to_str(tag, args)}")
    if problems:
        shown = "\n  ".join(problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise SchemaError(f"YANG modules do not compile:\n  {shown}{more}")
