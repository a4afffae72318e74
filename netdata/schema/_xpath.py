"""A small XPath 1.0 evaluator over authoring-form trees, for ``when`` and leafrefs.

It covers what OpenConfig uses: relative and absolute location paths (with
``..``, ``.``, ``current()`` and ``[leaf = expr]`` predicates), ``=``/``!=``
and numeric comparisons against literals or paths, ``and``/``or``, ``not()``,
``count()``, ``derived-from()`` and ``derived-from-or-self()``. Identity values
are compared as qualified ``module:name`` (literal prefixes are resolved in
the module that wrote the expression). Like libyang, non-presence containers
always exist and an absent leaf with a default has its default value.
Expressions outside this subset raise :class:`Unsupported` (reported as gaps).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from netdata.schema._identities import identity_from_label
from netdata.schema._ir import Node, Schema, TypeInfo
from netdata.schema._paths import entry_step

FUNCTIONS = frozenset(
    {"current", "not", "count", "derived-from", "derived-from-or-self", "true", "false"}
)


class Unsupported(ValueError):
    """An XPath construct the evaluator does not implement."""


_NO_KEYS: dict[str, str] = {}


class Cursor:
    """One data node instance: schema node, value, parent, and the leaves filled from
    a list entry's map key (the keys of an entry; ``config/<key>`` of its container).

    ``keys`` is read only (cursors without keys share one empty mapping: a walk of a
    large document makes thousands of cursors)."""

    __slots__ = ("keys", "node", "parent", "value")

    def __init__(
        self, node: Node, value: Any, parent: Cursor | None, keys: dict[str, str] = _NO_KEYS
    ) -> None:
        self.node = node
        self.value = value
        self.parent = parent
        self.keys = keys


def cursor_path(cursor: Cursor) -> str:
    """The data path of a cursor."""
    steps = []
    current: Cursor | None = cursor
    while current is not None and current.parent is not None:
        node = current.node
        if node.kind == "list":
            steps.append(entry_step(node, [current.keys.get(k, "") for k in node.keys]))
        else:
            steps.append(node.name)
        current = current.parent
    return "/" + "/".join(reversed(steps))


@lru_cache(maxsize=2048)
def parse(expression: str) -> Any:
    """Parse and check an expression (cached); raises :class:`Unsupported`."""
    from pyang import xpath_parser  # imported once an expression is evaluated

    try:
        tree = xpath_parser.parse(expression)
    except Exception as exc:  # pyang raises bare exceptions on syntax errors
        raise Unsupported(f"cannot parse {expression!r}: {exc}") from None
    _check(tree)
    return tree


def _check(tree: Any) -> None:
    if isinstance(tree, list):
        for item in tree:
            _check(item)
        return
    if not isinstance(tree, tuple) or not tree:
        raise Unsupported(f"unexpected expression part {tree!r}")
    kind = tree[0]
    if kind in ("literal", "number"):
        return
    if kind == "path_expr":
        _check(tree[1])
    elif kind in ("comp", "bool"):
        _check(tree[2])
        _check(tree[3])
    elif kind in ("relative", "absolute"):
        for step in tree[1]:
            _check(step)
    elif kind == "step":
        if tree[1] not in ("child", "parent", "self"):
            raise Unsupported(f"axis {tree[1]!r}")
        for pred in tree[3]:
            _check(pred)
    elif kind == "function_call":
        if tree[1] not in FUNCTIONS:
            raise Unsupported(f"function {tree[1]}()")
        for arg in tree[2]:
            _check(arg)
    else:
        raise Unsupported(f"{kind} expressions")


Compiled = Callable[["Evaluator", Cursor], Any]
"""An expression compiled into nested closures: called with the evaluator and the context
node (the tree is walked once per expression, not once per evaluation: a build checks
about 120 ``when`` and 70 leafrefs per 48-port leaf)."""
_Steps = Callable[["Evaluator", list[Cursor]], list[Cursor]]


@lru_cache(maxsize=2048)
def compiled(expression: str) -> Compiled:
    """:func:`parse`, compiled (cached); raises :class:`Unsupported`."""
    return _compile(parse(expression))


def _compile(tree: Any) -> Compiled:
    if isinstance(tree, list):  # current()/step/step
        head, steps = _compile(tree[0]), _compile_steps(tree[1:])
        return lambda ev, context: steps(ev, head(ev, context))
    kind = tree[0]
    if kind == "path_expr":
        return _compile(tree[1])
    if kind in ("literal", "number"):
        constant = tree[1][1:-1] if kind == "literal" else float(tree[1])
        return lambda ev, context: constant
    if kind == "function_call":
        return _compile_call(tree[1], [_compile(a) for a in tree[2]])
    if kind in ("relative", "absolute"):
        steps = _compile_steps(tree[1])
        if kind == "relative":
            return lambda ev, context: steps(ev, [context])
        return lambda ev, context: steps(ev, [ev.root])
    if kind == "bool":
        left, right = _compile(tree[2]), _compile(tree[3])
        if tree[1] == "or":
            return lambda ev, c: _truth(left(ev, c)) or _truth(right(ev, c))
        return lambda ev, c: _truth(left(ev, c)) and _truth(right(ev, c))
    if kind == "comp":
        op, left, right = tree[1], _compile(tree[2]), _compile(tree[3])
        return lambda ev, c: ev.compare(op, left(ev, c), right(ev, c))
    raise Unsupported(kind)


def _compile_call(name: str, args: list[Compiled]) -> Compiled:
    if name == "current":
        return lambda ev, context: [ev.current]
    if name in ("true", "false"):
        constant = name == "true"
        return lambda ev, context: constant
    if name == "not":
        return lambda ev, c: not _truth(args[0](ev, c))
    if name == "count":

        def count(ev: Evaluator, context: Cursor) -> float:
            found = args[0](ev, context)
            return float(len(found)) if isinstance(found, list) else 0.0

        return count
    or_self = name == "derived-from-or-self"

    def derived(ev: Evaluator, context: Cursor) -> bool:
        nodes, base = args[0](ev, context), ev.qualify(str(args[1](ev, context)))
        return any(
            ev.schema.derived_from(ev.text(c), base, or_self)
            for c in (nodes if isinstance(nodes, list) else [])
        )

    return derived


def _compile_steps(steps: list[Any]) -> _Steps:
    """A location path's steps, each applied to the node set the one before found."""
    compiled_steps = [_compile_step(axis, test, preds) for _step, axis, test, preds in steps]

    def apply(ev: Evaluator, nodes: list[Cursor]) -> list[Cursor]:
        for step in compiled_steps:
            nodes = step(ev, nodes)
        return nodes

    return compiled_steps[0] if len(compiled_steps) == 1 else apply


