"""The schema IR to a JSON Schema (draft 2020-12) of the authoring form.

For editors and ``jsonschema`` validation. It mirrors ``#Root`` for structure,
types, ranges, lengths, patterns, enumerations, identities and mandatory
leaves; cross-node rules (leafrefs, ``when``, key/config equality) are only in
the CUE definitions and post-checks. Patterns that use RE2-only syntax
(``\\p{..}``, POSIX classes) are left out here.
"""

from __future__ import annotations

from typing import Any

from netdata.schema._identities import identity_labels
from netdata.schema._ir import INT_BOUNDS, Node, Schema, TypeInfo

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def emit_jsonschema(schema: Schema) -> dict[str, Any]:
    """The JSON Schema document for ``schema``'s authoring form."""
    out = _object(schema.root)
    out["$schema"] = DIALECT
    out["title"] = "netdata OpenConfig authoring form"
    return out


def _object(node: Node) -> dict[str, Any]:
    props = {name: _node(child) for name, child in node.children.items()}
    required = [name for name, child in node.children.items() if child.required]
    out: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        out["required"] = required
    return out


def _node(node: Node) -> dict[str, Any]:
    if node.kind == "container":
        return _object(node)
    if node.kind == "list":
        entry = _object(node)
        for _key in node.keys or ["key"]:
            entry = {"type": "object", "additionalProperties": entry}
        return entry
    assert node.type is not None
    leaf = _type(node.type)
    if node.kind == "leaf-list":
        leaf = {"type": "array", "items": leaf, "uniqueItems": True}
    if node.default:
        leaf["default"] = node.default[0] if node.kind == "leaf" else node.default
    return leaf


def _type(t: TypeInfo) -> dict[str, Any]:
    if t.base in INT_BOUNDS:
        low, high = INT_BOUNDS[t.base]
        return {"type": "integer", "minimum": low, "maximum": high, **_ranges(t)}
    if t.base == "decimal64":
        return {"type": "number", **_ranges(t)}
    if t.base == "boolean":
        return {"type": "boolean"}
    if t.base == "empty":
        return {"const": True}
    if t.base == "enumeration":
        return {"enum": list(t.enums)}
    if t.base == "identityref":
        return {"enum": list(identity_labels(t.identities).values())}
    if t.base == "union":
        return {"anyOf": [_type(m) for m in t.members]}
    out: dict[str, Any] = {"type": "string"}
    patterns = [p.regex for p in t.patterns if p.regex and not p.invert and _portable(p.regex)]
    if len(patterns) == 1:
        out["pattern"] = patterns[0]
    elif patterns:
        out["allOf"] = [{"pattern": p} for p in patterns]
    if t.lengths and t.base != "binary":  # a binary length counts octets, not characters
        low = max(_bound(alt[0][0], 0) for alt in t.lengths)
        high = min(_bound(alt[-1][1], 2**31) for alt in t.lengths)
        out["minLength"] = low
        if high < 2**31:
            out["maxLength"] = high
    return out


def _portable(regex: str) -> bool:
    return "\\p" not in regex and "\\P" not in regex and "[:" not in regex


def _bound(text: str, fallback: int) -> int:
    return fallback if text in ("min", "max") else int(text)


def _ranges(t: TypeInfo) -> dict[str, Any]:
    """Outer bounds of the range statements (exact when there is one interval)."""
    out: dict[str, Any] = {}
    for alternatives in t.ranges:
        low, high = alternatives[0][0], alternatives[-1][1]
        if low != "min":
            out["minimum"] = max(out.get("minimum", float(low)), float(low))
        if high != "max":
            out["maximum"] = min(out.get("maximum", float(high)), float(high))
    return {k: int(v) if t.base != "decimal64" else v for k, v in out.items()}
