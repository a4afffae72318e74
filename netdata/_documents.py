"""The one reader of JSON/YAML input documents, for every stage, with clear errors naming the file.

One size limit (:data:`MAX_DOCUMENT_BYTES`), one format detection
(:func:`parse_data`: a text starting with ``{`` or ``[`` is JSON, anything else
YAML, except that ``*.yaml``/``*.yml`` files are always YAML), one YAML dialect
(YAML 1.2 core schema as ``cue`` reads it, see :func:`_plain`) and one
translation of every problem into a :class:`DocumentError` that names the file
and the line (YAML) or the data path (JSON).

Refused, whatever the format: a duplicated mapping key (both lines named), a
string holding U+0000, nesting deeper than :data:`MAX_DEPTH`, a number that is
not a finite double or an integer longer than :data:`MAX_INT_DIGITS` digits;
in YAML also ``.nan``/``.inf``, tags outside the core schema, a recursive alias
and aliases that expand to more than :data:`MAX_ALIAS_NODES` nodes.  The YAML
document is built from the parser's events without recursion, so no input
reaches Python's recursion limit.
"""

from __future__ import annotations

import codecs
import json
import math
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from netdata._exceptions import DocumentError

MAX_DOCUMENT_BYTES = 32 * 1024 * 1024
"""32 MiB. Larger files are refused: a device config or an inventory file is far smaller; this
bounds memory use."""
MAX_DEPTH = 128
"""Mappings and lists nested deeper are refused (an OpenConfig tree is about 20 deep)."""
MAX_ALIAS_NODES = 100_000
"""YAML aliases may add at most this many nodes to a document ("billion laughs" bound)."""
MAX_INT_DIGITS = 4_300
"""Longer integers are refused (Python's own limit for decimal text)."""

_YAML_SUFFIXES = (".yaml", ".yml")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ~20x faster
_TAG = "tag:yaml.org,2002:"
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_DIGITS = r"[0-9](?:_?[0-9])*"
_INT = re.compile(
    rf"[-+]?(?:0[xX]_?[0-9a-fA-F](?:_?[0-9a-fA-F])*|0o_?[0-7](?:_?[0-7])*|0b_?[01](?:_?[01])*"
    rf"|{_DIGITS})"
)
_FLOAT = re.compile(rf"[-+]?(?:\.{_DIGITS}|{_DIGITS}(?:\.(?:{_DIGITS})?)?)(?:[eE][-+]?{_DIGITS})?")
_NOT_A_NUMBER = re.compile(r"[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
_BASES = ("0x", "0X", "0o", "0b")


def display_name(name: str) -> str:
    """``name`` fit for one line of output: control and other unprintable characters escaped."""
    if name.isprintable():
        return name
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in name)


def reads_as_string(text: str) -> bool:
    """Whether ``text`` written as a plain YAML scalar reads back as that string (writers quote
    it otherwise)."""
    try:
        return _plain(text, None) == text and isinstance(_plain(text, None), str)
    except _Invalid:
        return False


def parse_data(text: str, name: str) -> Any:
    """Parse one JSON or YAML document of any shape; :class:`DocumentError` names ``name``."""
    name = display_name(name)
    if not text.strip():
        raise DocumentError(f"{name}: the file is empty")
    yaml_named = name.lower().endswith(_YAML_SUFFIXES)
    if not yaml_named and text.lstrip()[:1] in "{[":
        return _load_json(text, name)
    return _load_yaml(text, name, "YAML" if yaml_named else "JSON or YAML")


def parse_json(text: str, name: str) -> Any:
    """Parse JSON text (an HTTP answer, say) by the reader's rules; :class:`DocumentError`."""
    name = display_name(name)
    if not text.strip():
        raise DocumentError(f"{name}: the text is empty")
    return _load_json(text, name)


def parse_document(text: str, name: str) -> dict[str, Any]:
    """Parse a document that must be a mapping (a config tree: top-level node names)."""
    document = parse_data(text, name)
    if not isinstance(document, dict):
        raise DocumentError(
            f"{display_name(name)}: expected a mapping of top-level nodes, "
            f"got {type(document).__name__}"
        )
    return document


def read_text(path: Path, max_bytes: int = MAX_DOCUMENT_BYTES) -> str:
    """The UTF-8 text of ``path`` (a leading byte-order mark dropped); :class:`DocumentError`
    if missing, not a file, unreadable, too large or not UTF-8."""
    name = display_name(str(path))
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise DocumentError(f"{name}: is a directory, not a file")
        if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
            raise DocumentError(f"{name}: not a regular file (a device or socket)")
        with path.open("rb") as f:
            raw = f.read(max_bytes + 1)
    except OSError as exc:
        raise DocumentError(f"{name}: {exc.strerror or exc}") from None
    if len(raw) > max_bytes:
        raise DocumentError(
            f"{name}: the file is too large (the limit is {max_bytes / 2**20:.0f} MiB)"
        )
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"{name}: not UTF-8 text (byte {exc.start})") from None


