"""Operations on an RFC 7951 JSON tree (a dict), addressed by resolved path steps.

Payloads are first brought to canonical member names (module-qualified exactly
where the namespace changes, as libyang prints them), so that merging a
payload into the stored tree meets the same members.
"""

from __future__ import annotations

from typing import Any

import grpc

from netdata.sim._errors import GnmiError
from netdata.sim._paths import Step
from netdata.sim._schema import CONTAINER, LEAFLIST, LIST, Schema, SchemaNode

_MISSING = object()


def canonical(
    schema: Schema, node: SchemaNode, value: Any, where: str, *, entry: bool, ietf: bool = True
) -> Any:
    """``value`` (the content of ``node``) with canonical member names.

    ``entry`` says that a list node's value is one entry rather than the whole
    list. With ``ietf`` (JSON_IETF, RFC 7951) a member must be module-qualified
    where its namespace differs from its parent's; otherwise (gNMI JSON) names
    may omit their module. Unknown or unqualified members raise
    INVALID_ARGUMENT naming ``where``.
    """
    if node.kind == LIST and not entry:
        if not isinstance(value, list):
            raise _bad(where, f"list {node.name} needs a JSON array")
        return [canonical(schema, node, v, where, entry=True, ietf=ietf) for v in value]
    if node.kind not in (CONTAINER, LIST):
        return value
    if not isinstance(value, dict):
        raise _bad(where, f"{node.name or 'the root'} needs a JSON object")
    out: dict[str, Any] = {}
    parent = node if node.snode is not None else None
    for member, item in value.items():
        child = member_node(schema, node, member)
        if child is None:
            raise _bad(where, f"unknown member {member!r} in {node.name or 'the root'}")
        name = child.member(parent)
        qualifier = member.rpartition(":")[0]
        unqualified = ":" in name and not qualifier
        if ietf and (unqualified or (qualifier and qualifier != child.module)):
            raise _bad(where, f"member {member!r} must be written {name!r} (RFC 7951)")
        out[name] = canonical(schema, child, item, f"{where}/{member}", entry=False, ietf=ietf)
    return out


def member_node(schema: Schema, node: SchemaNode, member: str) -> SchemaNode | None:
    """The child of ``node`` that JSON member ``member`` (maybe module-qualified) names."""
    prefix, _, name = member.rpartition(":")
    module = schema.module_for_prefix(prefix) if prefix else None
    if prefix and module is None:
        return None
    return schema.child(node, name, module)


def expand(schema: Schema, tree: Any, steps: list[Step]) -> list[tuple[list[Step], Any]]:
    """Every existing node that wildcard ``steps`` select: (concrete steps, value) pairs."""
    found: list[tuple[list[Step], Any]] = []

    def walk(holder: Any, index: int, done: list[Step]) -> None:
        if index == len(steps):
            found.append((done, holder))
            return
        step = steps[index]
        if not step.wildcard:
            child = _child(schema, holder, step)
            if child is not _MISSING:
                walk(child, index + 1, [*done, step])
            return
        entries = holder.get(step.member, []) if isinstance(holder, dict) else []
        for entry in entries:
            keys = {k: _path_key(entry.get(k)) for k in step.node.keys}
            concrete = Step(step.node, step.parent, keys)
            if _matches(schema, step, entry):
                walk(entry, index + 1, [*done, concrete])

    walk(tree, 0, [])
    return found


def lookup(schema: Schema, tree: dict[str, Any], steps: list[Step]) -> Any:
    """The value at ``steps``, or ``None`` when it does not exist."""
    holder: Any = tree
    for step in steps:
        holder = _child(schema, holder, step)
        if holder is _MISSING:
            return None
    return holder


def delete(schema: Schema, tree: dict[str, Any], steps: list[Step]) -> None:
    """Remove the node(s) at ``steps`` (and containers left empty); absent nodes are fine."""
    if any(step.wildcard for step in steps):
        for concrete, _ in expand(schema, tree, steps):
            delete(schema, tree, concrete)
        return
    if not steps:
        tree.clear()
        return
    chain = [tree]
    for step in steps[:-1]:
        nxt = _child(schema, chain[-1], step)
        if nxt is _MISSING:
            return
        chain.append(nxt)
    last = steps[-1]
    holder = chain[-1]
    if last.keys is None:
        holder.pop(last.member, None)
    else:
        entries = holder.get(last.member, [])
        index = _find(schema, last, entries)
        if index is not None:
            del entries[index]
        if not entries:
            holder.pop(last.member, None)
    _prune(chain, steps)


