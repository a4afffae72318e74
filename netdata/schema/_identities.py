"""Identity values in the authoring form: bare names unless ambiguous for the leaf."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from netdata.schema._ir import TypeInfo


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


def identity_from_label(label: str, t: TypeInfo) -> str | None:
    """The qualified identity an authoring label stands for among ``t``'s identities, or None
    (the reverse map is kept with the type: hashing the tuple of a long list for every value
    cost more than the lookup itself)."""
    reverse: dict[str, str] | None = t.memo.get("identity-labels")
    if reverse is None:
        reverse = t.memo["identity-labels"] = _reverse(tuple(t.identities))
    return reverse.get(label)
