"""`netdata models fetch`: install the pinned YANG models into the cache (or a folder)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from netdata.cli._common import EXIT_OK, add_command, console
from netdata.schema._fetch import archive_url, fetch_models, install_models
from netdata.schema._manifest import load_manifest


def register(subparsers: Any) -> None:
    """Add the ``models`` command."""
    models = add_command(
        subparsers,
        "models",
        help="the pinned YANG models",
        examples=["netdata models fetch", "netdata models fetch --from ../openconfig-public"],
        output=False,
    )
    model_actions = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    fetch = add_command(
        model_actions,
        "fetch",
        help="download the pinned OpenConfig tag into the cache (or --dest)",
        examples=["netdata models fetch", "netdata models fetch --from ~/src/public --json"],
    )
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
    out = console(args)
    manifest = load_manifest()
    dest = Path(args.dest) if args.dest else None
    if args.source:
        path = install_models(manifest, Path(args.source), dest)
    else:
        out.info(f"fetching {args.url or archive_url(manifest)} ...")
        with out.progress("downloading the models"):
            path = fetch_models(manifest, dest, args.url)
    if args.json:
        out.json({"path": str(path), "repository": manifest.repository, "tag": manifest.tag})
    else:
        out.out(str(path))
    return EXIT_OK
