"""`netdata diff`: what a push would change on each device (Get and semantic diff, no Set)."""

from __future__ import annotations

import argparse
from typing import Any

from netdata.cli._common import EXIT_FOUND_PROBLEMS, EXIT_OK
from netdata.cli.push import check, mode, print_report, repository, target_options, targets_of
from netdata.push import diff


def register(subparsers: Any) -> None:
    """Add the ``diff`` command."""
    parser = subparsers.add_parser(
        "diff",
        help="show what a push would change on each device",
        description="Get each built device's running config of the roots its build manages "
        "and print a semantic diff against the build. Exit status 1 if any device differs "
        "or could not be read.",
    )
    target_options(parser)
    parser.set_defaults(func=_diff)


def _diff(args: argparse.Namespace) -> int:
    check(args)
    targets = targets_of(args, repository(args))
    report = diff(
        args.build_dir,
        targets=targets,
        devices=args.device,
        models=args.models,
        mode=mode(args),
        concurrency=args.concurrency,
    )
    print_report(report, args.json)
    differs = any(r.changes or r.status == "failed" for r in report.results)
    return EXIT_FOUND_PROBLEMS if differs else EXIT_OK
