"""Identity values in the authoring form: bare names unless ambiguous for the leaf."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import lru_cache


@lru_cache(maxsize=4096)
def _labels(allowed: tuple[str, ...]) -> dict[str, str]:
    counts = Counter(q.partition(":")[2] for q in allowed)
    return {q: (q.partition(":")[2] if counts[q.partition(":")[2]] == 1 else q) for q in allowed}


def identity_labels(allowed: Iterable[str]) -> dict[str, str]:
    """Map each allowed qualified identity (``module:name``) to its authoring label.

    The label is the bare name, or the qualified name when another allowed
    identity of the same leaf has the same bare name.
    """
    return _labels(tuple(allowed))


@lru_cache(maxsize=4096)
def _reverse(allowed: tuple[str, ...]) -> dict[str, str]:
    return {label: q for q, label in _labels(allowed).items()}


_BY_LIST: dict[int, tuple[Iterable[str], dict[str, str]]] = {}
""":func:`_reverse` by the identity of the (unchanging) list of a schema type: hashing the
tuple of a long list for every value cost more than the lookup itself."""


def identity_from_label(label: str, allowed: Iterable[str]) -> str | None:
    """The qualified identity an authoring label stands for, or None."""
    known = _BY_LIST.get(id(allowed))
    if known is None or known[0] is not allowed:
        known = _BY_LIST[id(allowed)] = (allowed, _reverse(tuple(allowed)))
    return known[1].get(label)
