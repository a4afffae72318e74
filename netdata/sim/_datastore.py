"""Get and Set on one device's configuration, held as canonical RFC 7951 JSON text.

No I/O here: the gNMI service calls these with the stored :class:`Config` and
commits the one :func:`apply_set` returns. A configuration is text (the compact
form libyang prints, by top-level member), so idle devices cost little memory
and devices with the same configuration share one. Get answers are kept with
the configuration until the next commit; a replace of top-level members builds
the candidate from the stored text of the others.
"""

from __future__ import annotations

import json
import time
from typing import Any

import grpc
from pygnmi.spec.v080 import gnmi_pb2

from netdata._documents import loads_unique, parse_json
from netdata._exceptions import DocumentError
from netdata.sim import _tree, _views
from netdata.sim._config import Config, join
from netdata.sim._errors import GnmiError
from netdata.sim._paths import ANY_MODULE_ORIGINS, Step, path_text, resolve
from netdata.sim._schema import CONTAINER, Schema, ValidationError

_JSON_ENCODINGS = (gnmi_pb2.Encoding.JSON, gnmi_pb2.Encoding.JSON_IETF)
_CONFIG = gnmi_pb2.GetRequest.DataType.CONFIG
_SCALARS = ("string_val", "int_val", "uint_val", "bool_val", "float_val", "double_val")


def canonical_config(
    schema: Schema, text: str | bytes, where: str = "the configuration"
) -> Config:
    """Validate a whole RFC 7951 configuration; return its canonical text.

    The text must pass the one reader's JSON rules (an empty text, duplicate
    members, NaN or nesting too deep are errors) and libyang's judgement of the
    document (member names included). Raises INVALID_ARGUMENT naming the path.
    """
    text = _text(text, where)
    tree = _load(schema, text, where)
    if not isinstance(tree, dict):
        _parse(text, where)
        raise GnmiError(grpc.StatusCode.INVALID_ARGUMENT, f"{where} must be a JSON object")
    return _judged(schema, text if tree else "{}", [(text, where)])


def _text(raw: str | bytes, where: str) -> str:
    try:
        return raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        raise GnmiError(
            grpc.StatusCode.INVALID_ARGUMENT, f"{where}: not valid UTF-8 (byte {exc.start})"
        ) from None


def _parse(text: str | bytes, where: str) -> Any:
    """JSON by the reader's rules; INVALID_ARGUMENT naming ``where`` otherwise."""
    try:
        return parse_json(_text(text, where), where)
    except DocumentError as exc:
        raise GnmiError(grpc.StatusCode.INVALID_ARGUMENT, str(exc)) from None


def _load(schema: Schema, text: str, where: str) -> Any:
    """``text`` decoded, checked for duplicate members; by the reader instead if that fails
    or if libyang's acceptance would not imply the reader's (:attr:`Schema.strict_json`).

    Where this is not the reader, a text the reader rejects for another reason (NaN,
    U+0000, an overlong number, nesting) is one libyang rejects too, and
    :func:`_judged` then lets the reader name what is wrong.
    """
    if schema.strict_json:
        try:
            return loads_unique(text)
        except (ValueError, RecursionError):
            pass
    return _parse(text, where)


def _judged(schema: Schema, text: str, values: list[tuple[str, str]]) -> Config:
    """libyang's canonical ``text``; if libyang rejects it, the reader's error for the first
    of ``values`` (text, where) it rejects, else libyang's (INVALID_ARGUMENT)."""
    try:
        return schema.validate(text)
    except ValidationError as exc:
        for value, where in values:
            _parse(value, where)
        raise GnmiError(grpc.StatusCode.INVALID_ARGUMENT, str(exc)) from None


