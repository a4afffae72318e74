"""Data paths (``/interfaces/interface[name=Ethernet1]/config/mtu``) for error reports."""

from __future__ import annotations

from collections.abc import Sequence

from netdata.schema._ir import Node


def entry_step(node: Node, key_values: Sequence[object]) -> str:
    """The path step of one list entry: ``interface[name=Ethernet1]``."""
    preds = "".join(f"[{k}={_text(v)}]" for k, v in zip(node.keys, key_values, strict=False))
    return f"{node.name}{preds}"


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def authoring_path(root: Node, labels: Sequence[str]) -> str:
    """Map a path of authoring-form labels (as cue reports it) to a data path.

    Map levels under a list become key predicates; labels that the schema does
    not know are kept as plain steps.
    """
    steps: list[str] = []
    node: Node | None = root
    i = 0
    while i < len(labels):
        name = labels[i]
        child = node.children.get(name) if node is not None else None
        i += 1
        if child is not None and child.kind == "list" and child.keys:
            keys = list(labels[i : i + len(child.keys)])
            i += len(keys)
            steps.append(entry_step(child, keys))
        else:
            steps.append(name)
        node = child
    return "/" + "/".join(steps)