def put(
    schema: Schema, tree: dict[str, Any], steps: list[Step], value: Any, *, merge_: bool
) -> None:
    """Replace (``merge_`` False) or update the node at ``steps`` with canonical ``value``."""
    if not steps:
        if merge_:
            merge(schema, schema.root_node, tree, value)
        else:
            tree.clear()
            tree.update(value)
        return
    holder = tree
    for step in steps[:-1]:
        holder = _child(schema, holder, step, create=True)
    last = steps[-1]
    if last.keys is not None:
        entries = holder.setdefault(last.member, [])
        index = _find(schema, last, entries)
        if index is None:
            entries.append(value)
        elif merge_:
            merge(schema, last.node, entries[index], value)
        else:
            entries[index] = value
        return
    current = holder.get(last.member, _MISSING)
    if merge_ and current is not _MISSING and last.node.kind in (CONTAINER, LIST):
        if last.node.kind == LIST:
            _merge_list(schema, last.node, current, value)
        else:
            merge(schema, last.node, current, value)
    else:
        holder[last.member] = value


def merge(schema: Schema, node: SchemaNode, dst: dict[str, Any], src: dict[str, Any]) -> None:
    """Merge canonical ``src`` into ``dst``: containers recurse, lists merge by key."""
    for member, value in src.items():
        child = member_node(schema, node, member)
        current = dst.get(member, _MISSING)
        if child is None or current is _MISSING or child.kind not in (CONTAINER, LIST):
            dst[member] = value
        elif child.kind == LIST:
            _merge_list(schema, child, current, value)
        else:
            merge(schema, child, current, value)


def fill_keys(schema: Schema, step: Step, value: Any, where: str) -> Any:
    """Add the path's key leaves to a list entry payload; conflicting keys are an error."""
    if step.keys is None or not isinstance(value, dict):
        return value
    for key, text in step.keys.items():
        if key not in value:
            value[key] = schema.key_value(step.node, key, text)
        elif schema.key_text(step.node, key, value[key]) != schema.key_text(step.node, key, text):
            raise _bad(where, f"key {key}={value[key]!r} in the value conflicts with the path")
    return value


def _merge_list(schema: Schema, node: SchemaNode, dst: list[Any], src: list[Any]) -> None:
    if node.kind == LEAFLIST or not node.keys:
        dst[:] = src
        return
    index = {_entry_key(schema, node, e): i for i, e in enumerate(dst)}
    for entry in src:
        key = _entry_key(schema, node, entry)
        if key in index:
            merge(schema, node, dst[index[key]], entry)
        else:
            index[key] = len(dst)
            dst.append(entry)


def _entry_key(schema: Schema, node: SchemaNode, entry: dict[str, Any]) -> tuple[str, ...]:
    return tuple(schema.key_text(node, k, entry.get(k)) for k in node.keys)


def _find(schema: Schema, step: Step, entries: list[Any]) -> int | None:
    assert step.keys is not None
    wanted = tuple(schema.key_text(step.node, k, step.keys[k]) for k in step.node.keys)
    for i, entry in enumerate(entries):
        if isinstance(entry, dict) and _entry_key(schema, step.node, entry) == wanted:
            return i
    return None


def _matches(schema: Schema, step: Step, entry: Any) -> bool:
    assert step.keys is not None
    return isinstance(entry, dict) and all(
        text == "*"
        or schema.key_text(step.node, key, entry.get(key)) == schema.key_text(step.node, key, text)
        for key, text in step.keys.items()
    )


def _path_key(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _child(schema: Schema, holder: Any, step: Step, *, create: bool = False) -> Any:
    if not isinstance(holder, dict):
        return _MISSING
    if step.keys is None:
        if create:
            return holder.setdefault(step.member, [] if step.node.kind == LIST else {})
        return holder.get(step.member, _MISSING)
    entries = holder.get(step.member)
    if entries is None:
        if not create:
            return _MISSING
        entries = holder[step.member] = []
    index = _find(schema, step, entries)
    if index is not None:
        return entries[index]
    if not create:
        return _MISSING
    entry = fill_keys(schema, step, {}, "")
    entries.append(entry)
    return entry


def _prune(chain: list[Any], steps: list[Step]) -> None:
    """Drop containers and lists emptied by a delete, from the bottom up."""
    for depth in range(len(chain) - 1, 0, -1):
        parent, node, step = chain[depth - 1], chain[depth], steps[depth - 1]
        if node or step.keys is not None:  # list entries keep their keys
            return
        parent.pop(step.member, None)


def _bad(where: str, message: str) -> GnmiError:
    return GnmiError(grpc.StatusCode.INVALID_ARGUMENT, f"{where}: {message}" if where else message)
