"""What Get returns for each data type, derived from the stored configuration.

The simulator keeps configuration only. For ``STATE``/``OPERATIONAL`` and
``ALL`` it mirrors each OpenConfig ``config`` container into its sibling
``state`` container (the leaves both define), as a device reports applied
configuration; counters and other operational data are not simulated.
"""

from __future__ import annotations

from typing import Any

from pygnmi.spec.v080 import gnmi_pb2

from netdata.sim._schema import CONTAINER, LIST, Schema, SchemaNode
from netdata.sim._tree import member_node

_ALL, _CONFIG = gnmi_pb2.GetRequest.DataType.ALL, gnmi_pb2.GetRequest.DataType.CONFIG


def view(schema: Schema, tree: dict[str, Any], datatype: int) -> dict[str, Any]:
    """The tree a Get of ``datatype`` sees (the configuration tree for CONFIG)."""
    if datatype == _CONFIG:
        return tree
    return _walk(schema, schema.root_node, tree, keep_config=datatype == _ALL)


def unqualified(value: Any) -> Any:
    """``value`` with module prefixes dropped from member names (gNMI JSON encoding)."""
    if isinstance(value, dict):
        return {k.rpartition(":")[2]: unqualified(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unqualified(v) for v in value]
    return value


def _walk(
    schema: Schema, node: SchemaNode, data: dict[str, Any], *, keep_config: bool
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for member, value in data.items():
        child = member_node(schema, node, member)
        if child is None:
            continue
        if child.kind == CONTAINER and child.name == "config":
            state = _state_of(schema, node, child, value)
            if state:
                out[child.member(node).replace("config", "state")] = state
            if keep_config:
                out[member] = value
        elif child.kind == CONTAINER:
            sub = _walk(schema, child, value, keep_config=keep_config)
            if sub:
                out[member] = sub
        elif child.kind == LIST:
            out[member] = [
                _walk_entry(schema, child, entry, keep_config=keep_config) for entry in value
            ]
        elif keep_config or child.name in node.keys:
            out[member] = value
    return out


def _walk_entry(
    schema: Schema, node: SchemaNode, entry: dict[str, Any], *, keep_config: bool
) -> dict[str, Any]:
    out = _walk(schema, node, entry, keep_config=keep_config)
    for key in node.keys:  # keys identify entries in every view
        if key in entry:
            out.setdefault(key, entry[key])
    return out


def _state_of(
    schema: Schema, parent: SchemaNode, config: SchemaNode, value: dict[str, Any]
) -> dict[str, Any]:
    state = schema.child(parent, "state", config.module)
    if state is None or state.kind != CONTAINER:
        return {}
    return {m: v for m, v in value.items() if member_node(schema, state, m) is not None}
