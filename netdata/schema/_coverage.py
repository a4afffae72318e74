"""The coverage report: per YANG statement kind, what is enforced and what is not."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from netdata.schema._ir import Node, Schema, TypeInfo
from netdata.schema._xpath import Unsupported, parse

ENFORCED_BY = {
    "type": "CUE (builtin type / JSON kind in the decoder)",
    "range": "CUE bounds",
    "length": "CUE strings.MinRunes/MaxRunes",
    "pattern": "CUE =~ (anchored RE2)",
    "enumeration": "CUE string set",
    "identityref": "CUE string set of derived identities; decoder qualification",
    "union": "CUE disjunction; decoder member JSON kinds",
    "mandatory": "CUE required field (!)",
    "default": "CUE default in defaults.cue (cue -t defaults)",
    "key": "CUE map key + key fill; decoder presence/uniqueness/equality",
    "leafref": "Python post-check (target exists in the document)",
    "when": "Python post-check (XPath subset)",
    "config": "dropped from the schema; decoder rejects read-only nodes",
    "leaf-list": "CUE list.UniqueItems / MinItems / MaxItems",
    "fraction-digits": "CUE math.MultipleOf (decimal64)",
    "must": "Python post-check (XPath subset)",
    "unique": "Python post-check (entries compared)",
    "choice": "Python post-check (one case; mandatory choice)",
    "min/max-elements": "Python post-check (entries counted; leaf-lists: CUE)",
    "bits": "Python post-check (declared names, each once)",
    "binary": "Python post-check (base64, length in octets)",
}


def _nodes(node: Node, path: str) -> Iterator[tuple[str, Node]]:
    for child in node.children.values():
        step = f"{path}/{child.name}"
        yield step, child
        yield from _nodes(child, step)


def _members(t: TypeInfo) -> Iterator[TypeInfo]:
    """``t`` and, for a union, its members (nested unions flattened)."""
    yield t
    for member in t.members:
        yield from _members(member)


def _any_string(t: TypeInfo) -> bool:
    return t.base == "string" and not (t.lengths or t.patterns)


def coverage_report(schema: Schema) -> dict[str, Any]:
    """``{kind: {"enforced": n, "not_enforced": m, "by": how, "gaps": [...]}}`` plus totals."""
    kinds: dict[str, dict[str, Any]] = {
        k: {"enforced": 0, "not_enforced": 0, "by": by, "gaps": []} for k, by in ENFORCED_BY.items()
    }

    def count(kind: str, ok: bool, path: str = "", detail: str = "") -> None:
        entry = kinds.setdefault(kind, {"enforced": 0, "not_enforced": 0, "by": "", "gaps": []})
        entry["enforced" if ok else "not_enforced"] += 1
        if not ok:
            entry["gaps"].append({"path": path, "detail": detail})

    for path, node in _nodes(schema.root, ""):
        for when in node.whens:
            try:
                parse(when.xpath)
                count("when", True)
            except Unsupported as exc:
                count("when", False, path, str(exc))
        for must in node.musts:
            try:
                parse(must.xpath)
                count("must", True)
            except Unsupported as exc:
                count("must", False, path, f"{' '.join(must.xpath.split())!r}: {exc}")
        for _ in node.choices:
            count("choice", True)
        if node.kind == "list":
            count("key", bool(node.keys), path, "list without key")
            for _ in node.uniques:
                count("unique", True)
            if node.min_elements or node.max_elements is not None:
                count("min/max-elements", True)
        if node.state_children:
            count("config", True)
        if node.type is None:
            continue
        t = node.type
        count("type", True)
        for _ in t.ranges:
            count("range", True)
        for _ in t.lengths:
            count("length", True)
        for pattern in t.patterns:
            count("pattern", pattern.regex is not None, path, pattern.source)
        if t.base == "enumeration":
            count("enumeration", True)
        if t.base == "identityref":
            count("identityref", bool(t.identities), path, "no derived identities")
        if t.base == "union":
            count("union", True)
        for member in _members(t):
            if member.base == "decimal64":
                count("fraction-digits", True)
            if member.base in ("bits", "binary"):  # a union with any string accepts all
                enforced = member is t or any(_any_string(m) for m in _members(t))
                count(member.base, enforced, path, "in a union: checked as a plain string")
        if node.mandatory:  # a case's mandatory leaves: validate/_constraints.py
            enforced = node.required or (node.in_choice and not node.whens)
            count("mandatory", enforced, path, "mandatory leaf under when")
        if node.default:
            count("default", True)
        if t.leafref is not None:
            count("leafref", True)
        if node.kind == "leaf-list":
            count("leaf-list", True)
    for gap in schema.gaps:
        if gap["kind"] in ("pattern", "identityref"):
            continue  # counted above from the tree
        count(gap["kind"], False, gap["path"], gap["detail"])
    return {
        "checksum": schema.checksum,
        "kinds": kinds,
        "defects": schema.defects,
        "totals": {
            "enforced": sum(k["enforced"] for k in kinds.values()),
            "not_enforced": sum(k["not_enforced"] for k in kinds.values()),
        },
    }
