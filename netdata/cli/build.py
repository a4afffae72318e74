"""`netdata build`: build the repository's device configs into the output folder."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from netdata._exceptions import UsageError
from netdata.build import Selection, build
from netdata.cli._common import (
    EXIT_FOUND_PROBLEMS,
    EXIT_OK,
    add_command,
    console,
    executor_option,
    repository,
)

_SHARD = re.compile(r"^(\d+)/(\d+)$")


def register(subparsers: Any) -> None:
    """Add the ``build`` command."""
    parser = add_command(
        subparsers,
        "build",
        help="build every device's RFC 7951 config from inventory, groups and CUE transforms",
        examples=[
            "netdata build",
            "netdata build --role leaf --force",
            "netdata build --shard 2/4 --json | jq '.devices | map_values(.status)'",
        ],
        description=(
            "Evaluate the transforms' #Device for the repository's devices, validate each "
            "config against the compiled YANG models and write <output>/<device>.json and "
            "<output>/build.json. Exit status 1 if any device failed. FILE arguments (as a "
            "pre-commit hook passes them) build only the devices those files affect."
        ),
    )
    parser.add_argument("files", nargs="*", metavar="FILE", help="changed files (hook mode)")
    parser.add_argument("--repo", metavar="DIR", help="the network repository (default: cwd)")
    parser.add_argument("--inventory", metavar="PATH", help="host-variable file or folder")
    parser.add_argument("--groups", metavar="DIR", help="group variables folder")
    parser.add_argument("--transforms", metavar="DIR", help="the CUE package with #Device")
    parser.add_argument("--output", "-o", metavar="DIR", help="output folder")
    parser.add_argument(
        "--models", action="append", metavar="DIR", help="YANG model folder (repeatable)"
    )
    for flag, dest, what in (
        ("--device", "devices", "device name"),
        ("--role", "roles", "role"),
        ("--location", "locations", "location"),
        ("--tag", "tags", "tag"),
    ):
        parser.add_argument(
            flag,
            dest=dest,
            action="append",
            default=[],
            metavar="NAME",
            help=f"only devices with this {what} (repeatable: any of them)",
        )
    parser.add_argument("--shard", metavar="I/N", help="only the I-th of N deterministic parts")
    parser.add_argument("--force", action="store_true", help="rebuild devices that are up to date")
    parser.add_argument("--jobs", type=int, default=2, help="parallel cue runs (default 2)")
    executor_option(parser)
    parser.add_argument(
        "--no-leafref-check",
        dest="leafrefs",
        action="store_false",
        help="do not require leafref targets to exist",
    )
    parser.set_defaults(func=_run)


def _shard(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    match = _SHARD.match(text)
    if match is None or not 1 <= int(match[1]) <= int(match[2]):
        raise UsageError(f"--shard must be I/N with 1 <= I <= N, got {text!r}")
    return int(match[1]), int(match[2])


def _run(args: argparse.Namespace) -> int:
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    settings = repository(args).replace(
        inventory=args.inventory,
        groups=args.groups,
        transforms=args.transforms,
        output=args.output,
        models=args.models,
        executor=args.executor,
    )
    selection = Selection(
        tuple(args.devices),
        tuple(args.roles),
        tuple(args.locations),
        tuple(args.tags),
        _shard(args.shard),
        tuple(Path(f).absolute() for f in args.files) if args.files else None,
    )
    out = console(args)
    with out.progress("building"):
        result = build(
            settings,
            selection=selection,
            force=args.force,
            jobs=args.jobs,
            leafrefs=args.leafrefs,
        )
    if args.json:
        out.json(result.as_dict())
    else:
        for problem in result.problems:
            out.out(f"problem: {problem}")
        for device in result.devices.values():
            if (device.built and not out.quiet) or not device.ok:
                out.out(device.text())
        fresh = sum(d.built for d in result.devices.values())
        out.out(
            f"{len(result.devices)} devices: {fresh} built, {len(result.devices) - fresh} up to "
            f"date, {len(result.failed)} failed; output in {result.output}"
        )
    return EXIT_OK if result.ok else EXIT_FOUND_PROBLEMS
