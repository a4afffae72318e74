"""`netdata init DIR`: write a working network repository from the example fabric."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from netdata._demo import fabric_dir
from netdata._demo._repository import write_repository
from netdata.cli._common import EXIT_OK, add_command, console


def register(subparsers: Any) -> None:
    """Add the ``init`` command."""
    parser = add_command(
        subparsers,
        "init",
        help="write a working network repository (the example fabric) into DIR",
        description="Writes netdata.yaml, the example fabric's inventory, group variables and "
        "CUE transforms, a .pre-commit-config.yaml and a .gitignore into DIR (which must not "
        "exist or be empty), so that netdata build and netdata diff work there at once.",
        examples=[
            "netdata init lab && cd lab && netdata build",
            "netdata sim --devices-from build --write-targets targets.json &  # in lab/",
            "netdata diff && netdata push",
        ],
    )
    parser.add_argument("directory", metavar="DIR", help="the new repository's folder")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    out = console(args)
    root = Path(args.directory).absolute()
    written = write_repository(root, fabric_dir())
    if args.json:
        out.json({"directory": str(root), "files": [str(p.relative_to(root)) for p in written]})
    else:
        out.out(f"wrote {len(written)} files to {root}")
        out.info(
            f"next: cd {args.directory} && netdata build && "
            "netdata sim --devices-from build --write-targets targets.json"
        )
    return EXIT_OK
