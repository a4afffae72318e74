"""`netdata diff` and `netdata push`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from netdata._exceptions import SetupError
from netdata.push._device import Options
from netdata.push._render import render_changes, render_summary
from netdata.push._run import (
    DEFAULT_CONCURRENCY,
    DEFAULT_JOURNAL_DIR,
    Policy,
    Report,
    diff,
    push,
    resume,
    rollback,
)
from netdata.push._targets import PASSWORD_ENV, USERNAME_ENV, Targets

DEFAULT_BUILD_DIR = "build"


def register(subparsers: Any) -> None:
    diff_parser = subparsers.add_parser(
        "diff",
        help="show what a push would change on each device",
        description="Get each built device's running config of the roots its build manages "
        "and print a semantic diff against the build. Exit status 1 if any device differs "
        "or could not be read.",
    )
    _common(diff_parser)
    diff_parser.set_defaults(func=_diff)
    push_parser = subparsers.add_parser(
        "push",
        help="push the built configs to the devices over gNMI",
        description="Per device: Get, diff, one SetRequest (JSON_IETF, replace at the managed "
        "roots), verify by Get, commit-confirmed where the target takes it. A journal records "
        f"every step. Credentials come from ${USERNAME_ENV}/${PASSWORD_ENV} or the targets' "
        "username_env/password_env/password_file, never from the command line.",
    )
    _common(push_parser)
    push_parser.add_argument("--dry-run", action="store_true", help="diff only: send no Set")
    push_parser.add_argument(
        "--canary",
        type=int,
        default=0,
        metavar="K",
        help="push K devices first; stop if any of them fails",
    )
    push_parser.add_argument(
        "--max-failures",
        type=int,
        default=1,
        metavar="M",
        help="stop starting devices after M failures (default 1)",
    )
    push_parser.add_argument(
        "--continue-on-error", action="store_true", help="never stop for failures"
    )
    push_parser.add_argument(
        "--rollback-on-failure",
        action="store_true",
        help="restore the changed devices when a verification fails or the run stops",
    )
    push_parser.add_argument(
        "--confirm-timeout",
        type=float,
        default=120.0,
        metavar="SECONDS",
        help="rollback timer of commit-confirmed Sets (default 120)",
    )
    push_parser.add_argument(
        "--journal-dir",
        default=DEFAULT_JOURNAL_DIR,
        help=f"where run journals go (default {DEFAULT_JOURNAL_DIR})",
    )
    again = push_parser.add_mutually_exclusive_group()
    again.add_argument(
        "--resume",
        metavar="JOURNAL",
        help="finish an interrupted run; devices it completed are not touched",
    )
    again.add_argument(
        "--rollback",
        metavar="JOURNAL",
        help="restore every device of a run to its config before the run",
    )
    push_parser.set_defaults(func=_push)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--build-dir",
        default=DEFAULT_BUILD_DIR,
        help=f"build output folder (default {DEFAULT_BUILD_DIR})",
    )
    parser.add_argument("--targets", metavar="FILE", help="targets file (YAML or JSON)")
    parser.add_argument(
        "--device",
        action="append",
        default=[],
        metavar="NAME",
        help="only this device (repeatable)",
    )
    parser.add_argument(
        "--plaintext",
        action="store_true",
        default=None,
        help="gNMI without TLS (for labs and simulators only)",
    )
    parser.add_argument(
        "--update",
        action="store_true",
        help="merge (gNMI update) instead of replacing the managed roots",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=DEFAULT_CONCURRENCY,
        metavar="N",
        help=f"devices at a time (default {DEFAULT_CONCURRENCY})",
    )
    parser.add_argument("--models", help="YANG models directory (default: $NETDATA_YANG_PATH)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")


def _diff(args: argparse.Namespace) -> int:
    _check(args)
    targets = Targets.load(targets_file=args.targets, plaintext=args.plaintext)
    report = diff(
        args.build_dir,
        targets=targets,
        devices=args.device,
        models=args.models,
        mode=_mode(args),
        concurrency=args.concurrency,
    )
    _print(report, args.json)
    return 0 if not any(r.changes or r.status == "failed" for r in report.results) else 1


def _push(args: argparse.Namespace) -> int:
    _check(args)
    if args.max_failures < 1 or args.canary < 0:
        raise SetupError("--max-failures must be at least 1 and --canary at least 0")
    if args.resume:
        report = resume(args.resume, models=args.models)
    elif args.rollback:
        report = rollback(args.rollback, models=args.models, concurrency=args.concurrency)
    else:
        report = push(
            args.build_dir,
            targets=args.targets,
            plaintext=args.plaintext,
            devices=args.device,
            models=args.models,
            options=Options(
                _mode(args), args.dry_run, args.rollback_on_failure, args.confirm_timeout
            ),
            policy=Policy(
                args.concurrency, args.canary, None if args.continue_on_error else args.max_failures
            ),
            journal_dir=args.journal_dir,
        )
    _print(report, args.json)
    return 0 if report.ok else 1


def _check(args: argparse.Namespace) -> None:
    if args.concurrency < 1:
        raise SetupError("--concurrency must be at least 1")


def _mode(args: argparse.Namespace) -> str:
    return "update" if args.update else "replace"


def _print(report: Report, as_json: bool) -> None:
    if as_json:
        print(json.dumps(report.to_json(), indent=2))
        return
    colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    for result in report.results:
        if result.changes:
            print(f"{result.device}: {len(result.changes)} change(s)")
            for line in render_changes(result.changes, colour=colour):
                print(f"  {line}")
    for line in render_summary(report.results, stopped=report.stopped):
        print(line)
    if report.journal is not None:
        print(f"journal {report.journal}")
