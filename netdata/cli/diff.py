"""`netdata diff`: what a push would change on each device (Get and semantic diff, no Set)."""

from __future__ import annotations

import argparse
from typing import Any

from netdata.cli._common import EXIT_FOUND_PROBLEMS, EXIT_OK, add_command, console
from netdata.cli.push import check, mode, print_report, target_options, targets_of
from netdata.push import diff


def register(subparsers: Any) -> None:
    """Add the ``diff`` command."""
    parser = add_command(
        subparsers,
        "diff",
        help="show what a push would change on each device",
        description="Get each built device's running config of the roots its build manages "
        "and print a semantic diff against the build. Exit status 1 if a device could not be "
        "read, or with --exit-code if any device differs.",
        examples=[
            "netdata diff --targets targets.json",
            "netdata diff --exit-code --device leaf1 && echo 'leaf1 is up to date'",
            "netdata diff --json | jq '.devices[] | {device, changes: (.changes | length)}'",
        ],
    )
    target_options(parser)
    parser.add_argument(
        "--exit-code", action="store_true", help="exit with status 1 when any device differs"
    )
    parser.set_defaults(func=_diff)


def _diff(args: argparse.Namespace) -> int:
    targets = targets_of(args, check(args))
    report = diff(
        args.build_dir,
        targets=targets,
        devices=args.device,
        models=args.models,
        mode=mode(args),
        concurrency=args.concurrency,
    )
    print_report(console(args), report, args.json)
    failed = any(r.status == "failed" for r in report.results)
    differs = any(r.changes for r in report.results)
    return EXIT_FOUND_PROBLEMS if failed or (args.exit_code and differs) else EXIT_OK
