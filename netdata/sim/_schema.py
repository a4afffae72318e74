"""The YANG schema shared by every simulated device: one libyang context per process.

The context is built once per models directory (about 1.5 s for the pinned
OpenConfig set) and shared by all devices; it answers three questions:
which child a path element or JSON member names, which models to advertise in
Capabilities, and whether a candidate configuration tree is valid.
"""

from __future__ import annotations

import functools
import glob
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import _libyang as _ly  # type: ignore[import-not-found]
import libyang

from netdata._documents import MAX_DEPTH
from netdata._exceptions import SchemaError
from netdata.schema import YANG_PATH_ENV
from netdata.sim._config import EMPTY, Config, split

MODELS_ENV = YANG_PATH_ENV
"""Where the simulator, like every stage, finds the YANG models (:func:`find_models`)."""

_MODULE_RE = re.compile(r"^\s*(module|submodule)\s+([\w.-]+)", re.M)
_ORG_RE = re.compile(r'^\s*organization\s+"([^"]*)"', re.M)
_OC_VERSION_RE = re.compile(r'openconfig-version\s+"([^"]+)"')
_LOCATION_RE = re.compile(r'^(.*?)\.?: (?:Data|Schema) location "([^"]+)"')
_LINE_RE = re.compile(r"\.?: Line number \d+\.?$")
_LIBYANG_LOCK = threading.Lock()
_COMMENT_RE = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)

CONTAINER, LIST, LEAF, LEAFLIST, ANY = "container", "list", "leaf", "leaf-list", "any"
_KINDS = {
    libyang.SNode.CONTAINER: CONTAINER,
    libyang.SNode.LIST: LIST,
    libyang.SNode.LEAF: LEAF,
    libyang.SNode.LEAFLIST: LEAFLIST,
    libyang.SNode.ANYDATA: ANY,
    libyang.SNode.ANYXML: ANY,
}
_INT_TYPES = {
    libyang.Type.INT8,
    libyang.Type.INT16,
    libyang.Type.INT32,
    libyang.Type.UINT8,
    libyang.Type.UINT16,
    libyang.Type.UINT32,
}


@dataclass(frozen=True)
class ModelInfo:
    """One model advertised in Capabilities."""

    name: str
    organization: str
    version: str


@dataclass(frozen=True, eq=False)
class SchemaNode:
    """A data node of the schema, as far as paths and JSON members need it."""

    name: str
    module: str
    kind: str
    config: bool
    keys: tuple[str, ...]
    snode: Any  # libyang.SNode; None for the root

    def member(self, parent: SchemaNode | None) -> str:
        """The RFC 7951 member name of this node below ``parent`` (None: top level)."""
        if parent is None or parent.module != self.module:
            return f"{self.module}:{self.name}"
        return self.name


class ValidationError(Exception):
    """libyang rejected a candidate tree; ``str()`` is libyang's message on one line."""


@functools.lru_cache(maxsize=4)
def load_schema(models: Path) -> Schema:
    """The shared :class:`Schema` for a models directory (built once per process)."""
    return Schema(models)


