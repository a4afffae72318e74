"""The node libyang reports an error at, and whether one of our error paths is that node.

libyang (through its log callback) names the node of its first error as a
data path (``/openconfig-interfaces:interfaces/interface[name='Ethernet1']/config/mtu``)
or, for a missing mandatory node, a schema path (no predicates). Our paths
carry no module prefixes, no quotes and bare identities in keys; a leaf-list
member has its 1-based index as a last step. :func:`same_node` compares the
two whole, every key included, with these exceptions, each where libyang
gives less than a whole data path:

- a schema location (missing mandatory node): the steps, without predicates (and
  without the choice and case names libyang's schema path has);
- libyang stops at a broken key leaf, so the list entry above it carries only
  the keys parsed before (``address/ip``, ``prefix[ip-prefix=...]/masklength-range``);
- an entry without its key: libyang names the list with the keys it parsed,
  we the entry's position (``[2]``);
- a leaf-list member: libyang names it by value (``[.='20']``), we by position;
- a duplicate entry: libyang's path starts at the list's parent (a suffix of ours);
- an unknown node: libyang locates it at its parent and names it in the message;
- no location at all (a top-level member not qualified): the member named in
  the message, as ``/name``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import libyang
from _libyang import ffi, lib  # the bindings' C library, for lyd_value_validate

_LOCATION = re.compile(r'(Data|Schema) location "([^"]*)"')
_UNKNOWN = re.compile(r'Node "([^"]+)" not found as a child of')
_STEP = re.compile(r"([^/\[]+)((?:\[[^\]]*\])*)")
_PRED = re.compile(r"\[([^=\]]+)=([^\]]*)\]")


@dataclass(frozen=True)
class Located:
    """libyang's verdict, its first message and the node it names (None: none named)."""

    valid: bool
    message: str
    path: str | None
    schema: bool = False


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


_RECORDS = _Records()


def locate(oracle: Any, text: str) -> Located:
    """Ask ``oracle`` (conformance/oracle.py) for its verdict and libyang's error location."""
    if _RECORDS not in libyang.log.LOG.handlers:
        libyang.log.LOG.addHandler(_RECORDS)
        libyang.configure_logging(True, logging.ERROR)
    _RECORDS.messages.clear()
    valid, message = oracle.check_text(text)
    for record in _RECORDS.messages:
        match = _LOCATION.search(record)
        if match:
            path = match.group(2)
            unknown = _UNKNOWN.match(record)
            if unknown:  # libyang locates an unknown node at its parent
                path = f"{path}/{unknown.group(1)}"
            return Located(valid, message, path, match.group(1) == "Schema")
    return Located(valid, message, None)


def _steps(path: str, modules: frozenset[str]) -> list[tuple[str, list[tuple[str, str]]]]:
    out = []
    for match in _STEP.finditer(path.lstrip("/")):
        name = match.group(1).rpartition(":")[2]
        preds = []
        for key, value in _PRED.findall(match.group(2)):
            if key == ".":
                continue  # a leaf-list member by value: we name it by position
            value = value.strip("'\"")
            prefix, sep, rest = value.partition(":")
            preds.append((key.rpartition(":")[2], rest if sep and prefix in modules else value))
        out.append((name, preds))
    return out


def same_node(ours: str, theirs: Located, modules: frozenset[str]) -> bool:
    """Whether our error path ``ours`` names the node libyang reported (module docstring)."""
    if theirs.path is None:
        quoted = re.search(r'"([^"]+)"', theirs.message)
        return quoted is not None and ours == f"/{quoted.group(1)}"
    mine, want = _steps(ours, modules), _steps(theirs.path, modules)
    if len(mine) == len(want) + 1 and mine[-1][0].isdigit():
        mine = mine[:-1]  # a leaf-list member: libyang names the leaf-list
    if theirs.message.startswith("Duplicate instance"):
        mine = mine[max(len(mine) - len(want), 0) :]  # libyang names the entry from its parent
    if theirs.schema:  # a schema path also names the choices and cases above the node
        return _within([n for n, _ in mine], [n for n, _ in want])
    if [n for n, _ in mine] != [n for n, _ in want]:
        return False

    for index, ((_, got), (_, expected)) in enumerate(zip(mine, want, strict=True)):
        if got == expected:
            continue
        key_below = index == len(want) - 2 and got[: len(expected)] == expected
        broken_key = key_below and any(k == want[-1][0] for k, _ in got[len(expected) :])
        missing_key = theirs.message.startswith("List instance is missing its key") and not got
        if not (broken_key or missing_key):
            return False
    return True


def _within(ours: list[str], theirs: list[str]) -> bool:
    """``ours`` is ``theirs`` with some steps left out (choice and case names), same last step."""
    if not ours or not theirs or ours[-1] != theirs[-1]:
        return False
    rest = iter(theirs)
    return all(step in rest for step in ours)


def accepts(oracle: Any, schema_path: str, text: str) -> bool:
    """Whether libyang's compiled YANG type of the leaf at ``schema_path`` (JSON member
    names: ``/openconfig-interfaces:interfaces/interface/config/mtu``) accepts ``text``
    (every restriction of the typedef chain: what the YANG statements say)."""
    nodes: dict[str, Any] = oracle.__dict__.setdefault("_netdata_snodes", {})
    node = nodes.get(schema_path)
    if node is None:
        node = nodes[schema_path] = next(oracle.ctx.find_path(schema_path))
    raw = text.encode()
    found = lib.lyd_value_validate(
        oracle.ctx.cdata, node.cdata, raw, len(raw), ffi.NULL, ffi.NULL, ffi.NULL
    )
    return bool(found in (lib.LY_SUCCESS, lib.LY_EINCOMPLETE))