def read_data(path: Path) -> Any:
    """Read and parse one JSON/YAML file of any shape (a list, a mapping, ...)."""
    return parse_data(read_text(path), str(path))


def read_document(path: Path) -> dict[str, Any]:
    """Read and parse one document file that must be a mapping."""
    return parse_document(read_text(path), str(path))


def compose(text: str) -> Any:
    """The node graph of a JSON/YAML text, each node with its ``start_mark`` (line, column;
    0-based) and ``id`` (``mapping``, ``sequence``, ``scalar``); None if it does not parse."""
    try:
        return yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError:
        return None


def yaml_error_text(exc: yaml.YAMLError) -> str:
    """``(line L, column C): problem`` of a PyYAML error (the one translation of its errors)."""
    mark = getattr(exc, "problem_mark", None)
    where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
    problem = getattr(exc, "problem", None) or "syntax error"
    return f"{where}: {problem}"


# --- JSON -------------------------------------------------------------------------------------


class _LongInt(str):
    """An integer literal longer than :data:`MAX_INT_DIGITS` (reported by :func:`_check`)."""


class _DuplicateMember(Exception):
    pass


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    members = dict(pairs)
    if len(members) != len(pairs):
        raise _DuplicateMember
    return members


def loads_unique(text: str) -> Any:
    """``text`` as JSON under the reader's duplicate-member rule alone (none of its other
    checks): raises ValueError for invalid JSON or a duplicated member, RecursionError
    for nesting too deep for the decoder."""
    try:
        return json.loads(text, object_pairs_hook=_unique)
    except _DuplicateMember:
        raise ValueError("an object has a duplicated member") from None


def _int(text: str) -> int | _LongInt:
    return _LongInt(text) if len(text) > MAX_INT_DIGITS else int(text)


