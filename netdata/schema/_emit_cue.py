"""The schema IR to a CUE package of closed definitions for the authoring form.

``#Root`` is the whole config tree. Lists are maps keyed by their key (one map
level per key leaf); the key leaves, and the ``config/<key>`` leaves they refer
to, are filled from the map key. Leaves with a YANG ``default`` are regular
fields with a CUE default; ``mandatory`` leaves are required fields (``!``), and
the non-presence containers above them are regular fields so that a missing
mandatory leaf is reported even when its container is absent. Enumerations and
identity sets are emitted once each, as ``#enum…``/``#ident…`` definitions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable

from netdata.schema._identities import identity_labels
from netdata.schema._ir import INT_BOUNDS, Node, Schema, TypeInfo, integer_key

PACKAGE = "netdata"
ROOT = "#Root"


def emit_cue(schema: Schema, package: str = PACKAGE) -> str:
    """CUE source defining ``#Root`` (and shared type definitions) for ``schema``."""
    emitter = _Emitter()
    body = emitter.struct(schema.root, 0)
    lines = [f"package {package}", ""]
    if emitter.imports:
        lines += ["import (", *(f'\t"{i}"' for i in sorted(emitter.imports)), ")", ""]
    lines.append(f"{ROOT}: {body}")
    lines += [f"{name}: {expr}" for expr, name in emitter.shared.items()]
    return "\n".join(lines) + "\n"


def emit_defaults(schema: Schema, package: str = PACKAGE) -> str:
    """CUE source adding the YANG defaults to ``#Root``; only built with ``cue -t defaults``.

    Kept apart from ``#Root`` because default disjunctions make validation of
    large fleets several times slower, and validation does not need them.
    """
    emitter = _Emitter()
    lines = ["@if(defaults)", "", f"package {package}", ""]

    def walk(node: Node, prefix: str) -> None:
        for child in node.children.values():
            step = f"{prefix}{label(child.name)}?: "
            if child.kind == "container":
                walk(child, step)
            elif child.kind == "list":
                walk(child, step + "[string]: " * max(len(child.keys), 1))
            elif child.kind == "leaf" and child.default and child.type is not None:
                value = emitter.default_literal(child.type, child.default[0])
                if value is not None:
                    lines.append(f"{prefix}{label(child.name)}: *{value} | _")

    walk(schema.root, f"{ROOT}: ")
    return "\n".join(lines) + "\n"


def label(name: str) -> str:
    """A quoted CUE label (quoting keeps field names from shadowing builtins)."""
    return json.dumps(name)


