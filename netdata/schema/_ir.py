"""The schema intermediate representation: what the pyang plugin extracts from YANG.

One tree of :class:`Node` (config data nodes only; choices and cases are
flattened, each node keeping its :class:`Choice` list) plus the identity
graph. The CUE emitter, the JSON Schema emitter,
the RFC 7951 encoder/decoder and the post-checks all read this tree; it is
stored next to the CUE as ``meta.json``. The model rules they share are
written here, once: which nodes are required (:attr:`Node.required`), which
leaves a list entry fills from its key (:meth:`Node.key_fill`) and identity
derivation (:func:`ancestors`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

INT_BOUNDS: dict[str, tuple[int, int]] = {
    "int8": (-(2**7), 2**7 - 1),
    "int16": (-(2**15), 2**15 - 1),
    "int32": (-(2**31), 2**31 - 1),
    "int64": (-(2**63), 2**63 - 1),
    "uint8": (0, 2**8 - 1),
    "uint16": (0, 2**16 - 1),
    "uint32": (0, 2**32 - 1),
    "uint64": (0, 2**64 - 1),
}
WIDE_NUMBERS = frozenset({"int64", "uint64", "decimal64"})
"""Types that RFC 7951 encodes as JSON strings."""


@dataclass
class Pattern:
    """One YANG pattern: the RE2 translation (anchored) or None when untranslatable."""

    source: str
    regex: str | None
    invert: bool = False


@dataclass
class TypeInfo:
    """A resolved YANG type: the builtin base plus every restriction along the typedef chain.

    ``ranges`` and ``lengths`` hold one alternative list per restricting
    statement (all must hold); bounds are decimal strings.
    """

    base: str
    ranges: list[list[tuple[str, str]]] = field(default_factory=list)
    lengths: list[list[tuple[str, str]]] = field(default_factory=list)
    patterns: list[Pattern] = field(default_factory=list)
    enums: list[str] = field(default_factory=list)
    identities: list[str] = field(default_factory=list)
    members: list[TypeInfo] = field(default_factory=list)
    fraction_digits: int = 0
    leafref: str | None = None
    bits: list[str] = field(default_factory=list)
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """What the stages derive from this type once and keep with it (as :attr:`Node.memo`)."""


def integer_key(t: TypeInfo | None) -> str:
    """How a map label becomes a key leaf's value: "int" (an integer type), "either"
    (a union with an integer member: an integer when the label is one), or "string"."""
    if t is None:
        return "string"
    if t.base in INT_BOUNDS:
        return "int"
    if t.base == "union" and any(integer_key(m) != "string" for m in t.members):
        return "either"
    return "string"


def typed_key(t: TypeInfo | None, text: str) -> int | str:
    """A list key's map label as the key leaf's value (see :func:`integer_key`)."""
    kind = integer_key(t)
    if kind == "int" or (kind == "either" and text.lstrip("-").isdigit()):
        return int(text)
    return text


@dataclass
class When:
    """A ``when`` condition; ``on_parent`` when its context node is the parent."""

    xpath: str
    on_parent: bool
    module: str


@dataclass
class Must:
    """A ``must`` condition of a node (its context node is the node itself)."""

    xpath: str
    module: str
    message: str = ""
    """The statement's ``error-message``, if any."""


@dataclass
class Choice:
    """A ``choice`` of a node's children: its cases and the data children of each
    (cases are flattened into the parent; this keeps them apart for exclusivity)."""

    name: str
    cases: dict[str, list[str]]
    mandatory: bool = False


@dataclass
class Node:
    """A config data node (``kind`` is container, list, leaf, leaf-list or root)."""

    kind: str
    name: str
    module: str
    children: dict[str, Node] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)
    type: TypeInfo | None = None
    mandatory: bool = False
    default: list[str] = field(default_factory=list)
    presence: bool = False
    whens: list[When] = field(default_factory=list)
    state_children: list[str] = field(default_factory=list)
    min_elements: int = 0
    max_elements: int | None = None
    in_choice: bool = False
    musts: list[Must] = field(default_factory=list)
    uniques: list[list[str]] = field(default_factory=list)
    """A list's ``unique`` statements, each as its descendant leaf paths (``a/b``)."""
    choices: list[Choice] = field(default_factory=list)
    ordered_by_user: bool = False
    """A list or leaf-list whose order is significant (``ordered-by user``)."""
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """Derived facts computed once per node (not serialised)."""

    # -- the model rules every emitter and checker shares ---------------------
    @property
    def implicit(self) -> bool:
        """A container that exists whenever its parent does (no presence, ``when`` or choice)."""
        return self.kind == "container" and not (self.presence or self.whens or self.in_choice)

    @property
    def required(self) -> bool:
        """Whether this node must be present wherever its parent is (a required field, ``!``).

        A mandatory leaf is, unless a ``when`` or a choice guards it (not
        enforced by the definitions; see the coverage report); an implicit
        container is when a descendant is required.
        """
        found: bool | None = self.memo.get("required")
        if found is None:
            if self.kind == "leaf":
                found = self.mandatory and not self.whens and not self.in_choice
            else:
                found = self.implicit and any(c.required for c in self.children.values())
            self.memo["required"] = found
        return found

    def key_fill(self) -> dict[str, tuple[str, str]]:
        """For each key leaf of a list: the (container, leaf) its leafref ``../container/leaf``
        names, which the authoring form fills from the map key (``config/name``)."""
        fills: dict[str, tuple[str, str]] | None = self.memo.get("key_fill")
        if fills is None:
            fills = {}
            for key in self.keys:
                leaf = self.children.get(key)
                path = leaf.type.leafref if leaf and leaf.type else None
                if path is None:
                    continue
                steps = [s.rpartition(":")[2] for s in path.split("/")]
                if len(steps) == 3 and steps[0] == ".." and steps[1] in self.children:
                    fills[key] = (steps[1], steps[2])
            self.memo["key_fill"] = fills
        return fills

    @property
    def yang_name(self) -> str:
        """The YANG identifier; ``name`` is the authoring label, ``module:name`` when
        another module's node already has the plain name at the same level."""
        return self.name.rpartition(":")[2]


