"""Generate one-defect mutants of valid RFC 7951 documents, driven by the schema IR.

Each mutant changes one node somewhere in the tree (chosen by a seeded random
generator, across all subtrees); the tests ask libyang for its verdict, so
the expected outcome is never hard-coded here. The schema IR only picks the
sites by kind; out-of-range values come from the YANG statements through
libyang (a compiled schema that lost a range must not make its own mutants).
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from netdata.schema import Schema
from netdata.schema._ir import INT_BOUNDS, WIDE_NUMBERS, Node


@dataclass
class Site:
    """A member of a JSON object in the document: container dict, member name, schema node."""

    parent: dict[str, Any]
    member: str
    node: Node
    owner: Node  # schema node of the object holding the member
    path: str  # schema path of JSON member names (/openconfig-interfaces:interfaces/...)
    accepts: Accepts


Accepts = Callable[[str, str], bool]
"""libyang's verdict on a leaf value: (schema path, value text) -> accepted."""


def sites(doc: dict[str, Any], schema: Schema, accepts: Accepts) -> list[Site]:
    out: list[Site] = []

    def walk(obj: Any, node: Node, path: str) -> None:
        if not isinstance(obj, dict):
            return
        for member, value in obj.items():
            name = member.rpartition(":")[2]
            child = node.children.get(name)
            if child is None:
                continue
            step = f"{path}/{member}"
            out.append(Site(obj, member, child, node, step, accepts))
            if child.kind == "container":
                walk(value, child, step)
            elif child.kind == "list" and isinstance(value, list):
                for entry in value:
                    walk(entry, child, step)

    walk(doc, schema.root, "")
    return out


Mutation = Callable[[Site], bool]


def _is_int(site: Site) -> bool:
    t = site.node.type
    return site.node.kind == "leaf" and t is not None and t.base in INT_BOUNDS


def out_of_range(site: Site) -> bool:
    """A value of the builtin integer type that the YANG ranges exclude, found by asking
    libyang (not our compiled ranges): the first rejected value between the document's
    value and the type's upper bound (or, if the ranges allow that, its lower bound;
    if they allow both, one above the builtin type)."""
    if not _is_int(site):
        return False
    t = site.node.type
    assert t is not None
    current = int(site.parent[site.member])

    def ok(value: int) -> bool:
        return site.accepts(site.path, str(value))

    low, high = INT_BOUNDS[t.base]
    if not ok(current):
        return False
    bound = high if not ok(high) else low if not ok(low) else high + 1
    good, bad = current, bound  # high + 1: the builtin type's own bound (RFC 7950 §9.2)
    while abs(bad - good) > 1:
        middle = (good + bad) // 2
        good, bad = (middle, bad) if ok(middle) else (good, middle)
    site.parent[site.member] = str(bad) if t.base in WIDE_NUMBERS else bad
    return True


def number_as_wrong_json(site: Site) -> bool:
    if not _is_int(site):
        return False
    t = site.node.type
    value = site.parent[site.member]
    assert t is not None
    site.parent[site.member] = int(value) if t.base in WIDE_NUMBERS else str(value)
    return True


def string_as_number(site: Site) -> bool:
    t = site.node.type
    if site.node.kind != "leaf" or t is None or t.base != "string":
        return False
    site.parent[site.member] = 7
    return True


def bad_enum(site: Site) -> bool:
    t = site.node.type
    if site.node.kind != "leaf" or t is None or t.base != "enumeration":
        return False
    site.parent[site.member] = "NOT_AN_ENUM_VALUE"
    return True


def bad_identity(site: Site) -> bool:
    t = site.node.type
    if site.node.kind != "leaf" or t is None or t.base != "identityref" or not t.identities:
        return False
    module = t.identities[0].partition(":")[0]
    site.parent[site.member] = f"{module}:NO_SUCH_IDENTITY"
    return True


def break_pattern(site: Site) -> bool:
    t = site.node.type
    if site.node.kind != "leaf" or t is None or t.base != "string" or not t.patterns:
        return False
    if site.node.name in site.owner.keys:
        return False  # key leaves would also break the key/config equality
    site.parent[site.member] = "#not valid#"
    return True