class _Emitter:
    def __init__(self) -> None:
        self.imports: set[str] = set()
        self.shared: dict[str, str] = {}

    def share(self, prefix: str, expr: str) -> str:
        if expr not in self.shared:
            self.shared[expr] = f"#{prefix}{len(self.shared)}"
        return self.shared[expr]

    def struct(self, node: Node, depth: int, extra: list[str] | None = None) -> str:
        fields = [self.field(child, 1) for child in node.children.values()]
        body = "{\n" + "".join("\t" + f + "\n" for f in fields) + "}" if fields else "{}"
        name = self.share("S", body) if depth > 0 else body
        if extra:
            return name + " & {" + ", ".join(extra) + "}"
        return name

    def field(self, node: Node, depth: int) -> str:
        name = label(node.name)
        if node.kind == "container":
            marker = "" if node.required else "?"
            return f"{name}{marker}: {self.struct(node, depth)}"
        if node.kind == "list":
            return f"{name}?: {self.list_(node, depth)}"
        assert node.type is not None
        expr = self.type_expr(node.type)
        if node.kind == "leaf-list":
            expr = self.leaf_list(node, expr)
        if node.required:
            return f"{name}!: {expr}"
        return f"{name}?: {expr}"

    def list_(self, node: Node, depth: int) -> str:
        aliases = [f"K{depth}_{i}" for i in range(len(node.keys))]
        fills = node.key_fill()
        extra = []
        for key, alias in zip(node.keys, aliases, strict=True):
            leaf = node.children[key]
            value = self.key_value(leaf.type, alias)
            extra.append(f"{label(key)}: {value}")
            if key in fills:
                container, target = fills[key]
                extra.append(f"{label(container)}: {label(target)}: {value}")
        body = self.struct(node, depth, extra)
        head = "".join(f"[{a}=string]: " for a in aliases)
        return head + body

    def key_value(self, type_: TypeInfo | None, alias: str) -> str:
        kind = integer_key(type_)
        if kind == "string":
            return alias
        self.imports.add("strconv")
        return f"strconv.Atoi({alias})" if kind == "int" else f"*strconv.Atoi({alias}) | {alias}"

    def leaf_list(self, node: Node, expr: str) -> str:
        self.imports.add("list")
        parts = [f"[...{expr}]", "list.UniqueItems()"]
        if node.min_elements:
            parts.append(f"list.MinItems({node.min_elements})")
        if node.max_elements is not None:
            parts.append(f"list.MaxItems({node.max_elements})")
        return " & ".join(parts)

    # -- types --------------------------------------------------------------
    def type_expr(self, t: TypeInfo) -> str:
        if t.base in INT_BOUNDS:  # cue's predeclared int8 … uint64
            return " & ".join([t.base, *self.ranges(t)])
        handler: Callable[[TypeInfo], str] = getattr(
            self, "t_" + t.base.replace("-", "_"), self.t_string
        )
        return handler(t)

    def t_boolean(self, t: TypeInfo) -> str:
        return "bool"

    def t_empty(self, t: TypeInfo) -> str:
        return "true"

    def t_enumeration(self, t: TypeInfo) -> str:
        if not t.enums:
            return "_|_"
        return self.share("enum", _one_of(t.enums))

    def t_identityref(self, t: TypeInfo) -> str:
        if not t.identities:
            return "_|_"
        labels = identity_labels(t.identities).values()
        return self.share("ident", _one_of(labels))

    def t_union(self, t: TypeInfo) -> str:
        return " | ".join(f"({self.type_expr(m)})" for m in t.members)

    def t_decimal64(self, t: TypeInfo) -> str:
        parts = ["number", *self.ranges(t)]
        if t.fraction_digits:  # CUE numbers are exact decimals
            self.imports.add("math")
            parts.append(f"math.MultipleOf(0.{'0' * (t.fraction_digits - 1)}1)")
        return " & ".join(parts)

    def t_binary(self, t: TypeInfo) -> str:
        return "string"  # base64 and the length in octets: validate/_constraints.py

    def t_bits(self, t: TypeInfo) -> str:
        return "string"  # bit names, each at most once: validate/_constraints.py

    def t_string(self, t: TypeInfo) -> str:
        parts = ["string"]
        for alternatives in t.lengths:
            parts.append(self.lengths(alternatives))
        for pattern in t.patterns:
            if pattern.regex is not None:
                parts.append(("!~" if pattern.invert else "=~") + json.dumps(pattern.regex))
        return " & ".join(parts)

    def ranges(self, t: TypeInfo) -> list[str]:
        out = []
        for alternatives in t.ranges:
            terms = []
            for low, high in alternatives:
                if low == high and low not in ("min", "max"):
                    terms.append(f"=={low}")
                    continue
                bits = []
                if low != "min":
                    bits.append(f">={low}")
                if high != "max":
                    bits.append(f"<={high}")
                terms.append(" & ".join(bits) or "_")
            out.append("(" + " | ".join(terms) + ")")
        return out

    def lengths(self, alternatives: list[tuple[str, str]]) -> str:
        self.imports.add("strings")
        terms = []
        for low, high in alternatives:
            bits = []
            if low not in ("min", "0"):
                bits.append(f"strings.MinRunes({low})")
            if high != "max":
                bits.append(f"strings.MaxRunes({high})")
            terms.append(" & ".join(bits) or "string")
        return "(" + " | ".join(terms) + ")"

    def default_literal(self, t: TypeInfo, value: str) -> str | None:
        if t.base in INT_BOUNDS:
            return value if _is_int(value) else None
        if t.base == "decimal64":
            return value
        if t.base == "boolean":
            return value if value in ("true", "false") else None
        if t.base == "identityref":
            shown = identity_labels(t.identities).get(value)
            return json.dumps(shown) if shown else None
        if t.base in ("string", "enumeration"):
            return json.dumps(value)
        return None


def _one_of(values: Iterable[str]) -> str:
    """A string enumeration: one anchored regex (much cheaper in cue than a disjunction)."""
    return "=~" + json.dumps("^(?:" + "|".join(re.escape(v) for v in values) + ")$")


def _is_int(value: str) -> bool:
    try:
        int(value)
    except ValueError:
        return False
    return True
