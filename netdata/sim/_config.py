"""A device's validated configuration, kept as libyang's canonical text of each top-level node.

A :class:`Config` never changes: a commit replaces the device's one. So what
is derived from it, the text of a Get's answer, is computed once and kept
with it until the next commit (:meth:`Config.answer`). Keeping the text per
top-level member means that a Get of a managed root answers with the stored
text as it is, and a replace of some roots builds the candidate from the
stored text of the others, without decoding and encoding the whole tree.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

_COMPACT: dict[str, Any] = {"separators": (",", ":"), "ensure_ascii": False}
_MAX_ANSWERS = 32
"""Get answers kept per configuration (a device is read at a few paths)."""


class Config:
    """Canonical RFC 7951 JSON by top-level member: ``{"module:name": "<compact JSON>"}``.

    :attr:`text` is the whole document (the members joined in order), the
    compact form libyang prints.
    """

    __slots__ = ("_answers", "_text", "members")

    def __init__(self, members: Mapping[str, str]) -> None:
        self.members: Mapping[str, str] = members
        self._answers: dict[Any, bytes | None] = {}
        self._text: str | None = None

    def __repr__(self) -> str:
        return f"<Config {', '.join(self.members) or 'empty'}>"

    @property
    def text(self) -> str:
        """The whole configuration as compact RFC 7951 JSON text (joined once, when asked)."""
        if self._text is None:
            self._text = join(self.members)
        return self._text

    def tree(self) -> dict[str, Any]:
        """The whole configuration decoded (a new dict each call)."""
        return {member: json.loads(text) for member, text in self.members.items()}

    def answer(self, key: Any, compute: Callable[[], bytes | None]) -> bytes | None:
        """``compute()``, kept under ``key`` for the life of this configuration."""
        try:
            return self._answers[key]
        except KeyError:
            value = compute()
            if len(self._answers) < _MAX_ANSWERS:
                self._answers[key] = value
            return value


EMPTY = Config({})


def join(members: Mapping[str, str]) -> str:
    """One JSON object of members whose values are JSON texts."""
    return "{" + ",".join(f"{json.dumps(m)}:{text}" for m, text in members.items()) + "}"


def split(text: str) -> Config:
    """A :class:`Config` of a whole document's text (each member re-encoded compactly)."""
    tree: dict[str, Any] = json.loads(text)
    return Config({m: json.dumps(v, **_COMPACT) for m, v in tree.items()})