def _compile_step(axis: str, test: Any, preds: list[Any]) -> _Steps:
    predicates = [_compile(p) for p in preds]

    def step(ev: Evaluator, nodes: list[Cursor]) -> list[Cursor]:
        found: list[Cursor] = []
        if axis == "parent":
            found = [c.parent for c in nodes if c.parent is not None]
        elif axis == "self":
            found = list(nodes)
        else:
            for cursor in nodes:
                found.extend(ev.children(cursor, test[2]))
        for predicate in predicates:
            found = [c for c in found if _truth(predicate(ev, c))]
        return _unique(found) if len(found) > 1 else found

    return step


class Evaluator:
    """Evaluates parsed expressions over one document."""

    def __init__(
        self, schema: Schema, tree: dict[str, Any], unfilled: frozenset[str] = frozenset()
    ) -> None:
        """``unfilled``: data paths of ``config/<key>`` leaves a wire document lacks, which
        are therefore not filled from the list key (see ``_wire.Decoded``)."""
        self.schema = schema
        self.unfilled = unfilled
        self.root = Cursor(schema.root, tree, None)
        self.module = ""
        self.current: Cursor = self.root

    # -- entry points ---------------------------------------------------------
    def boolean(self, expression: str, context: Cursor, module: str) -> bool:
        self.module, self.current = module, context
        return _truth(compiled(expression)(self, context))

    def nodes(self, expression: str, context: Cursor, module: str) -> list[Cursor]:
        self.module, self.current = module, context
        result = compiled(expression)(self, context)
        return result if isinstance(result, list) else []

    # -- tree navigation ------------------------------------------------------
    def children(self, cursor: Cursor, name: str) -> list[Cursor]:
        """The data nodes ``name`` of ``cursor`` (a list: a walk makes thousands of calls)."""
        node = cursor.node.children.get(name)
        value = cursor.value
        if node is None or not isinstance(value, dict):
            return []
        raw = value.get(name)
        kind = node.kind
        if kind == "container":
            if raw is None and node.presence:
                return []
            keys = filled(cursor, name) if cursor.keys else _NO_KEYS
            if self.unfilled and keys:
                base = f"{cursor_path(cursor)}/{name}"
                keys = {k: v for k, v in keys.items() if f"{base}/{k}" not in self.unfilled}
            return [Cursor(node, raw if isinstance(raw, dict) else {}, cursor, keys)]
        if kind == "list":
            found: list[Cursor] = []
            if isinstance(raw, dict):
                _entries(node, raw, cursor, [], found)
            return found
        if kind == "leaf-list":
            return [Cursor(node, item, cursor) for item in raw] if isinstance(raw, list) else []
        if raw is None and name in cursor.keys:
            raw = cursor.keys[name]
        if raw is None and node.default:
            raw = node.default[0]
        return [] if raw is None else [Cursor(node, raw, cursor)]

    def text(self, cursor: Cursor) -> str:
        """The string value of a leaf (identities qualified)."""
        value, t = cursor.value, cursor.node.type
        if isinstance(value, bool):
            return "true" if value else "false"
        if t is not None and isinstance(value, str):
            qualified = _as_identity(t, value)
            if qualified is not None:
                return qualified
        return str(value)

    # -- what compiled expressions call ----------------------------------------
    def qualify(self, literal: str) -> str:
        prefix, _, name = literal.rpartition(":")
        if not prefix:
            return f"{self.module_name(self.module)}:{name}"
        module = self.schema.modules.get(self.module, {}).get(prefix, prefix)
        return f"{module}:{name}"

    def module_name(self, origin: str) -> str:
        """The main module of a (sub)module file (stored under the empty prefix)."""
        return self.schema.modules.get(origin, {}).get("", origin)

    def compare(self, op: str, left: Any, right: Any) -> bool:
        if isinstance(left, list) and isinstance(right, list):
            rights = {self.text(c) for c in right}
            return any(self.atom(op, self.text(c), r) for c in left for r in rights)
        if isinstance(right, list):
            left, right = right, left
            op = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}.get(op, op)
        if isinstance(left, list):
            return any(self.atom(op, self.text(c), self.literal(c, right)) for c in left)
        return self.atom(op, left, right)

    def literal(self, cursor: Cursor, value: Any) -> Any:
        t = cursor.node.type
        if isinstance(value, str) and t is not None and _is_identity_type(t):
            return self.qualify(value)
        return value

    @staticmethod
    def atom(op: str, left: Any, right: Any) -> bool:
        numeric = isinstance(right, float) or isinstance(left, float)
        if numeric or op in ("<", ">", "<=", ">="):
            try:
                a, b = float(left), float(right)
            except (TypeError, ValueError):
                return False
            return _ORDER[op](a, b)
        return (str(left) == str(right)) == (op == "=")