class Schema:
    """All modules found under a directory, loaded into one libyang context."""

    def __init__(self, root: Path) -> None:
        self.root = root
        files = sorted(glob.glob(os.path.join(root, "**", "*.yang"), recursive=True))
        self._modules = _main_modules(files)
        if not self._modules:
            raise SchemaError(f"no YANG modules found under {root}")
        search = ":".join(sorted({os.path.dirname(p) for p in files}))
        self.ctx = _build_context(search, sorted(self._modules))
        self._children: dict[int, dict[str, list[SchemaNode]]] = {}
        self._key_types: dict[tuple[int, str], int | None] = {}
        self._prefixes: dict[str, str] = {}
        for mod in self.ctx:
            if mod.implemented():
                self._prefixes.setdefault(mod.prefix(), mod.name())
        for mod in self.ctx:  # a module name wins over another module's prefix
            if mod.implemented():
                self._prefixes[mod.name()] = mod.name()
        self._lock = threading.Lock()
        self.root_node = SchemaNode("", "", CONTAINER, True, (), None)
        self._top = self._index(self._top_nodes())
        self.strict_json = _json_depth(self._top_nodes()) < MAX_DEPTH
        """Whether every document libyang accepts is one the reader accepts too: no anydata
        or anyxml (whose JSON libyang takes as it is) and no data nested as deep as
        :data:`~netdata._documents.MAX_DEPTH` (libyang's lexer already refuses NaN,
        U+0000 and overlong numbers). Then a request's text may go to libyang first
        and to the reader only to name what libyang rejected."""

    # -- capabilities -------------------------------------------------------
    def models(self) -> list[ModelInfo]:
        """Every implemented module with its organization and version."""
        out = []
        for mod in self.ctx:
            if not mod.implemented():
                continue
            path = self._modules.get(mod.name())
            text = _read_head(path, 1_000_000) if path else ""
            org = _ORG_RE.search(text)
            version = _OC_VERSION_RE.search(text)
            revisions = [r.date() for r in mod.revisions()]
            out.append(
                ModelInfo(
                    name=mod.name(),
                    organization=" ".join(org.group(1).split()) if org else "",
                    version=version.group(1) if version else (revisions[0] if revisions else ""),
                )
            )
        return sorted(out, key=lambda m: m.name)

    def module_for_prefix(self, prefix: str) -> str | None:
        """A module name for ``prefix``, which may be a module name or its YANG prefix."""
        return self._prefixes.get(prefix)

    # -- navigation ---------------------------------------------------------
    def children(self, node: SchemaNode) -> dict[str, list[SchemaNode]]:
        """Children of ``node`` by YANG name (choice and case are transparent)."""
        if node.snode is None:
            return self._top
        key = id(node)
        found = self._children.get(key)
        if found is None:
            with self._lock:
                found = self._index(_wrap(child) for child in node.snode.children())
                self._children[key] = found
        return found

    def child(self, node: SchemaNode, name: str, module: str | None = None) -> SchemaNode | None:
        """The child named ``name`` (in ``module`` if given); None if there is none.

        An unqualified name that several modules define resolves to the one in
        the parent's module, else to an OpenConfig module.
        """
        candidates = self.children(node).get(name, [])
        if module is not None:
            candidates = [c for c in candidates if c.module == module]
        if len(candidates) > 1:
            preferred = [c for c in candidates if c.module == node.module] or [
                c for c in candidates if c.module.startswith("openconfig-")
            ]
            candidates = preferred or candidates
        return candidates[0] if candidates else None

    def key_value(self, node: SchemaNode, key: str, text: str) -> Any:
        """The RFC 7951 JSON value of list key ``key`` given as a path string."""
        base = self._key_base(node, key)
        if base in _INT_TYPES:
            try:
                return int(text)
            except ValueError:
                return text
        if base == libyang.Type.BOOL and text in ("true", "false"):
            return text == "true"
        return text

    def key_text(self, node: SchemaNode, key: str, value: Any) -> str:
        """A list key value as comparable text: path keys match JSON values by it.

        Identities compare without their module prefix, so that a path key
        ``[identifier=BGP]`` finds ``"openconfig-policy-types:BGP"``.
        """
        if isinstance(value, bool):
            return "true" if value else "false"
        text = str(value)
        if self._key_base(node, key) == libyang.Type.IDENT:
            return text.rpartition(":")[2]
        return text

    def _key_base(self, node: SchemaNode, key: str) -> int | None:
        cache_key = (id(node), key)
        if cache_key not in self._key_types:
            leaf = self.child(node, key)
            self._key_types[cache_key] = _base_type(leaf.snode.type()) if leaf is not None else None
        return self._key_types[cache_key]

    # -- validation ---------------------------------------------------------
    def validate(self, text: str) -> Config:
        """Validate an RFC 7951 configuration; return libyang's canonical text of it.

        Raises ValidationError with libyang's message, prefixed by the data
        path at fault when libyang reports one. Calls are serialized: fleets
        in several threads share one context.
        """
        with _LIBYANG_LOCK:
            try:
                dnode = self._parse(text)
            except libyang.LibyangError:
                raise ValidationError(self._explain(text)) from None
            if dnode is None:
                return EMPTY
            try:
                return _printed(dnode)
            finally:
                dnode.free()

    def _parse(self, text: str) -> Any:
        return self.ctx.parse_data_mem(
            text, "json", strict=True, no_state=True, validate_present=True
        )

    def _explain(self, text: str) -> str:
        """libyang's message for an invalid ``text``, with the data location.

        libyang records data paths only while a process-wide logging flag is
        on, so the flag is set for this one re-parse of a rejected tree and
        reset to the python binding's default afterwards.
        """
        _ly.lib.ly_set_log_clb(_ly.ffi.NULL, True)
        try:
            self._parse(text)
            message = "rejected by libyang"
        except libyang.LibyangError as exc:
            message = str(exc)
        finally:
            _ly.lib.ly_set_log_clb(_ly.ffi.NULL, False)
        message = " ".join(message.removeprefix("failed to parse data tree: ").split())
        match = _LOCATION_RE.search(message)
        if match is None:
            return _LINE_RE.sub("", message)
        return f"{match.group(2)}: {match.group(1)}"

    # -- internals ----------------------------------------------------------
    def _top_nodes(self) -> Iterator[SchemaNode]:
        for mod in self.ctx:
            if mod.implemented():
                for snode in mod.children():
                    if snode.nodetype() in _KINDS:
                        yield _wrap(snode)

    @staticmethod
    def _index(nodes: Any) -> dict[str, list[SchemaNode]]:
        out: dict[str, list[SchemaNode]] = {}
        for node in nodes:
            if node.kind:
                out.setdefault(node.name, []).append(node)
        return out


