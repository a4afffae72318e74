"""Semantic diff of two RFC 7951 configurations at leaf level, driven by the schema IR.

List entries are matched by key, not position; ``ordered-by user`` lists and
leaf-lists are compared in order (others as sets); identities compare equal
with or without their module prefix; numbers compare by value (``"10"`` as a
uint64 equals ``10``, ``1.50`` equals ``1.5``). ``state`` data a device
returns for a Get of ``ALL`` is ignored (the schema knows which members are
read-only). Members the schema does not know are compared as opaque JSON.
No I/O here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from netdata.schema import Schema
from netdata.schema._ir import INT_BOUNDS, WIDE_NUMBERS, Node, TypeInfo

_NUMERIC = frozenset({*INT_BOUNDS, *WIDE_NUMBERS})
_DIGEST_JSON = json.JSONEncoder(separators=(",", ":"), default=str, check_circular=False)


class Change(NamedTuple):
    """One difference: ``op`` ``+`` (the device lacks it), ``-`` (only the device has it) or
    ``~`` (different value, or a different order of an ordered-by-user list)."""

    op: str
    segments: tuple[str, ...]
    old: Any = None
    new: Any = None
    order: bool = False
    """An ordered-by-user list whose entries are the same but in another order
    (``old``/``new``: the entries' keys in order)."""

    @property
    def path(self) -> str:
        return "/" + "/".join(self.segments)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"op": self.op, "path": self.path}
        if self.op != "+":
            out["old"] = self.old
        if self.op != "-":
            out["new"] = self.new
        if self.order:
            out["order"] = True
        return out


def diff_configs(
    intended: Mapping[str, Any],
    running: Mapping[str, Any],
    schema: Schema,
    *,
    mode: str = "replace",
) -> list[Change]:
    """Changes that turn ``running`` into ``intended``, both ``{"module:root": content}``.

    Only the roots of ``intended`` are compared (the managed roots). With
    ``mode="update"`` what the device has beyond the intended config is kept, so
    ``-`` changes and order changes are not reported.
    """
    changes: list[Change] = []
    for root, content in intended.items():
        current = running.get(root)
        if content == current:
            continue  # the common case on a second run: no walk at all
        name = root.rpartition(":")[2]
        node = schema.root.children.get(name)
        if node is None:
            _opaque(changes, (name,), content, current)
        else:
            _data(changes, node, content, current, (name,))
    if mode == "update":
        changes = [c for c in changes if c.op != "-" and not c.order]
    return changes


def diff_digest(changes: list[Change]) -> str:
    """sha256 of the changes (what the journal records): of the JSON list of
    ``[op, path, old, new, order]`` per change."""
    text = _DIGEST_JSON.encode(changes)  # a Change is a tuple: one JSON list each
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


# -- walking ------------------------------------------------------------------
def _data(out: list[Change], node: Node, new: Any, old: Any, at: tuple[str, ...]) -> None:
    if node.kind == "container":
        _container(out, node, new, old, at)
    elif node.kind == "list":
        _list(out, node, new, old, at)
    elif node.kind == "leaf-list":
        _leaf_list(out, node, new, old, at)
    else:
        _leaf(out, node, new, old, at)


def _added(out: list[Change], node: Node, new: dict[str, Any], at: tuple[str, ...]) -> None:
    """A container only the intended config has, ``new`` its members by local name
    (:func:`_local`): what :func:`_container` reports for it, without looking at the other
    side. The first push's common case (hundreds of leaves per device), so the kinds are
    dispatched here rather than through :func:`_data`, and each member's local name is
    taken once."""
    children = node.children
    for name, value in new.items():
        if value is None:
            continue
        child = children.get(name)
        if child is None:
            if name not in node.state_children:
                out.append(_new_change(Change, ("+", (*at, name), None, value, False)))
            continue
        kind = child.kind
        if kind == "leaf" or kind == "leaf-list":
            out.append(_new_change(Change, ("+", (*at, name), None, value, False)))
        elif kind == "list":
            _added_list(out, child, value, (*at, name))
        elif value and isinstance(value, dict):
            _added(out, child, _local(value), (*at, name))
        else:
            _container(out, child, value, None, (*at, name))


def _added_list(out: list[Change], node: Node, new: Any, at: tuple[str, ...]) -> None:
    """A list only the intended config has: what :func:`_list` reports for it."""
    parent, name = at[:-1], at[-1]
    keys = node.keys
    for label, members in _entries(node, new, local=True).values():
        body = {m: v for m, v in members.items() if m not in keys}
        path = (*parent, f"{name}{label}")
        if body:
            _added(out, node, body, path)
        else:
            out.append(_new_change(Change, ("+", path, None, {}, False)))


_new_change = tuple.__new__
"""``Change("+", path, None, value)`` without the named tuple's argument handling (the
added-subtree walk makes hundreds per device)."""


def _container(out: list[Change], node: Node, new: Any, old: Any, at: tuple[str, ...]) -> None:
    if old is None and new and isinstance(new, dict):
        _added(out, node, _local(new), at)  # the first push's common case: no comparison
        return
    if node.presence and (new is None) != (old is None) and not (new or old):
        # an empty presence container on one side only
        out.append(Change("+", at, None, {}) if old is None else Change("-", at, {}, None))
        return
    new, old = {} if new is None else new, {} if old is None else old
    if not isinstance(new, dict) or not isinstance(old, dict):
        _opaque(out, at, new, old)
        return
    mine, theirs = _members(node, new), _members(node, old)
    for name in [*mine, *(n for n in theirs if n not in mine)]:
        child = node.children.get(name)
        a, b = mine.get(name), theirs.get(name)
        if a == b:
            continue
        if child is None:
            _opaque(out, (*at, name), a, b)
        else:
            _data(out, child, a, b, (*at, name))


