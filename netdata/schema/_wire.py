"""RFC 7951 (wire form) to and from the authoring form, driven by the schema IR.

Decoding checks everything that is a property of the encoding: JSON value
types (64-bit integers and decimal64 as strings, other numbers as numbers),
namespace qualification of member names, identity qualification, list keys
(present, unique, equal to the ``config/<key>`` leaf they refer to),
read-only nodes and unknown nodes. Value constraints (ranges, patterns, enum
members, mandatory leaves) are left to the CUE definitions.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from netdata._exceptions import DocumentError, Problem
from netdata.schema._identities import identity_from_label, identity_labels
from netdata.schema._ir import INT_BOUNDS, WIDE_NUMBERS, Node, Schema, TypeInfo, typed_key
from netdata.schema._paths import entry_step


class _Mismatch(Exception):
    """A value that does not fit its type's JSON encoding."""


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    return "array" if isinstance(value, list) else "object"


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= 60 else text[:57] + "..."


# -- decoding ----------------------------------------------------------------
def decode_value(t: TypeInfo, value: Any, module: str) -> Any:
    """One RFC 7951 leaf value to its authoring value; raises _Mismatch."""
    base = t.base
    if base in INT_BOUNDS and base not in WIDE_NUMBERS:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise _Mismatch(
            f"{base} must be an integer JSON number, got {_json_kind(value)} {_show(value)}"
        )
    if base in WIDE_NUMBERS:
        if not isinstance(value, str):
            raise _Mismatch(
                f"{base} must be a JSON string (RFC 7951), got {_json_kind(value)} {_show(value)}"
            )
        try:
            number = Decimal(value.strip())  # libyang, too, ignores surrounding spaces
        except InvalidOperation:
            raise _Mismatch(f"{_show(value)} is not a valid {base} value") from None
        if base != "decimal64":
            if not number.is_finite() or "." in value or "e" in value.lower():
                raise _Mismatch(f"{_show(value)} is not a valid {base} value")
            return int(number)
        if not number.is_finite():
            raise _Mismatch(f"{_show(value)} is not a valid {base} value")
        return int(number) if number == number.to_integral_value() else float(number)
    if base == "boolean":
        if isinstance(value, bool):
            return value
        raise _Mismatch(f"boolean must be JSON true/false, got {_json_kind(value)} {_show(value)}")
    if base == "empty":
        if value == [None]:
            return True
        raise _Mismatch(f"empty must be encoded as [null], got {_show(value)}")
    if base == "union":
        return _decode_union(t, value, module)
    if not isinstance(value, str):
        raise _Mismatch(f"{base} must be a JSON string, got {_json_kind(value)} {_show(value)}")
    if base == "identityref":
        qualified = value if ":" in value else f"{module}:{value}"
        label = identity_labels(t.identities).get(qualified)
        if label is None:
            raise _Mismatch(f"{_show(value)} is not an identity allowed here")
        return label
    return value


def _decode_union(t: TypeInfo, value: Any, module: str) -> Any:
    """Members that recognise the value exactly (identities, enum names, 64-bit
    numbers) win over plain strings, which accept any text."""
    reasons = []
    members = _flatten(t)
    exact = [
        m for m in members if m.base not in ("string", "binary", "bits", "instance-identifier")
    ]
    for member in [*exact, *(m for m in members if m not in exact)]:
        if member.base == "enumeration" and value not in member.enums:
            reasons.append(f"{_show(value)} is not one of the enumeration's names")
            continue
        try:
            return decode_value(member, value, module)
        except _Mismatch as exc:
            reasons.append(str(exc))
    raise _Mismatch(f"{_show(value)} matches no member of the union ({'; '.join(reasons)})")


def _flatten(t: TypeInfo) -> list[TypeInfo]:
    out: list[TypeInfo] = []
    for member in t.members:
        out.extend(_flatten(member) if member.base == "union" else [member])
    return out