@dataclass
class Schema:
    """The compiled schema: root node, identity graph and module facts."""

    root: Node
    identities: dict[str, list[str]]
    """qualified identity -> its qualified bases."""
    modules: dict[str, dict[str, str]]
    """(sub)module name -> its prefix map (prefix -> module; "" -> its main module)."""
    checksum: str = ""
    gaps: list[dict[str, str]] = field(default_factory=list)
    """Constraints that are not enforced: {"path", "kind", "detail"}."""
    defects: list[str] = field(default_factory=list)
    """pyang errors gone past when compiling a whole folder (``file:line: message``)."""

    def derived_from(self, identity: str, base: str, or_self: bool = False) -> bool:
        """Whether ``identity`` derives (transitively) from ``base``."""
        if or_self and identity == base:
            return True
        return base in ancestors(self.identities, self.identities.get(identity, ()))


def ancestors(bases: Mapping[str, Sequence[str]], start: Iterable[str]) -> set[str]:
    """``start`` and every identity they derive from, following ``bases`` (identity -> bases)."""
    seen: set[str] = set()
    todo = list(start)
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(bases.get(current, ()))
    return seen


def _type_to_json(t: TypeInfo) -> dict[str, Any]:
    out: dict[str, Any] = {"base": t.base}
    for name in ("ranges", "lengths", "enums", "identities", "bits"):
        value = getattr(t, name)
        if value:
            out[name] = value
    if t.patterns:
        out["patterns"] = [[p.source, p.regex, p.invert] for p in t.patterns]
    if t.members:
        out["members"] = [_type_to_json(m) for m in t.members]
    if t.fraction_digits:
        out["fraction_digits"] = t.fraction_digits
    if t.leafref is not None:
        out["leafref"] = t.leafref
    return out


def _type_from_json(d: dict[str, Any]) -> TypeInfo:
    return TypeInfo(
        base=d["base"],
        ranges=[[(lo, hi) for lo, hi in alt] for alt in d.get("ranges", [])],
        lengths=[[(lo, hi) for lo, hi in alt] for alt in d.get("lengths", [])],
        patterns=[Pattern(s, r, i) for s, r, i in d.get("patterns", [])],
        enums=d.get("enums", []),
        identities=d.get("identities", []),
        members=[_type_from_json(m) for m in d.get("members", [])],
        fraction_digits=d.get("fraction_digits", 0),
        leafref=d.get("leafref"),
        bits=d.get("bits", []),
    )


def node_to_json(n: Node) -> dict[str, Any]:
    """Compact JSON form of a node tree (defaults omitted)."""
    out: dict[str, Any] = {"kind": n.kind, "name": n.name, "module": n.module}
    if n.children:
        out["children"] = [node_to_json(c) for c in n.children.values()]
    if n.keys:
        out["keys"] = n.keys
    if n.type is not None:
        out["type"] = _type_to_json(n.type)
    for name in (
        "mandatory",
        "presence",
        "in_choice",
        "ordered_by_user",
        "default",
        "state_children",
    ):
        value = getattr(n, name)
        if value:
            out[name] = value
    if n.whens:
        out["whens"] = [[w.xpath, w.on_parent, w.module] for w in n.whens]
    if n.musts:
        out["musts"] = [[m.xpath, m.module, m.message] for m in n.musts]
    if n.uniques:
        out["uniques"] = n.uniques
    if n.choices:
        out["choices"] = [[c.name, c.cases, c.mandatory] for c in n.choices]
    if n.min_elements:
        out["min_elements"] = n.min_elements
    if n.max_elements is not None:
        out["max_elements"] = n.max_elements
    return out


def node_from_json(d: dict[str, Any]) -> Node:
    """Inverse of :func:`node_to_json`."""
    children = [node_from_json(c) for c in d.get("children", [])]
    return Node(
        kind=d["kind"],
        name=d["name"],
        module=d["module"],
        children={c.name: c for c in children},
        keys=d.get("keys", []),
        type=_type_from_json(d["type"]) if "type" in d else None,
        mandatory=d.get("mandatory", False),
        default=d.get("default", []),
        presence=d.get("presence", False),
        whens=[When(x, p, m) for x, p, m in d.get("whens", [])],
        state_children=d.get("state_children", []),
        min_elements=d.get("min_elements", 0),
        max_elements=d.get("max_elements"),
        in_choice=d.get("in_choice", False),
        musts=[Must(x, m, e) for x, m, e in d.get("musts", [])],
        uniques=d.get("uniques", []),
        choices=[Choice(n, c, m) for n, c, m in d.get("choices", [])],
        ordered_by_user=d.get("ordered_by_user", False),
    )


def schema_to_json(s: Schema) -> dict[str, Any]:
    """The ``meta.json`` document."""
    return {
        "format": 1,
        "checksum": s.checksum,
        "modules": s.modules,
        "identities": s.identities,
        "gaps": s.gaps,
        "defects": s.defects,
        "root": node_to_json(s.root),
    }


def schema_from_json(d: dict[str, Any]) -> Schema:
    """Inverse of :func:`schema_to_json`."""
    return Schema(
        root=node_from_json(d["root"]),
        identities=d["identities"],
        modules=d["modules"],
        checksum=d.get("checksum", ""),
        gaps=d.get("gaps", []),
        defects=d.get("defects", []),
    )