def apply_set(schema: Schema, config: Config, request: Any) -> tuple[Config, Any]:
    """Apply a SetRequest to ``config``: deletes, replaces, updates, then validate the result.

    Returns the new configuration and the SetResponse; raises GnmiError (and
    changes nothing) if any operation or the validation fails.
    """
    prefix = request.prefix if request.HasField("prefix") else None
    if _replaces_everything(request, prefix):
        value = request.replace[0].val.json_ietf_val
        new = canonical_config(schema, value, "/")
        result = gnmi_pb2.UpdateResult(
            path=request.replace[0].path, op=gnmi_pb2.UpdateResult.REPLACE
        )
        return new, _response(prefix, [result])
    roots = _root_replaces(schema, request, prefix)
    if roots is not None:  # a push's replace of top-level containers: libyang judges the tree
        members = dict(config.members)
        members.update((member, text) for member, text, _where in roots)
        results = [
            gnmi_pb2.UpdateResult(path=u.path, op=gnmi_pb2.UpdateResult.REPLACE)
            for u in request.replace
        ]
        new = _judged(schema, join(members), [(text, where) for _m, text, where in roots])
        return new, _response(prefix, results)
    tree = config.tree()
    results = []
    for path in request.delete:
        steps = resolve(schema, prefix, path, for_write=True, wildcards=True)
        _tree.delete(schema, tree, steps)
        results.append(gnmi_pb2.UpdateResult(path=path, op=gnmi_pb2.UpdateResult.DELETE))
    for op, updates, merge in (
        (gnmi_pb2.UpdateResult.REPLACE, request.replace, False),
        (gnmi_pb2.UpdateResult.UPDATE, request.update, True),
    ):
        for update in updates:
            where = path_text(prefix, update.path)
            steps = resolve(schema, prefix, update.path, for_write=True)
            node = steps[-1].node if steps else schema.root_node
            value = _tree.canonical(
                schema,
                node,
                _decode(update.val, where),
                where,
                entry=bool(steps) and steps[-1].keys is not None,
                ietf=update.val.WhichOneof("value") != "json_val",
            )
            if steps:
                value = _tree.fill_keys(schema, steps[-1], value, where)
            _tree.put(schema, tree, steps, value, merge_=merge)
            results.append(gnmi_pb2.UpdateResult(path=update.path, op=op))
    return _validate(schema, _candidate(tree)), _response(prefix, results)


def _candidate(tree: dict[str, Any]) -> str:
    """The text of a candidate tree for libyang: text beyond the BMP as UTF-8 (libyang 2.1
    refuses it escaped, as a surrogate pair); escaped where a lone surrogate (from a
    ``\\ud800`` in a request) cannot be UTF-8, which libyang then refuses by name."""
    text = json.dumps(tree, ensure_ascii=False)
    try:
        text.encode()
    except UnicodeEncodeError:
        return json.dumps(tree)
    return text


def answer_get(schema: Schema, config: Config, request: Any) -> Any:
    """The GetResponse for ``request`` against ``config``."""
    if request.encoding not in gnmi_pb2.Encoding.values():
        raise GnmiError(
            grpc.StatusCode.INVALID_ARGUMENT, f"unknown encoding number {request.encoding}"
        )
    if request.encoding not in _JSON_ENCODINGS:
        name = gnmi_pb2.Encoding.Name(request.encoding)
        raise GnmiError(grpc.StatusCode.UNIMPLEMENTED, f"encoding {name} is not supported")
    if request.type not in gnmi_pb2.GetRequest.DataType.values():
        raise GnmiError(grpc.StatusCode.INVALID_ARGUMENT, f"unknown data type {request.type}")
    prefix = request.prefix if request.HasField("prefix") else None
    ietf = request.encoding == gnmi_pb2.Encoding.JSON_IETF
    view = _View(schema, config, request.type)
    notifications = []
    now = time.time_ns()
    for path in request.path or [gnmi_pb2.Path()]:
        steps = resolve(schema, prefix, path, for_write=False, wildcards=True)
        if any(step.wildcard for step in steps):
            # matches are reported with full paths: the prefix may hold wildcards too
            origin = path.origin or (prefix.origin if prefix is not None else "")
            found = [
                (_concrete_path(concrete, origin), _encoded(value, ietf))
                for concrete, value in _tree.expand(schema, view.tree(), steps)
            ]
            head = gnmi_pb2.Path(target=prefix.target) if prefix is not None else None
        else:
            if view.stored(steps, ietf):  # no need to keep what is stored
                text = view.answer(steps, ietf)
            else:
                text = config.answer(
                    (request.type, ietf, *((s.member, _key_items(s.keys)) for s in steps)),
                    lambda: view.answer(steps, ietf),  # noqa: B023 (called at once)
                )
            if text is None:
                raise GnmiError(
                    grpc.StatusCode.NOT_FOUND, f"{path_text(prefix, path)}: no data at this path"
                )
            found, head = [(path, text)], prefix
        updates = [gnmi_pb2.Update(path=p, val=_typed(t, ietf)) for p, t in found]
        notifications.append(gnmi_pb2.Notification(timestamp=now, prefix=head, update=updates))
    return gnmi_pb2.GetResponse(notification=notifications)