class _Decoder:
    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.problems: list[Problem] = []
        self.unfilled: set[str] = set()

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(path or "/", message))

    def container(self, node: Node, value: Any, path: str, top: bool = False) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.problem(path, f"expected a JSON object, got {_json_kind(value)}")
            return {}
        out: dict[str, Any] = {}
        for member, item in value.items():
            module, _, name = member.rpartition(":")
            if top and not module:
                self.problem(
                    f"{path}/{name}",
                    f"top-level member {member!r} must be namespace-qualified (module:name)",
                )
                continue
            child = node.children.get(member) if module else None
            child = child or node.children.get(name)
            if child is None or child.module != (module or node.module):
                self.unknown(node, member, name, module, path)
                continue
            child_path = f"{path}/{child.name}"
            if child.name in out:
                self.problem(child_path, f"member {name!r} appears twice")
                continue
            decoded = self.data(child, item, child_path)
            if decoded is not None:
                out[child.name] = decoded
        return out

    def unknown(self, node: Node, member: str, name: str, module: str, path: str) -> None:
        child = node.children.get(name)
        where = f"{path}/{name}"
        if name in node.state_children:
            self.problem(where, f"read-only (config false) node {name!r} in a config document")
        elif child is not None and not module:
            self.problem(
                where,
                f"unknown node {name!r}: it belongs to module {child.module} and must be "
                f"written {child.module}:{name} (RFC 7951 namespace qualification)",
            )
        elif child is not None:
            self.problem(where, f"node {name!r} is not defined by module {module}")
        else:
            self.problem(where, f"unknown node {member!r} (not in the schema)")

    def data(self, node: Node, value: Any, path: str) -> Any:
        if node.kind == "container":
            return self.container(node, value, path)
        if node.kind == "list":
            return self.list_(node, value, path)
        assert node.type is not None
        if node.kind == "leaf-list":
            if not isinstance(value, list):
                self.problem(path, f"leaf-list must be a JSON array, got {_json_kind(value)}")
                return None
            items = [self.leaf(node, v, path) for v in value]
            if len({repr(i) for i in items}) != len(items):
                self.problem(path, "duplicate values in a leaf-list")
            return items
        return self.leaf(node, value, path)

    def leaf(self, node: Node, value: Any, path: str) -> Any:
        assert node.type is not None
        try:
            return decode_value(node.type, value, node.module)
        except _Mismatch as exc:
            self.problem(path, str(exc))
            return None

    def list_(self, node: Node, value: Any, path: str) -> dict[str, Any] | None:
        if not isinstance(value, list):
            self.problem(path, f"list must be a JSON array, got {_json_kind(value)}")
            return None
        parent_path = path.rpartition("/")[0]
        out: dict[str, Any] = {}
        fills = node.key_fill()
        for index, item in enumerate(value, start=1):
            early = _peek_keys(node, item)
            entry_path = f"{parent_path}/" + (
                entry_step(node, early) if early is not None else f"{node.name}[{index}]"
            )
            entry = self.container(node, item, entry_path)
            missing = [
                k for k in node.keys if isinstance(item, dict) and not _has_member(node, item, k)
            ]
            if missing:
                self.problem(
                    entry_path, f"list entry is missing its key {', '.join(map(repr, missing))}"
                )
                continue
            if any(entry.get(k) is None for k in node.keys):
                continue  # the key value itself was reported
            keys = [_key_text(entry[k]) for k in node.keys]
            for key, (container, target) in fills.items():
                self.check_key_fill(node, entry, key, container, target, entry_path)
            slot = out
            for key_text in keys[:-1]:
                slot = slot.setdefault(key_text, {})
            if keys[-1] in slot:
                self.problem(entry_path, f"duplicate list entry (key {', '.join(keys)})")
                continue
            slot[keys[-1]] = _without_keys(entry, node.keys, fills)
        return out

    def check_key_fill(
        self, node: Node, entry: dict[str, Any], key: str, container: str, target: str, path: str
    ) -> None:
        holder = entry.get(container)
        referred = holder.get(target) if isinstance(holder, dict) else None
        if referred is None:
            referred = _default(node.children[container].children.get(target))
        where = f"{path}/{key}"  # the key leaf is the leafref (libyang reports it there)
        if referred is None:
            self.unfilled.add(f"{path}/{container}/{target}")
            self.problem(
                where,
                f"key {key!r} refers to ../{container}/{target}, which is missing "
                "(the list key is a leafref to it)",
            )
        elif referred != entry[key]:
            for at in (where, f"{path}/{container}/{target}"):  # both ends of the leafref
                self.problem(
                    at,
                    f"{container}/{target} {_show(referred)} differs from the list key "
                    f"{key} {_show(entry[key])}",
                )