def unknown_member(site: Site) -> bool:
    if site.node.kind != "container" or not isinstance(site.parent[site.member], dict):
        return False
    site.parent[site.member]["bogus-node"] = 1
    return True


def drop_mandatory(site: Site) -> bool:
    if site.node.kind != "leaf" or not site.node.mandatory:
        return False
    del site.parent[site.member]
    return True


def dangling_leafref(site: Site) -> bool:
    t = site.node.type
    if site.node.kind != "leaf" or t is None or t.leafref is None or t.base != "string":
        return False
    if site.node.name in site.owner.keys or site.node.name == "name":
        return False
    site.parent[site.member] = "NO-SUCH-TARGET"
    return True


def duplicate_entry(site: Site) -> bool:
    value = site.parent[site.member]
    if site.node.kind != "list" or not isinstance(value, list) or not value:
        return False
    value.append(copy.deepcopy(value[0]))
    return True


def unqualify(site: Site) -> bool:
    if ":" not in site.member or site.owner.kind == "root" or site.node.module == site.owner.module:
        return False
    site.parent[site.member.rpartition(":")[2]] = site.parent.pop(site.member)
    return True


def benign_value(site: Site) -> bool:
    """A change that keeps the document valid (to catch false rejections)."""
    t = site.node.type
    if site.node.kind != "leaf" or t is None or site.node.name in site.owner.keys:
        return False
    if t.base == "string" and not t.patterns and not t.lengths and t.leafref is None:
        site.parent[site.member] = "changed by a test"
        return True
    if t.base == "boolean":
        site.parent[site.member] = not site.parent[site.member]
        return True
    return False


def delete_leaf(site: Site) -> bool:
    """May break a leafref target, a when condition, a key or a mandatory leaf, or nothing."""
    if site.node.kind not in ("leaf", "leaf-list"):
        return False
    del site.parent[site.member]
    return True


def delete_container(site: Site) -> bool:
    if site.node.kind != "container":
        return False
    del site.parent[site.member]
    return True


def other_identity(site: Site) -> bool:
    """Another allowed identity: valid by type, but may turn a when condition false."""
    t = site.node.type
    if site.node.kind != "leaf" or t is None or t.base != "identityref" or len(t.identities) < 2:
        return False
    current = str(site.parent[site.member])
    if site.node.name in site.owner.keys:
        return False
    choices = sorted({"iana-if-type:l2vlan", "iana-if-type:ieee8023adLag", *t.identities[:3]})
    allowed = [c for c in choices if c in t.identities and c != current]
    if not allowed:
        return False
    site.parent[site.member] = allowed[len(current) % len(allowed)]
    return True


def other_enum(site: Site) -> bool:
    """Another enum member: valid by type, but may turn a when condition false."""
    t = site.node.type
    if site.node.kind != "leaf" or t is None or t.base != "enumeration" or len(t.enums) < 2:
        return False
    others = [e for e in t.enums if e != site.parent[site.member]]
    site.parent[site.member] = others[0]
    return True


MUTATIONS: dict[str, Mutation] = {
    f.__name__: f
    for f in (
        out_of_range,
        number_as_wrong_json,
        string_as_number,
        bad_enum,
        bad_identity,
        break_pattern,
        unknown_member,
        drop_mandatory,
        dangling_leafref,
        duplicate_entry,
        unqualify,
        benign_value,
        delete_leaf,
        delete_container,
        other_identity,
        other_enum,
    )
}


def mutants(
    doc: dict[str, Any], schema: Schema, seed: int, accepts: Accepts, per_kind: int = 2
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Up to ``per_kind`` mutants per mutation kind, at random sites of ``doc``;
    ``accepts`` is libyang's verdict on leaf values (out-of-range values come from it)."""
    rng = random.Random(seed)
    count = len(sites(doc, schema, accepts))
    for name, mutate in MUTATIONS.items():
        order = list(range(count))
        rng.shuffle(order)
        made = 0
        for index in order:
            if made >= per_kind:
                break
            clone = copy.deepcopy(doc)
            site = sites(clone, schema, accepts)[index]
            if mutate(site):
                made += 1
                yield f"{name}@{index}", clone