class _View:
    """What one Get of ``datatype`` sees of ``config``, decoded at most once per request."""

    def __init__(self, schema: Schema, config: Config, datatype: int) -> None:
        self.schema, self.config, self.datatype = schema, config, datatype
        self._tree: dict[str, Any] | None = None

    def tree(self) -> dict[str, Any]:
        if self._tree is None:
            self._tree = _views.view(self.schema, self.config.tree(), self.datatype)
        return self._tree

    def stored(self, steps: list[Step], ietf: bool) -> bool:
        """Whether the answer at ``steps`` is stored text as it is: the JSON_IETF
        configuration of everything or of a top-level member."""
        return (
            ietf
            and self.datatype == _CONFIG
            and (not steps or (len(steps) == 1 and steps[0].keys is None))
        )

    def answer(self, steps: list[Step], ietf: bool) -> bytes | None:
        """The encoded value at concrete ``steps``; None if there is none."""
        if self.stored(steps, ietf):
            text = self.config.members.get(steps[0].member) if steps else self.config.text
            return None if text is None else text.encode()
        value = _tree.lookup(self.schema, self.tree(), steps)
        return None if value is None else _encoded(value, ietf)


def _key_items(keys: dict[str, str] | None) -> tuple[tuple[str, str], ...] | None:
    return None if keys is None else tuple(sorted(keys.items()))


def _encoded(value: Any, ietf: bool) -> bytes:
    return json.dumps(value if ietf else _views.unqualified(value)).encode()


def _typed(text: bytes, ietf: bool) -> Any:
    if ietf:
        return gnmi_pb2.TypedValue(json_ietf_val=text)
    return gnmi_pb2.TypedValue(json_val=text)


def _concrete_path(steps: list[Step], origin: str) -> Any:
    elems = [gnmi_pb2.PathElem(name=step.node.name, key=step.keys or {}) for step in steps]
    return gnmi_pb2.Path(origin=origin, elem=elems)


def _validate(schema: Schema, text: str) -> Config:
    try:
        return schema.validate(text)
    except ValidationError as exc:
        raise GnmiError(grpc.StatusCode.INVALID_ARGUMENT, str(exc)) from None


def _response(prefix: Any, results: list[Any]) -> Any:
    return gnmi_pb2.SetResponse(prefix=prefix, response=results, timestamp=time.time_ns())


def _replaces_everything(request: Any, prefix: Any) -> bool:
    """True for the common push: one JSON_IETF replace of the whole tree, nothing else."""
    if request.delete or request.update or len(request.replace) != 1:
        return False
    update = request.replace[0]
    paths = [update.path, *([prefix] if prefix is not None else [])]
    return (
        update.val.WhichOneof("value") == "json_ietf_val"
        and not any(p.elem or p.element for p in paths)
        and all(p.origin in ANY_MODULE_ORIGINS for p in paths)
    )


def _root_replaces(
    schema: Schema, request: Any, prefix: Any
) -> list[tuple[str, str, str]] | None:
    """``[(member, text, where)]`` when the request only replaces top-level containers
    with JSON_IETF objects (what a push sends): the candidate is then the stored tree
    with those members' texts swapped in as they came (a member given twice: the last),
    judged by libyang in one parse like a replace of ``/``. None for any other request
    (the general path checks it step by step). Errors come in the order the values are
    read: the reader's complaint about an earlier value before a later value's path error."""
    if request.delete or request.update or not request.replace:
        return None
    if prefix is not None and (prefix.elem or prefix.element):
        return None
    roots: list[tuple[str, str, str]] = []
    try:
        for update in request.replace:
            path = update.path
            if update.val.WhichOneof("value") != "json_ietf_val" or len(path.elem) != 1:
                return None
            if path.elem[0].key or path.element:
                return None
            steps = resolve(schema, prefix, path, for_write=True)
            if steps[0].node.kind != CONTAINER:
                return None
            where = path_text(prefix, path)
            text = _text(update.val.json_ietf_val, where)
            if not isinstance(_load(schema, text, where), dict):
                return None
            member = steps[0].member
            for earlier, replaced, at in roots:
                if earlier == member:  # it will not reach libyang: the reader judges it
                    _parse(replaced, at)
            roots.append((member, text, where))
    except GnmiError:
        for _member, text, where in roots:
            _parse(text, where)
        raise
    return roots


def _decode(value: Any, where: str) -> Any:
    kind = value.WhichOneof("value")
    if kind in ("json_ietf_val", "json_val"):
        return _parse(getattr(value, kind), where)
    if kind in _SCALARS:
        return getattr(value, kind)
    raise GnmiError(
        grpc.StatusCode.UNIMPLEMENTED, f"{where}: value encoding {kind} is not supported"
    )