def _without_keys(
    entry: dict[str, Any], keys: list[str], fills: dict[str, tuple[str, str]]
) -> dict[str, Any]:
    """The entry as the authoring form writes it: key leaves, and the ``config/<key>``
    leaves equal to them, are implied by the map key (the schema fills them)."""
    out = {k: v for k, v in entry.items() if k not in keys}
    for key, (container, target) in fills.items():
        holder = out.get(container)
        if isinstance(holder, dict) and holder.get(target) == entry[key]:
            rest = {k: v for k, v in holder.items() if k != target}
            if rest:
                out[container] = rest
            else:
                del out[container]
    return out


def _has_member(node: Node, item: dict[str, Any], name: str) -> bool:
    module = node.children[name].module
    return name in item or f"{module}:{name}" in item


def _peek_keys(node: Node, item: Any) -> list[str] | None:
    """The entry's key values as text, if all present (for error paths inside the entry)."""
    if not isinstance(item, dict) or not node.keys:
        return None
    values = []
    for key in node.keys:
        module = node.children[key].module
        raw = item.get(key, item.get(f"{module}:{key}"))
        if raw is None or isinstance(raw, dict | list):
            return None
        text = _key_text(raw)
        values.append(text.rpartition(":")[2] if _is_identity(node.children[key].type) else text)
    return values


def _is_identity(t: TypeInfo | None) -> bool:
    """Whether values of ``t`` may be identities (written ``module:name`` on the wire)."""
    return t is not None and (t.base == "identityref" or any(_is_identity(m) for m in t.members))


def _default(leaf: Node | None) -> Any:
    """A leaf's default as its authoring value (numbers as int), or None."""
    if leaf is None or not leaf.default or leaf.type is None:
        return None
    text = leaf.default[0]
    if leaf.type.base in INT_BOUNDS:
        return int(text)
    return text


def _key_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def decode_rfc7951(document: Any, schema: Schema) -> tuple[dict[str, Any], list[Problem]]:
    """Decode an RFC 7951 document to the authoring form.

    Returns the authoring-form tree (the parts that decoded) and the problems
    found; the document is valid only if the list is empty and the tree then
    passes the CUE definitions.
    """
    decoded = decode_wire(document, schema)
    return decoded.tree, decoded.problems


@dataclass(frozen=True)
class Decoded:
    """:func:`decode_rfc7951`'s tree and problems, and ``unfilled``: the data paths of the
    ``config/<key>`` leaves the document lacks, which the authoring form would fill
    from the list key (the post-checks must see them absent, as libyang does)."""

    tree: dict[str, Any]
    problems: list[Problem]
    unfilled: frozenset[str]


def decode_wire(document: Any, schema: Schema) -> Decoded:
    """:func:`decode_rfc7951`, and the ``config/<key>`` leaves the document lacks."""
    decoder = _Decoder(schema)
    tree = decoder.container(schema.root, document, "", top=True)
    return Decoded(tree, decoder.problems, frozenset(decoder.unfilled))


# -- encoding ----------------------------------------------------------------
def encode_value(t: TypeInfo, value: Any) -> Any:
    """One authoring leaf value to RFC 7951."""
    base = t.base
    if base in WIDE_NUMBERS:
        return str(value)
    if base == "empty":
        return [None]
    if base == "identityref":
        return identity_from_label(str(value), t) or value
    if base == "union":
        return _encode_union(t, value)
    return value


def _encode_union(t: TypeInfo, value: Any) -> Any:
    members = _flatten(t)
    if isinstance(value, str):
        for member in members:
            if member.base == "identityref":
                qualified = identity_from_label(value, member)
                if qualified is not None:
                    return qualified
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        for member in members:
            if member.base in INT_BOUNDS and member.base not in WIDE_NUMBERS:
                low, high = INT_BOUNDS[member.base]
                if low <= value <= high:
                    return value
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    if numeric and any(m.base in WIDE_NUMBERS for m in members):
        return str(value)
    return value