def _load_json(text: str, name: str) -> Any:
    try:
        data = json.loads(
            text, object_pairs_hook=_unique, parse_int=_int, parse_constant=float
        )
    except json.JSONDecodeError as exc:
        raise DocumentError(
            f"{name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise DocumentError(f"{name}: nested deeper than {MAX_DEPTH} levels") from None
    except _DuplicateMember:
        try:  # the YAML reader reads JSON too and knows the lines
            _load_yaml(text, name, "JSON")
        except _DuplicateKey:
            raise
        except DocumentError:
            pass
        raise DocumentError(f"{name}: an object has a duplicated member") from None
    problem = _check(data)
    if problem is not None:
        raise DocumentError(f"{name}: {problem}")
    return data


def _at(path: str) -> str:
    """A data path for a message: escaped, at most about 100 characters."""
    path = display_name(path or "/")
    return path if len(path) <= 100 else f"{path[:60]}...{path[-30:]}"


def _check(data: Any) -> str | None:
    """What JSON data holds that no input may: too deep, U+0000, non-finite or too long numbers."""
    stack: list[tuple[Any, str, int]] = [(data, "", 1)] if isinstance(data, dict | list) else []
    while stack:
        value, path, depth = stack.pop()
        items = value.items() if isinstance(value, dict) else enumerate(value)
        if depth > MAX_DEPTH:
            return f"at {_at(path)}: nested deeper than {MAX_DEPTH} levels"
        for key, item in items:
            at = f"{path}/{key}"
            if isinstance(key, str) and "\x00" in key:
                return f"at {_at(at)}: a member name holds U+0000"
            if isinstance(item, dict | list):
                stack.append((item, at, depth + 1))
            elif isinstance(item, _LongInt):
                return f"at {_at(at)}: an integer longer than {MAX_INT_DIGITS} digits"
            elif isinstance(item, str) and "\x00" in item:
                return f"at {_at(at)}: a string holds U+0000"
            elif isinstance(item, float) and not math.isfinite(item):
                return f"at {_at(at)}: {item} is not a finite number"
    if isinstance(data, _LongInt):
        return f"an integer longer than {MAX_INT_DIGITS} digits"
    if isinstance(data, str) and "\x00" in data:
        return "a string holds U+0000"
    if isinstance(data, float) and not math.isfinite(data):
        return f"{data} is not a finite number"
    return None


# --- YAML -------------------------------------------------------------------------------------


class _DuplicateKey(DocumentError):
    """A duplicated mapping key, with both lines (also used to place one in JSON)."""


class _Invalid(Exception):
    def __init__(self, message: str, mark: Any) -> None:
        self.message = message
        self.mark = mark


_MERGE = object()
_NO_KEY = object()


class _Frame:
    """An open mapping or list while the YAML document is built."""

    __slots__ = ("anchor", "height", "key", "lines", "merged", "size", "value")

    def __init__(self, value: dict[str, Any] | list[Any], anchor: str | None) -> None:
        self.value = value
        self.anchor = anchor
        self.size = 1
        self.height = 1
        self.key: Any = _NO_KEY
        self.lines: dict[str, Any] = {}
        self.merged: list[dict[str, Any]] = []


def _load_yaml(text: str, name: str, kind: str) -> Any:
    loader = _LOADER(text)
    try:
        documents = _events(loader)
    except yaml.YAMLError as exc:
        raise DocumentError(f"{name}: not valid {kind}{yaml_error_text(exc)}") from None
    except _Invalid as exc:
        where = f":{exc.mark.line + 1}:{exc.mark.column + 1}" if exc.mark is not None else ""
        duplicate = exc.message.startswith("duplicate key")
        kind_of_error = _DuplicateKey if duplicate else DocumentError
        raise kind_of_error(f"{name}{where}: {exc.message}") from None
    finally:
        loader.dispose()
    if len(documents) != 1:
        raise DocumentError(f"{name}: holds {len(documents)} YAML documents; expected one")
    return documents[0]


def _events(loader: Any) -> list[Any]:
    """Build the documents from the parser's events, checking every rule of the reader."""
    documents: list[Any] = []
    anchors: dict[str, tuple[Any, int, int]] = {}
    stack: list[_Frame] = []
    budget = MAX_ALIAS_NODES

    def add(value: Any, size: int, height: int, mark: Any) -> None:
        if not stack:
            documents.append(value)
            return
        top = stack[-1]
        top.size += size
        if height >= top.height:
            top.height = height + 1
        if type(top.value) is list:
            top.value.append(value)
        elif top.key is _MERGE:
            top.merged += _merge_sources(value, mark)
            top.key = _NO_KEY
        else:
            top.value[top.key] = value
            top.key = _NO_KEY

    check_event, get_event = loader.check_event, loader.get_event
    top: _Frame | None = None  # stack[-1]
    while check_event():
        event = get_event()
        kind = type(event)
        if kind is yaml.ScalarEvent:  # most events: the common cases written out
            text = event.value
            if "\x00" in text:
                raise _Invalid("a string holds U+0000", event.start_mark)
            plain_word = (
                event.tag is None
                and not event.style
                and text[:1].isalpha()
                and text not in _NULLS
                and text not in _BOOLS
            )  # what _plain returns as it is (no number starts with a letter)
            if top is not None and top.key is _NO_KEY and type(top.value) is dict:
                if not plain_word or text in top.lines or text == "<<":
                    _key(top, event)
                else:
                    top.lines[text] = event.start_mark
                    top.key = text
                continue
            value = text if plain_word or (event.tag is None and event.style) else _scalar(event)
            if event.anchor:
                anchors[event.anchor] = (value, 1, 0)
            if top is None or top.key is _MERGE:
                add(value, 1, 0, event.start_mark)
            else:
                top.size += 1
                if type(top.value) is list:
                    top.value.append(value)
                else:
                    top.value[top.key] = value
                    top.key = _NO_KEY
            continue
        mark = event.start_mark
        if kind is yaml.DocumentStartEvent:
            anchors.clear()
            continue
        expects_key = top is not None and top.key is _NO_KEY and type(top.value) is dict
        if kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if expects_key:
                raise _Invalid("a mapping key must be a scalar", mark)
            if len(stack) >= MAX_DEPTH:
                raise _Invalid(f"nested deeper than {MAX_DEPTH} levels", mark)
            mapping = kind is yaml.MappingStartEvent
            wanted = "map" if mapping else "seq"
            if event.tag not in (None, "!", _TAG + wanted):
                raise _Invalid(f"the tag {_short(event.tag)} is not supported", mark)
            top = _Frame({} if mapping else [], event.anchor)
            stack.append(top)
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            frame = stack.pop()
            top = stack[-1] if stack else None
            if frame.merged:
                assert isinstance(frame.value, dict)
                for source in frame.merged:
                    for k, v in source.items():
                        frame.value.setdefault(k, v)
            if frame.anchor:
                anchors[frame.anchor] = (frame.value, frame.size, frame.height)
            add(frame.value, frame.size, frame.height, mark)
        elif kind is yaml.AliasEvent:
            if expects_key:
                raise _Invalid("a mapping key must not be an alias", mark)
            if event.anchor not in anchors:
                recursive = any(f.anchor == event.anchor for f in stack)
                why = "refers to a node that holds it" if recursive else "has no anchor before it"
                raise _Invalid(f"the alias *{event.anchor} {why}", mark)
            value, size, height = anchors[event.anchor]
            budget -= size
            if budget < 0:
                raise _Invalid(f"aliases expand to more than {MAX_ALIAS_NODES} nodes", mark)
            if len(stack) + height > MAX_DEPTH:
                raise _Invalid(f"nested deeper than {MAX_DEPTH} levels", mark)
            add(value, size, height, mark)
    return documents


def _key(frame: _Frame, event: Any) -> None:
    """Take a mapping key: its text (``null``/``true`` for those words, as cue labels them)."""
    text = event.value
    if event.tag is None and not event.style:
        if text == "<<":
            frame.key = _MERGE
            return
        resolved = _plain(text, event.start_mark)
        if resolved is None or isinstance(resolved, bool):
            text = json.dumps(resolved)
    elif event.tag not in (None, "!", _TAG + "str"):
        resolved = _scalar(event)
        text = resolved if isinstance(resolved, str) else json.dumps(resolved)
    line = frame.lines.get(text)
    if line is not None:
        mark = event.start_mark
        raise _Invalid(
            f"duplicate key {json.dumps(text)} (first at line {line.line + 1}, "
            f"column {line.column + 1})",
            mark,
        )
    frame.lines[text] = event.start_mark
    frame.key = text


def _merge_sources(value: Any, mark: Any) -> list[dict[str, Any]]:
    """The mappings a ``<<`` merge key names: one mapping or a list of them."""
    sources = value if isinstance(value, list) else [value]
    if not all(isinstance(s, dict) for s in sources):
        raise _Invalid("a << merge key needs a mapping or a list of mappings", mark)
    return sources


def _short(tag: str | None) -> str:
    return "!!" + tag[len(_TAG) :] if tag and tag.startswith(_TAG) else str(tag)


def _scalar(event: Any) -> Any:
    """A scalar's value: plain scalars resolved by :func:`_plain`, explicit core tags obeyed."""
    text, tag, mark = event.value, event.tag, event.start_mark
    if tag is None:
        return text if event.style else _plain(text, mark)  # plain style: None or ""
    if tag in ("!", _TAG + "str"):
        return text
    if tag == _TAG + "null":
        return None
    value = _plain(text, mark)
    if tag == _TAG + "bool" and isinstance(value, bool):
        return value
    if tag == _TAG + "int" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if tag == _TAG + "float" and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if tag in (_TAG + "bool", _TAG + "int", _TAG + "float"):
        raise _Invalid(f"{text!r} is not a {_short(tag)}", mark)
    raise _Invalid(f"the tag {_short(tag)} is not supported", mark)


def _plain(text: str, mark: Any) -> Any:
    """A plain scalar as cue (YAML 1.2 core schema) reads it.

    ``null``/``~``/empty, ``true``/``false`` (three spellings each), integers
    (decimal, ``0x``, ``0o``, ``0b``, a legacy octal ``017``, single ``_``
    between digits) and floats are typed; anything else (``yes``, ``on``,
    ``2024-01-01``, ``09``) is a string. ``.nan``/``.inf`` are refused: no JSON or
    cue number holds them.
    """
    if text in _NULLS:
        return None
    flag = _BOOLS.get(text)
    if flag is not None:
        return flag
    if text[0].isalpha():  # no number starts with a letter: most keys and strings
        return text
    if _INT.fullmatch(text):
        digits = text.replace("_", "")
        sign, body = (digits[0], digits[1:]) if digits[0] in "+-" else ("", digits)
        if body[:2] not in _BASES and len(body) > 1 and body[0] == "0":
            if body.strip("01234567"):
                return text  # 09: a string, as cue reads it
            body = "0o" + body[1:]
        if len(body) > MAX_INT_DIGITS:
            raise _Invalid(f"an integer longer than {MAX_INT_DIGITS} digits", mark)
        return int(sign + body, 0)
    if _FLOAT.fullmatch(text):
        number = float(text.replace("_", ""))
        if not math.isfinite(number):
            raise _Invalid(f"{text} is out of range of a double", mark)
        return number
    if _NOT_A_NUMBER.fullmatch(text):
        raise _Invalid(f"{text} is not a number JSON or cue can hold", mark)
    return text
