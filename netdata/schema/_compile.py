"""pyang statements to the schema IR (:mod:`netdata.schema._ir`).

Only config data nodes are kept; ``config false`` subtrees are recorded by
name (so the decoder can say "read-only node") and dropped. Choices and cases
are flattened into their parent, which keeps each choice's cases
(:class:`Choice`). Every constraint that cannot be enforced is
recorded in ``Schema.gaps`` with its data path.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from netdata.schema._ir import Choice, Must, Node, Pattern, Schema, TypeInfo, When, ancestors
from netdata.schema._patterns import UntranslatablePattern, check_re2, xsd_to_re2

DATA_KEYWORDS = frozenset({"container", "list", "leaf", "leaf-list"})
SKIPPED_KEYWORDS = frozenset({"rpc", "action", "notification", "input", "output"})
POSIX_PATTERN = ("openconfig-extensions", "posix-pattern")


def compile_schema(ctx: Any, modules: Sequence[Any]) -> Schema:
    """Compile the data trees of ``modules`` (pyang module statements) to a :class:`Schema`."""
    return _Compiler(ctx).run(modules)


def _qname(stmt: Any) -> str:
    return f"{stmt.i_module.i_modulename}:{stmt.arg}"


def _origin(stmt: Any) -> str:
    """Name of the (sub)module file whose prefixes apply to ``stmt``'s arguments."""
    orig = getattr(stmt, "i_orig_module", None) or stmt.i_module
    return str(orig.arg)