def _printed(dnode: Any) -> Config:
    """The canonical text of a validated tree, printed top-level node by top-level node
    (the members joined are what libyang prints for the whole tree)."""
    members: dict[str, str] = {}
    for node in dnode.siblings():
        if node.schema().nodetype() in (libyang.SNode.LIST, libyang.SNode.LEAFLIST):
            # the entries of a top-level list are siblings, printed as one member
            return split(dnode.print_mem("json", with_siblings=True, pretty=False))
        printed = node.print_mem("json", pretty=False)  # {"module:name":<value>}
        end = printed.find('":')
        if end > 0:  # "{}": nothing to print (an implicit node)
            members[printed[2:end]] = printed[end + 2 : -1]
    return Config(members)


def _json_depth(nodes: Iterator[SchemaNode]) -> int:
    """How deep a JSON document of ``nodes`` (top-level) can nest, counted as the reader
    counts it (the document's object is 1); a very large number if anydata can hold any."""
    deepest = 0
    stack = [(node.snode, 2) for node in nodes]  # a top-level node's value is at depth 2
    while stack:
        snode, depth = stack.pop()
        kind = snode.nodetype()
        if kind in (libyang.SNode.ANYDATA, libyang.SNode.ANYXML):
            return 1 << 30
        if kind == libyang.SNode.LIST:
            depth += 1  # the array of entries, then each entry's object
        deepest = max(deepest, depth)
        if kind in (libyang.SNode.CONTAINER, libyang.SNode.LIST):
            stack.extend((child, depth + 1) for child in snode.children())
    return deepest


def _wrap(snode: Any) -> SchemaNode:
    kind = _KINDS.get(snode.nodetype(), "")
    keys = tuple(k.name() for k in snode.keys()) if kind == LIST else ()  # noqa: SIM118
    return SchemaNode(
        name=snode.name(),
        module=snode.module().name(),
        kind=kind,
        config=not snode.config_false(),
        keys=keys,
        snode=snode,
    )


def _base_type(ytype: Any) -> int:
    base: int = ytype.base()
    if base == libyang.Type.LEAFREF:
        target = ytype.leafref_type()
        return _base_type(target) if target is not None else base
    return base


def _read_head(path: str, size: int) -> str:
    with open(path, encoding="utf-8") as fh:
        return _COMMENT_RE.sub("", fh.read(size))


def _main_modules(files: list[str]) -> dict[str, str]:
    """``{module name: file}`` for every main module (submodules are excluded)."""
    out = {}
    for path in files:
        match = _MODULE_RE.search(_read_head(path, 4000))
        if match and match.group(1) == "module":
            out[match.group(2)] = path
    return out


def _build_context(search: str, names: list[str]) -> Any:
    """Load every module, ``*-types`` first, retrying in a fresh context to a fixpoint.

    Some modules use identities of modules they only import; libyang accepts
    them only once the identity's module is implemented, hence the ordering
    and the retries (the approach of the conformance oracle).
    """
    order = sorted(names, key=lambda n: (0 if n.endswith("-types") else 1, n))
    for _ in range(5):
        ctx = libyang.Context(search)
        loaded, failed = [], {}
        for name in order:
            try:
                ctx.load_module(name)
                loaded.append(name)
            except libyang.LibyangError as exc:
                failed[name] = str(exc)
        if not failed:
            return ctx
        new_order = loaded + list(failed)
        if new_order == order:
            break
        ctx.destroy()  # type: ignore[no-untyped-call]
        order = new_order
    details = "; ".join(f"{n}: {m}" for n, m in sorted(failed.items()))
    raise SchemaError(f"YANG modules under {search} could not be loaded: {details}")
