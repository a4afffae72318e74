"""The coverage report: per YANG statement kind, what is enforced and what is not."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from netdata.schema._ir import Node, Schema
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
}


def _nodes(node: Node, path: str) -> Iterator[tuple[str, Node]]:
    for child in node.children.values():
        step = f"{path}/{child.name}"
        yield step, child
        yield from _nodes(child, step)


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
        if node.kind == "list":
            count("key", bool(node.keys), path, "list without key")
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
        if t.base == "decimal64":
            count("fraction-digits", False, path, "decimal64 digits are not checked (range is)")
        if node.mandatory:
            count("mandatory", node.required, path, "mandatory leaf under when/choice")
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
