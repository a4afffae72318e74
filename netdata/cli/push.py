"""`netdata push`: deliver the built configs over gNMI; the options `netdata diff` shares."""

from __future__ import annotations

import argparse
from typing import Any

from netdata._exceptions import UsageError
from netdata.cli._common import (
    EXIT_FOUND_PROBLEMS,
    EXIT_OK,
    add_command,
    console,
    executor_option,
    models_option,
    repository,
)
from netdata.cli._console import Console, colour_enabled
from netdata.push._cluster import Placement
from netdata.push._device import Options
from netdata.push._render import render_changes, render_summary
from netdata.push._run import (
    DEFAULT_CONCURRENCY,
    DEFAULT_JOURNAL_DIR,
    Policy,
    Report,
    push,
    resume,
    rollback,
)
from netdata.push._targets import (
    DEFAULT_MAX_MESSAGE_MB,
    MAX_MESSAGE_MB,
    PASSWORD_ENV,
    USERNAME_ENV,
    Targets,
)
from netdata.settings import Settings


def register(subparsers: Any) -> None:
    """Add the ``push`` command."""
    push_parser = add_command(
        subparsers,
        "push",
        help="push the built configs to the devices over gNMI",
        examples=[
            "netdata push --dry-run",
            "netdata push --targets targets.json --canary 1 --rollback-on-failure",
            "netdata push --resume .netdata/journal/<run>.jsonl",
        ],
        description="Per device: Get, diff, one SetRequest (JSON_IETF, replace at the managed "
        "roots), verify by Get, commit-confirmed where the target takes it. A journal records "
        f"every step. Credentials come from ${USERNAME_ENV}/${PASSWORD_ENV} or the targets' "
        "username_env/password_env/password_file, never from the command line.",
    )
    target_options(push_parser)
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
        help=f"where run journals go (default {DEFAULT_JOURNAL_DIR} in the repository)",
    )
    executor_option(push_parser)
    push_parser.add_argument(
        "--group-by",
        default="location",
        choices=("location", "role", "platform"),
        help="on a cluster: a group's devices go to workers advertising site-<value> "
        "(default location)",
    )
    push_parser.add_argument(
        "--any-worker",
        action="store_true",
        help="on a cluster: a group no worker advertises goes to any worker (else it fails)",
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


def target_options(parser: argparse.ArgumentParser) -> None:
    """The options ``diff`` and ``push`` share: build folder, targets, devices, TLS, mode."""
    parser.add_argument(
        "--repo", metavar="DIR", help="the network repository (default: the current folder)"
    )
    parser.add_argument(
        "--build-dir", help="build output folder (default: the settings' output, build)"
    )
    parser.add_argument(
        "--targets", metavar="FILE", help="targets file (YAML or JSON; default: push.targets)"
    )
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
        "--max-message-mb",
        type=int,
        metavar="MB",
        help="largest gRPC message sent or taken, in MiB (default: the targets' max_message_mb, "
        f"else {DEFAULT_MAX_MESSAGE_MB})",
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
    models_option(parser)


def resolve(args: argparse.Namespace) -> Settings:
    """The repository's settings; fills ``build_dir`` and ``models`` from them where no flag
    gave them (flags > NETDATA_* environment > netdata.yaml). Targets, TLS and credentials
    come from the ``push:`` section through :func:`targets_of`."""
    settings = repository(args)
    if args.build_dir is None:
        args.build_dir = str(settings.output)
    if args.models is None and settings.models:
        args.models = [str(m) for m in settings.models]
    return settings


def targets_of(args: argparse.Namespace, settings: Settings) -> Targets:
    """The targets of ``--targets``/``--plaintext`` over the settings' ``push:`` section."""
    return Targets.load(
        settings=settings.section("push"),
        settings_dir=settings.root,
        targets_file=args.targets,
        plaintext=args.plaintext,
        max_message_mb=args.max_message_mb,
    )


def _push(args: argparse.Namespace) -> int:
    settings = check(args)
    out = console(args)
    if args.max_failures < 1 or args.canary < 0:
        raise UsageError("--max-failures must be at least 1 and --canary at least 0")
    if args.resume:
        report = resume(args.resume, models=args.models)
    elif args.rollback:
        report = rollback(args.rollback, models=args.models, concurrency=args.concurrency)
    else:
        with out.progress("pushing"):
            report = push(
                args.build_dir,
                targets=args.targets,
                plaintext=args.plaintext,
                max_message_mb=args.max_message_mb,
                devices=args.device,
                models=args.models,
                options=Options(
                    mode(args), args.dry_run, args.rollback_on_failure, args.confirm_timeout
                ),
                policy=Policy(
                    args.concurrency,
                    args.canary,
                    None if args.continue_on_error else args.max_failures,
                ),
                journal_dir=args.journal_dir or settings.root / DEFAULT_JOURNAL_DIR,
                settings=settings.section("push"),
                settings_dir=settings.root,
                executor=args.executor or settings.executor,
                placement=Placement(args.group_by, args.any_worker),
            )
    print_report(out, report, args.json)
    return EXIT_OK if report.ok else EXIT_FOUND_PROBLEMS


def check(args: argparse.Namespace) -> Settings:
    """Reject bad shared options; fill the others from the settings (:func:`resolve`)."""
    settings = resolve(args)
    if args.concurrency < 1:
        raise UsageError("--concurrency must be at least 1")
    if args.max_message_mb is not None and not 1 <= args.max_message_mb <= MAX_MESSAGE_MB:
        raise UsageError(f"--max-message-mb must be 1-{MAX_MESSAGE_MB}")
    return settings


def mode(args: argparse.Namespace) -> str:
    return "update" if args.update else "replace"


def print_report(out: Console, report: Report, as_json: bool) -> None:
    """The report as JSON, or the changes per device, the summary and the journal's path."""
    if as_json:
        out.json(report.to_json())
        return
    colour = colour_enabled(out.stdout)
    for result in report.results:
        if result.changes:
            out.out(f"{result.device}: {len(result.changes)} change(s)")
            for line in render_changes(result.changes, colour=colour):
                out.out(f"  {line}")
    if not out.quiet:
        for line in render_summary(report.results, stopped=report.stopped):
            out.out(line)
    if report.journal is not None:
        out.info(f"journal {report.journal}")