class _Compiler:
    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.gaps: list[dict[str, str]] = []
        self.bases: dict[str, list[str]] = {}
        self.prefixes: dict[str, dict[str, str]] = {}
        for mod in ctx.modules.values():
            own = {
                p: (mod.i_modulename if m == mod.arg else m)
                for p, (m, _r) in mod.i_prefixes.items()
            }
            self.prefixes[mod.arg] = {**own, "": mod.i_modulename}
            for ident in mod.i_identities.values():
                bases = [b.i_identity for b in ident.search("base")]
                self.bases[_qname(ident)] = sorted(_qname(b) for b in bases if b is not None)
        self.derived: dict[str, set[str]] = {}
        for ident, bases in self.bases.items():
            for base in ancestors(self.bases, bases):
                self.derived.setdefault(base, set()).add(ident)

    def gap(self, path: str, kind: str, detail: str) -> None:
        self.gaps.append({"path": path, "kind": kind, "detail": detail})

    def run(self, modules: Sequence[Any]) -> Schema:
        root = Node(kind="root", name="", module="")
        for module in modules:
            self.children(module, root, "")
        return Schema(root=root, identities=self.bases, modules=self.prefixes, gaps=self.gaps)

    # -- data nodes ---------------------------------------------------------
    def children(
        self,
        stmt: Any,
        parent: Node,
        path: str,
        inherited: Sequence[When] = (),
        choice: bool = False,
    ) -> None:
        for child in getattr(stmt, "i_children", ()):
            keyword = child.keyword
            if keyword in SKIPPED_KEYWORDS:
                continue
            if getattr(child, "i_config", True) is False:
                if child.arg not in parent.state_children:
                    parent.state_children.append(child.arg)
                continue
            if keyword == "choice":
                self.choice(child, parent, path, inherited, nested=choice)
                continue
            if keyword not in DATA_KEYWORDS:
                self.gap(f"{path}/{child.arg}", keyword, f"{keyword} nodes are not supported")
                continue
            node = self.node(child, f"{path}/{child.arg}", inherited, choice)
            existing = parent.children.get(node.name)
            if existing is not None and existing.module != node.module:
                node.name = f"{node.module}:{node.name}"  # the first module keeps the plain name
            parent.children[node.name] = node

    def choice(
        self, stmt: Any, parent: Node, path: str, inherited: Sequence[When], nested: bool
    ) -> None:
        """Flatten a choice's cases into ``parent``, recording which children each case
        holds; ``nested``: the choice is in a case (its ``mandatory`` holds only there)."""
        whens = [*inherited, *self.whens(stmt, on_parent=True)]
        cases: dict[str, list[str]] = {}
        for case in getattr(stmt, "i_children", ()):
            before = set(parent.children)
            case_whens = [*whens, *self.whens(case, on_parent=True)]
            self.children(case, parent, path, case_whens, choice=True)
            cases[case.arg] = [name for name in parent.children if name not in before]
        mandatory = _is_true(stmt.search_one("mandatory"))
        if mandatory and (whens or nested):
            detail = "mandatory choice under when/case is not enforced"
            self.gap(f"{path}/{stmt.arg}", "choice", detail)
        parent.choices.append(Choice(stmt.arg, cases, mandatory and not (whens or nested)))

    def whens(self, stmt: Any, on_parent: bool) -> list[When]:
        out = [
            When(w.arg, on_parent or getattr(w, "i_origin", None) == "uses", _origin(w))
            for w in stmt.search("when")
        ]
        augment = getattr(stmt, "i_augment", None)
        if augment is not None:
            out += [When(w.arg, True, _origin(w)) for w in augment.search("when")]
        return out

    def node(self, stmt: Any, path: str, inherited: Sequence[When], choice: bool) -> Node:
        node = Node(
            kind=stmt.keyword,
            name=stmt.arg,
            module=stmt.i_module.i_modulename,
            whens=[*inherited, *self.whens(stmt, on_parent=False)],
            in_choice=choice,
        )
        if stmt.keyword in ("leaf", "leaf-list"):
            node.type = self.leaf_type(stmt, path)
            node.mandatory = _is_true(stmt.search_one("mandatory"))
            node.default = self.defaults(stmt, node.type)
        else:
            node.presence = stmt.search_one("presence") is not None
            self.children(stmt, node, path)
        if stmt.keyword == "list":
            key = stmt.search_one("key")
            node.keys = key.arg.split() if key is not None else []
            if not node.keys:
                self.gap(path, "list", "config list without key: not representable as a map")
            node.uniques = [
                [_unprefixed(leaf) for leaf in u.arg.split()] for u in stmt.search("unique")
            ]
        if stmt.keyword in ("list", "leaf-list"):
            ordered_by = stmt.search_one("ordered-by")
            node.ordered_by_user = ordered_by is not None and ordered_by.arg == "user"
            low = stmt.search_one("min-elements")
            high = stmt.search_one("max-elements")
            node.min_elements = int(low.arg) if low is not None else 0
            if high is not None and high.arg != "unbounded":
                node.max_elements = int(high.arg)
        for must in stmt.search("must"):
            message = must.search_one("error-message")
            node.musts.append(Must(must.arg, _origin(must), message.arg if message else ""))
        return node

    def defaults(self, stmt: Any, type_: TypeInfo) -> list[str]:
        values = [d.arg for d in stmt.search("default")]
        if not values and stmt.keyword == "leaf":
            values = self.typedef_default(stmt.search_one("type"))
        if type_.base == "identityref":
            values = [self.qualify(v, stmt) for v in values]
        return values

    def typedef_default(self, type_stmt: Any) -> list[str]:
        while type_stmt is not None and getattr(type_stmt, "i_typedef", None) is not None:
            typedef = type_stmt.i_typedef
            default = typedef.search_one("default")
            if default is not None:
                return [self.qualify(default.arg, typedef) if ":" in default.arg else default.arg]
            type_stmt = typedef.search_one("type")
        return []

    def qualify(self, value: str, stmt: Any) -> str:
        """``prefix:name`` (prefix of ``stmt``'s file) to ``module:name``."""
        prefix, _, name = value.rpartition(":")
        if not prefix:
            return f"{stmt.i_module.i_modulename}:{name}"
        module = self.prefixes.get(_origin(stmt), {}).get(prefix, prefix)
        return f"{module}:{name}"

    # -- types --------------------------------------------------------------
    def leaf_type(self, leaf: Any, path: str) -> TypeInfo:
        type_stmt = leaf.search_one("type")
        info = self.type_info(type_stmt, path)
        if info.base == "leafref":
            ptr = getattr(leaf, "i_leafref_ptr", None)
            target = ptr[0] if ptr else None
            resolved = (
                self.leaf_type(target, path) if target is not None else TypeInfo(base="string")
            )
            if target is None:
                self.gap(path, "leafref", f"target of {info.leafref!r} not found; typed as string")
            resolved.leafref = info.leafref
            return resolved
        return info

    def type_info(self, type_stmt: Any, path: str) -> TypeInfo:
        """Walk the typedef chain, collecting restrictions until a builtin type."""
        info = TypeInfo(base="")
        enums: list[str] | None = None
        current = type_stmt
        while current is not None:
            self.restrictions(current, info, path)
            if enums is None and current.search("enum"):
                enums = [e.arg for e in current.search("enum")]
            if not info.members and current.search("type"):
                info.members = [self.type_info(m, path) for m in current.search("type")]
            if not info.identities and current.search("base"):
                info.identities = self.identityref(current, path)
            if not info.bits and current.search("bit"):
                info.bits = [b.arg for b in current.search("bit")]
            digits = current.search_one("fraction-digits")
            if digits is not None and not info.fraction_digits:
                info.fraction_digits = int(digits.arg)
            lref = current.search_one("path")
            if lref is not None and info.leafref is None:
                info.leafref = lref.arg
            typedef = getattr(current, "i_typedef", None)
            if typedef is None:
                info.base = current.arg
                break
            current = typedef.search_one("type")
        info.enums = enums or []
        if info.base == "identityref" and not info.identities:
            self.gap(path, "identityref", "no derived identities found")
        if info.base == "instance-identifier":
            self.gap(path, "type", f"{info.base} values are checked as plain strings")
        return info

    def identityref(self, type_stmt: Any, path: str) -> list[str]:
        bases = [b.i_identity for b in type_stmt.search("base") if b.i_identity is not None]
        allowed: set[str] | None = None
        for base in bases:
            derived = self.derived.get(_qname(base), set())
            allowed = derived if allowed is None else allowed & derived
        return sorted(allowed or ())

    def restrictions(self, type_stmt: Any, info: TypeInfo, path: str) -> None:
        for keyword, target in (("range", info.ranges), ("length", info.lengths)):
            stmt = type_stmt.search_one(keyword)
            if stmt is not None:
                target.append(_parts(stmt.arg))
        patterns = type_stmt.search("pattern")
        posix = type_stmt.search(POSIX_PATTERN)
        use_posix = bool(posix) and len(posix) == len(patterns)
        for index, pattern in enumerate(patterns):
            invert = any(m.arg == "invert-match" for m in pattern.search("modifier"))
            info.patterns.append(
                Pattern(
                    pattern.arg,
                    self.regex(pattern.arg, posix[index].arg if use_posix else None, path),
                    invert,
                )
            )

    def regex(self, xsd: str, posix: str | None, path: str) -> str | None:
        try:
            if posix is not None:
                check_re2(posix)
                return posix
            return xsd_to_re2(xsd)
        except UntranslatablePattern as exc:
            self.gap(path, "pattern", f"pattern {xsd!r} not enforced: {exc}")
            return None


def _is_true(stmt: Any) -> bool:
    return stmt is not None and stmt.arg == "true"


def _unprefixed(path: str) -> str:
    """``oc:config/oc:name`` to ``config/name``."""
    return "/".join(step.rpartition(":")[2] for step in path.split("/"))


def _parts(expression: str) -> list[tuple[str, str]]:
    """``"1..10 | 20"`` to ``[("1", "10"), ("20", "20")]`` (``min``/``max`` kept as words)."""
    out = []
    for part in expression.split("|"):
        low, _, high = part.strip().partition("..")
        out.append((low.strip(), (high or low).strip()))
    return out