_ORDER: dict[str, Callable[[float, float], bool]] = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}


def filled(entry: Cursor, container: str) -> dict[str, str]:
    """Leaves of ``container`` that the list entry ``entry`` fills from its map key (read
    only: most containers get the one empty mapping)."""
    if entry.node.kind != "list" or not entry.keys:
        return _NO_KEYS
    by_holder: dict[str, list[tuple[str, str]]] | None = entry.node.memo.get("fills-by-holder")
    if by_holder is None:
        by_holder = {}
        for key, (holder, target) in entry.node.key_fill().items():
            by_holder.setdefault(holder, []).append((key, target))
        entry.node.memo["fills-by-holder"] = by_holder
    pairs = by_holder.get(container)
    if pairs is None:
        return _NO_KEYS
    keys = entry.keys
    return {target: keys[key] for key, target in pairs if key in keys}


def _entries(
    node: Node, raw: dict[Any, Any], parent: Cursor, keys: list[str], found: list[Cursor]
) -> None:
    """Append a cursor per entry of the list map ``raw`` (keyed ``len(node.keys)`` deep)."""
    if len(node.keys) == 1:  # most lists: one key
        name = node.keys[0]
        found += [
            Cursor(node, sub if isinstance(sub, dict) else {}, parent, {name: str(key)})
            for key, sub in raw.items()
        ]
        return
    deeper = len(keys) + 1 < len(node.keys)
    for key, sub in raw.items():
        if deeper:
            if isinstance(sub, dict):
                _entries(node, sub, parent, [*keys, str(key)], found)
        else:
            names = dict(zip(node.keys, [*keys, str(key)], strict=False))
            found.append(Cursor(node, sub if isinstance(sub, dict) else {}, parent, names))


def _unique(cursors: list[Cursor]) -> list[Cursor]:
    seen: set[int] = set()
    out = []
    for c in cursors:
        if id(c) not in seen:
            seen.add(id(c))
            out.append(c)
    return out


def _truth(value: Any) -> bool:
    if isinstance(value, list):
        return bool(value)
    if isinstance(value, float):
        return value != 0
    return bool(value)


def _is_identity_type(t: TypeInfo) -> bool:
    return t.base == "identityref" or any(_is_identity_type(m) for m in t.members)


def _as_identity(t: TypeInfo, value: str) -> str | None:
    if t.base == "identityref":
        return identity_from_label(value, t) or (value if ":" in value else None)
    for member in t.members:
        found = _as_identity(member, value)
        if found is not None:
            return found
    return None
