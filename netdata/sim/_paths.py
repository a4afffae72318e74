"""gNMI ``Path`` messages to schema steps, and back to readable text.

A path is the prefix's elements followed by the path's. The origin (of the
path, else of the prefix) may be empty, ``openconfig`` or ``rfc7951`` (any
module), or a module name or prefix, as pygnmi sends for
``"openconfig-interfaces:interfaces"``. An element name may carry a module
prefix (``openconfig-if-ethernet:ethernet``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import grpc

from netdata.sim._errors import GnmiError, shorten
from netdata.sim._schema import LEAF, LEAFLIST, LIST, Schema, SchemaNode

_MAX_ELEMS = 40  # elements of a path shown in a message

ANY_MODULE_ORIGINS = frozenset({"", "openconfig", "rfc7951"})
"""Origins that address the whole schema rather than one module."""


@dataclass(frozen=True)
class Step:
    """One resolved path element: the node, its parent (None at the top) and list keys.

    ``keys`` is None for a list addressed as a whole, and for non-lists.
    """

    node: SchemaNode
    parent: SchemaNode | None
    keys: dict[str, str] | None

    @property
    def member(self) -> str:
        """The RFC 7951 member name of the node in its parent's JSON object."""
        return self.node.member(self.parent)

    @property
    def wildcard(self) -> bool:
        """True if the step selects several list entries (``*`` or absent keys)."""
        if self.keys is None:
            return False
        return "*" in self.keys.values() or set(self.keys) != set(self.node.keys)


def path_text(prefix: Any, path: Any) -> str:
    """``/a/b[k=v]`` for a prefix and path (either may be None), with the origin if any."""
    elems = [*(prefix.elem if prefix is not None else ()), *(path.elem if path is not None else ())]
    parts = []
    for elem in elems[:_MAX_ELEMS]:
        keys = "".join(f"[{shorten(k, 60)}={shorten(v, 60)}]" for k, v in sorted(elem.key.items()))
        parts.append(f"{shorten(elem.name, 60)}{keys}")
    if len(elems) > _MAX_ELEMS:
        parts.append(f"... ({len(elems)} elements)")
    names = [
        *(prefix.element if prefix is not None else ()),
        *(path.element if path is not None else ()),
    ]
    text = "/" + "/".join(parts or names)
    origin = (path.origin if path is not None else "") or (
        prefix.origin if prefix is not None else ""
    )
    return f"{origin}:{text}" if origin else text


def resolve(
    schema: Schema, prefix: Any, path: Any, *, for_write: bool, wildcards: bool = False
) -> list[Step]:
    """The schema steps of ``prefix`` + ``path``; raises GnmiError naming the path.

    With ``wildcards`` (Get and delete) list keys may be ``*`` or left out,
    as the specification requires for deletes; element wildcards are not
    supported.
    """

    def fail(code: grpc.StatusCode, message: str) -> GnmiError:
        return GnmiError(code, f"{path_text(prefix, path)}: {message}")  # only when it fails

    elems: list[tuple[str, dict[str, str]]] = [
        (e.name, dict(e.key)) for src in (prefix, path) if src is not None for e in src.elem
    ]
    if not elems:  # deprecated string elements
        elems = [(n, {}) for src in (prefix, path) if src is not None for n in src.element]
    origin = (path.origin if path is not None else "") or (
        prefix.origin if prefix is not None else ""
    )
    module = None
    if origin not in ANY_MODULE_ORIGINS:
        module = schema.module_for_prefix(origin)
        if module is None:
            raise fail(grpc.StatusCode.NOT_FOUND, f"unknown origin {origin!r}")
    steps: list[Step] = []
    parent: SchemaNode | None = None
    for index, (raw_name, keys) in enumerate(elems):
        if raw_name in ("*", "..."):
            raise fail(grpc.StatusCode.UNIMPLEMENTED, "element wildcards are not supported")
        name_module, _, name = raw_name.rpartition(":")
        if name_module:
            module = schema.module_for_prefix(name_module)
            if module is None:
                raise fail(grpc.StatusCode.NOT_FOUND, f"unknown module prefix {name_module!r}")
        if parent is not None and parent.kind in (LEAF, LEAFLIST):
            raise fail(grpc.StatusCode.NOT_FOUND, f"{parent.name} is a leaf")
        node = schema.child(parent or schema.root_node, name, module)
        module = None
        if node is None:
            where = "/" + "/".join(n for n, _ in elems[:index])
            raise fail(grpc.StatusCode.NOT_FOUND, f"no schema node {raw_name!r} under {where}")
        if for_write and not node.config:
            raise fail(grpc.StatusCode.INVALID_ARGUMENT, f"{name} is state data (config false)")
        last = index == len(elems) - 1
        steps.append(Step(node, parent, _check_keys(node, keys, fail, last, wildcards)))
        parent = node
    return steps


def _check_keys(
    node: SchemaNode,
    keys: dict[str, str],
    fail: Callable[[grpc.StatusCode, str], GnmiError],
    last: bool,
    wildcards: bool,
) -> dict[str, str] | None:
    if node.kind != LIST:
        if keys:
            message = f"{node.name} is not a list, it has no keys"
            raise fail(grpc.StatusCode.INVALID_ARGUMENT, message)
        return None
    if not keys and last:
        return None
    complete = set(keys) == set(node.keys) and "*" not in keys.values()
    if not complete and not (wildcards and set(keys) <= set(node.keys)):
        needs = "exactly the keys" if not wildcards else "keys among"
        raise fail(
            grpc.StatusCode.INVALID_ARGUMENT,
            f"list {node.name} needs {needs} {', '.join(node.keys)}",
        )
    return keys
