"""The `netdata` command line: ``main(argv)`` maps errors to exit codes in one place.

Each command has its own module here; a module's ``register(subparsers)`` adds
parsers (made with :func:`netdata.cli._common.add_command`) whose
``func(args) -> int`` runs the command and returns :data:`EXIT_OK` or
:data:`EXIT_FOUND_PROBLEMS`. Commands raise :class:`UsageError` for bad
arguments; every other failure is a :class:`NetdataError` of the stage, and
exits with :data:`EXIT_USAGE` (2). With ``--json`` an error is also printed on
stdout as ``{"error": {"kind": ..., "message": ...}}``, so a caller reading
stdout always gets one JSON document.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from netdata._exceptions import NetdataError, SetupError, UsageError
from netdata.cli import (
    _common,
    _console,
    build,
    demo,
    diff,
    doctor,
    init,
    inventory,
    models,
    push,
    schema,
    sim,
    validate,
)
from netdata.cli._common import (
    EXIT_BROKEN_PIPE,
    EXIT_FOUND_PROBLEMS,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
)

COMMANDS = (doctor, demo, init, sim, inventory, schema, validate, build, diff, push, models)

__all__ = [
    "COMMANDS",
    "EXIT_BROKEN_PIPE",
    "EXIT_FOUND_PROBLEMS",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "build_parser",
    "main",
]


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every command."""
    parser = argparse.ArgumentParser(
        prog="netdata",
        description="Source of truth to validated OpenConfig configuration, pushed over gNMI.",
        epilog="examples:\n  netdata demo\n  netdata validate leaf1.json\n  netdata doctor",
        formatter_class=_common.HelpFormatter,
    )
    _common.output_options(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def _kind(exc: NetdataError) -> str:
    if isinstance(exc, UsageError):
        return "usage"
    if isinstance(exc, SetupError):
        return "setup"
    return "error"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (also used as the console script)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    out = _console.Console(quiet=args.quiet, verbose=args.verbose)
    args.console = out
    try:
        status: int = args.func(args)
    except NetdataError as exc:
        kind = _kind(exc)
        out.error(f"netdata: {'error' if kind == 'error' else kind + ' error'}: {exc}")
        if args.json:
            out.json({"error": {"kind": kind, "message": str(exc)}})
        return EXIT_USAGE
    except KeyboardInterrupt:
        out.error("netdata: interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `netdata ... | head`: the reader has gone; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    return status
