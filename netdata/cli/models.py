"""`netdata models fetch`: install the pinned YANG models into the cache (or a folder)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from netdata.cli._common import EXIT_OK
from netdata.schema._fetch import archive_url, fetch_models, install_models
from netdata.schema._manifest import load_manifest


def register(subparsers: Any) -> None:
    """Add the ``models`` command."""
    models = subparsers.add_parser("models", help="the pinned YANG models")
    model_actions = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    fetch = model_actions.add_parser("fetch", help="download the pinned OpenConfig tag")
    fetch.add_argument("--dest", metavar="DIR", help="target folder (default: the cache)")
    fetch.add_argument("--url", help=argparse.SUPPRESS)
    fetch.add_argument(
        "--from",
        dest="source",
        metavar="DIR",
        help="copy from a local checkout of the pinned tag instead of downloading",
    )
    fetch.set_defaults(func=_fetch)


def _fetch(args: argparse.Namespace) -> int:
    manifest = load_manifest()
    dest = Path(args.dest) if args.dest else None
    if args.source:
        print(install_models(manifest, Path(args.source), dest))
        return EXIT_OK
    print(f"fetching {args.url or archive_url(manifest)} ...", file=sys.stderr)
    print(fetch_models(manifest, dest, args.url))
    return EXIT_OK
