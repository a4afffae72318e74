"""Loading YANG modules with pyang: the one place netdata builds a pyang Context."""

from __future__ import annotations

import optparse
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyang import context, error, repository

from netdata._exceptions import SchemaError

_HEADER = re.compile(r"^\s*(module|submodule)\s+([\w.-]+)", re.M)
_COMMENTS = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)


@dataclass
class Loaded:
    """The result of :func:`load_modules`.

    ``skipped`` names each module left out because it (or a module it needs)
    does not compile, with the pyang errors as ``file:line: message``.
    """

    ctx: Any
    modules: list[Any]
    skipped: dict[str, list[str]] = field(default_factory=dict)


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
    models: Sequence[Path], names: Sequence[str], *, skip_defective: bool = False
) -> Loaded:
    """Parse and validate ``names`` (and their imports) found under the ``models`` folders.

    Raises :class:`SchemaError` naming the file and line of every error; with
    ``skip_defective`` a module whose file has errors (or that imports one) is
    left out instead, reported in :attr:`Loaded.skipped`, and the rest is
    compiled again without it.
    """
    dirs = module_dirs(models)
    wanted = list(names)
    skipped: dict[str, list[str]] = {}
    while True:
        ctx, modules = _context(dirs, models, wanted)
        problems = _errors(ctx)
        if not problems:
            return Loaded(ctx, modules, skipped)
        if not skip_defective:
            raise_for_errors(problems)
        bad = _defective(ctx, problems, wanted)
        if not bad:
            raise_for_errors(problems)
        for name, messages in bad.items():
            skipped[name] = messages
        wanted = [n for n in wanted if n not in bad]


def _context(dirs: Sequence[Path], models: Sequence[Path], names: Sequence[str]) -> tuple[Any, Any]:
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


def _errors(ctx: Any) -> list[tuple[str, str]]:
    """(file, "file:line: message") of every pyang error (warnings are ignored)."""
    out = []
    for pos, tag, args in ctx.errors:
        if error.is_error(error.err_level(tag)):
            out.append((str(pos.ref), f"{pos.ref}:{pos.line}: {error.err_to_str(tag, args)}"))
    return out


def _defective(
    ctx: Any, problems: list[tuple[str, str]], wanted: Sequence[str]
) -> dict[str, list[str]]:
    """The wanted modules to leave out: those whose file (or an included/imported
    module's file) has an error, each with its messages."""
    files: dict[str, list[str]] = {}
    for ref, message in problems:
        files.setdefault(Path(ref).name, []).append(message)
    by_name = {m.arg: m for m in ctx.modules.values()}
    bad: dict[str, list[str]] = {}
    for name in wanted:
        module = by_name.get(name)
        if module is None:
            continue
        for dep in _dependencies(module, by_name):
            messages = files.get(Path(str(dep.pos.ref)).name)
            if messages:
                why = messages if dep is module else [f"needs {dep.arg}: {messages[0]}"]
                bad[name] = why
                break
    return bad


def _dependencies(module: Any, by_name: dict[str, Any]) -> list[Any]:
    """``module`` first, then every module and submodule it imports or includes, transitively."""
    seen = [module]
    todo = [module]
    while todo:
        current = todo.pop()
        for stmt in current.search("import") + current.search("include"):
            dep = by_name.get(stmt.arg) or current.i_ctx.get_module(stmt.arg)
            if dep is None:
                for sub in current.i_ctx.modules.values():
                    if sub.arg == stmt.arg:
                        dep = sub
                        break
            if dep is not None and all(dep is not s for s in seen):
                seen.append(dep)
                todo.append(dep)
    return seen


def raise_for_errors(problems: list[tuple[str, str]]) -> None:
    """Raise :class:`SchemaError` listing ``problems`` (from :func:`_errors`)."""
    if problems:
        lines = [message for _ref, message in problems]
        shown = "\n  ".join(lines[:20])
        more = f"\n  ... and {len(lines) - 20} more" if len(lines) > 20 else ""
        raise SchemaError(f"YANG modules do not compile:\n  {shown}{more}")