class _Misplaced(Exception):
    """Data the encoder cannot place; the data path is collected on the way up (no path
    is built for the nodes that encode, which are nearly all of them)."""

    def __init__(self, problem: str, step: str | None = None) -> None:
        self.problem = problem
        self.steps = [] if step is None else [step]
        self.named = False
        """The last step already names the node the parent would add (a list entry)."""

    def error(self) -> DocumentError:
        return DocumentError(f"/{'/'.join(reversed(self.steps))}: {self.problem}")


def _members(node: Node) -> dict[str, tuple[Node, str]]:
    """Per child label: the child and its RFC 7951 member name (module-qualified where
    the module changes), computed once per schema node."""
    found: dict[str, tuple[Node, str]] | None = node.memo.get("members")
    if found is None:
        found = {
            name: (c, c.yang_name if c.module == node.module else f"{c.module}:{c.yang_name}")
            for name, c in node.children.items()
        }
        node.memo["members"] = found
    return found


def _container(node: Node, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Misplaced(f"expected a mapping, got {_json_kind(value)}")
    members = _members(node)
    out: dict[str, Any] = {}
    for name, item in value.items():
        found = members.get(name)
        if found is None:
            raise _Misplaced("unknown node (not in the schema)", name)
        child, member = found
        try:
            out[member] = _data(child, item)
        except _Misplaced as exc:
            if not exc.named:
                exc.steps.append(name)
            exc.named = False
            raise
    return out


def _data(node: Node, value: Any) -> Any:
    kind = node.kind
    if kind == "container":
        return _container(node, value)
    if kind == "list":
        return _list(node, value)
    assert node.type is not None
    if kind == "leaf-list":
        return [encode_value(node.type, v) for v in value]
    return encode_value(node.type, value)


def _list(node: Node, value: Any) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    _walk_entries(node, value, [], node.key_fill(), entries)
    return entries


def _walk_entries(
    node: Node,
    level: Any,
    keys: list[str],
    fills: dict[str, tuple[str, str]],
    entries: list[dict[str, Any]],
) -> None:
    """Append the encoded entries of a list map keyed ``len(node.keys)`` deep (a function of
    its own: a nested one calling itself is a reference cycle per list, left to the
    collector with the entries it holds)."""
    if len(keys) == len(node.keys):
        try:
            entries.append(_entry(node, level, keys, fills))
        except _Misplaced as exc:  # the entry's step stands for the list's
            exc.steps.append(entry_step(node, keys))
            exc.named = True
            raise
        return
    if not isinstance(level, dict):
        raise _Misplaced(f"expected a map keyed by {node.keys[len(keys)]}")
    for key, sub in level.items():
        _walk_entries(node, sub, [*keys, str(key)], fills, entries)


def _entry(
    node: Node, value: Any, keys: list[str], fills: dict[str, tuple[str, str]]
) -> dict[str, Any]:
    filled = dict(value) if isinstance(value, dict) else {}
    for key, text in zip(node.keys, keys, strict=True):
        leaf = node.children[key]
        assert leaf.type is not None
        typed = typed_key(leaf.type, text)
        filled.setdefault(key, typed)
        if key in fills:
            container, target = fills[key]
            filled[container] = {target: typed, **filled.get(container, {})}
    ordered = {k: filled.pop(k) for k in node.keys}
    ordered.update(filled)
    return _container(node, ordered)


def encode_rfc7951(tree: Any, schema: Schema) -> dict[str, Any]:
    """Encode an authoring-form tree as RFC 7951 JSON (module-qualified where the
    namespace changes, identities qualified, 64-bit numbers as strings, lists
    as arrays with their key leaves first). Raises :class:`DocumentError` on
    nodes the schema does not know."""
    out: dict[str, Any] = {}
    if not isinstance(tree, dict):
        raise DocumentError(f"expected a mapping at the top level, got {_json_kind(tree)}")
    for name, item in tree.items():
        child = schema.root.children.get(name)
        if child is None:
            raise DocumentError(f"/{name}: unknown top-level node (not in the schema)")
        try:
            out[f"{child.module}:{child.yang_name}"] = _data(child, item)
        except _Misplaced as exc:
            if not exc.named:
                exc.steps.append(name)
            raise exc.error() from None
    return out