def _members(node: Node, value: dict[str, Any]) -> dict[str, Any]:
    """Members by local name, without read-only ones (a Get of ALL returns state too)."""
    children, state = node.children, node.state_children
    return {n: v for n, v in _local(value).items() if n in children or n not in state}


def _local(value: dict[str, Any]) -> dict[str, Any]:
    """Members by local name (of two with one local name, the later one's value, in the
    first one's place)."""
    return {m.rpartition(":")[2]: v for m, v in value.items()}


def _list(out: list[Change], node: Node, new: Any, old: Any, at: tuple[str, ...]) -> None:
    mine, theirs = _entries(node, new), _entries(node, old)
    parent, name = at[:-1], at[-1]
    for key in [*mine, *(k for k in theirs if k not in mine)]:
        a, b = mine.get(key), theirs.get(key)
        label = a[0] if a is not None else b[0] if b is not None else ""
        body_a = _without_keys(node, a[1]) if a is not None else None
        body_b = _without_keys(node, b[1]) if b is not None else None
        if a is not None and b is not None and body_a == body_b:
            continue
        _entry(out, node, body_a, body_b, (*parent, f"{name}{label}"))
    if node.ordered_by_user:
        common = [k for k in mine if k in theirs]
        in_old = [k for k in theirs if k in mine]
        if common != in_old:
            old_order, new_order = [theirs[k][0] for k in in_old], [mine[k][0] for k in common]
            out.append(Change("~", at, old_order, new_order, order=True))


def _entry(out: list[Change], node: Node, new: Any, old: Any, at: tuple[str, ...]) -> None:
    """An entry's leaves; an entry holding only its keys shows as the entry itself."""
    if (new is None) != (old is None) and not (new or old):
        out.append(Change("+", at, None, {}) if old is None else Change("-", at, {}, None))
        return
    _container(out, node, new, old, at)


def _entries(
    node: Node, value: Any, local: bool = False
) -> dict[tuple[Any, ...], tuple[str, dict[str, Any]]]:
    """List entries by normalised key: ``{key: ("[name=X]", entry)}``, in document order
    (``local``: each entry's members by local name, :func:`_local`)."""
    out: dict[tuple[Any, ...], tuple[str, dict[str, Any]]] = {}
    if not isinstance(value, list):
        return out
    keys, children = node.keys, node.children
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            continue
        members = _local(item)
        entry = members if local else item
        if not keys or any(k not in members for k in keys):
            out[("#", index)] = (f"[{index + 1}]", entry)
            continue
        key = tuple(_normal(children[k], members[k]) for k in keys)
        label = "".join(f"[{k}={_text(members[k])}]" for k in keys)
        out[key] = (label, entry)
    return out


def _without_keys(node: Node, entry: dict[str, Any]) -> dict[str, Any]:
    return {m: v for m, v in entry.items() if m.rpartition(":")[2] not in node.keys}


def _leaf(out: list[Change], node: Node, new: Any, old: Any, at: tuple[str, ...]) -> None:
    if new is None:
        out.append(Change("-", at, old, None))
    elif old is None:
        out.append(Change("+", at, None, new))
    elif _normal(node, new) != _normal(node, old):
        out.append(Change("~", at, old, new))


def _leaf_list(out: list[Change], node: Node, new: Any, old: Any, at: tuple[str, ...]) -> None:
    if new is None or old is None:
        _leaf(out, node, new, old, at)
        return
    a = [_normal(node, v) for v in _as_list(new)]
    b = [_normal(node, v) for v in _as_list(old)]
    same = a == b if node.ordered_by_user else sorted(map(str, a)) == sorted(map(str, b))
    if not same:
        out.append(Change("~", at, old, new))


def _opaque(out: list[Change], at: tuple[str, ...], new: Any, old: Any) -> None:
    if new is None:
        out.append(Change("-", at, old, None))
    elif old is None:
        out.append(Change("+", at, None, new))
    elif new != old:
        out.append(Change("~", at, old, new))


# -- values ---------------------------------------------------------------------
def _normal(node: Node, value: Any) -> Any:
    """A leaf's value in comparison form: numbers by value, identities without module prefix."""
    if isinstance(value, bool) or value is None or node.type is None:
        return value
    if value == [None]:
        return True  # type empty
    numeric, identity = _kinds(node)
    if isinstance(value, int | float) or (isinstance(value, str) and numeric):
        try:
            return Decimal(str(value).strip()).normalize()
        except InvalidOperation:
            pass
    if isinstance(value, str) and identity:
        return value.rpartition(":")[2]
    return value


def _kinds(node: Node) -> tuple[bool, bool]:
    """Whether the leaf's type (a union: one of its members) is numeric, an identityref;
    computed once per node."""
    kinds: tuple[bool, bool] | None = node.memo.get("diff.kinds")
    if kinds is None:
        assert node.type is not None
        bases = _bases(node.type)
        kinds = node.memo["diff.kinds"] = (bool(bases & _NUMERIC), "identityref" in bases)
    return kinds


def _bases(t: TypeInfo) -> set[str]:
    if t.base != "union":
        return {t.base}
    return set().union(*(_bases(m) for m in t.members))


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
