"""`netdata doctor`: check the tools and models netdata needs and say how to fix what is missing."""

from __future__ import annotations

import argparse
from typing import Any

from netdata.cli._common import EXIT_OK
from netdata.cue import find_cue
from netdata.schema._manifest import find_models, load_manifest


def register(subparsers: Any) -> None:
    """Add the ``doctor`` command."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "doctor", help="check that the tools and models netdata needs are installed"
    )
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    cue = find_cue()
    print(f"cue: {cue.path} ({cue.version_text})")
    manifest = load_manifest()
    folders = ", ".join(map(str, find_models(None, manifest)))
    print(f"models: {folders} (pinned: {manifest.repository} {manifest.tag})")
    return EXIT_OK
