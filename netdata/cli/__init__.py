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
import importlib
import os
import re
import sys
from collections.abc import Sequence

from netdata._exceptions import NetdataError, SetupError, UsageError
from netdata.cli import _common, _console
from netdata.cli._common import (
    EXIT_BROKEN_PIPE,
    EXIT_FOUND_PROBLEMS,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
)

COMMANDS = (
    "doctor", "demo", "init", "sim", "inventory", "schema", "validate", "build", "diff", "push",
    "models",
)
"""The commands, in the order of ``netdata --help``; each is the module ``netdata.cli.<name>``."""
_LEADING = re.compile(r"--json|--quiet|--verbose|-[qv]+")
"""The top-level options that may come before the command (they take no value)."""

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


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The top-level parser: with the one command that ``argv`` runs, or every command
    (no ``argv``, help, or no command found), so a run imports only its own stage."""
    parser = argparse.ArgumentParser(
        prog="netdata",
        description="Source of truth to validated OpenConfig configuration, pushed over gNMI.",
        epilog="examples:\n  netdata demo\n  netdata validate leaf1.json\n  netdata doctor",
        formatter_class=_common.HelpFormatter,
    )
    _common.output_options(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    chosen = _command(argv)
    for name in (chosen,) if chosen is not None else COMMANDS:
        importlib.import_module(f"{__name__}.{name}").register(subparsers)
    return parser


def _command(argv: Sequence[str] | None) -> str | None:
    """The command ``argv`` runs, when nothing before it but top-level flags (no help)."""
    for arg in argv or ():
        if not _LEADING.fullmatch(arg):
            return arg if arg in COMMANDS else None
    return None


def _kind(exc: NetdataError) -> str:
    if isinstance(exc, UsageError):
        return "usage"
    if isinstance(exc, SetupError):
        return "setup"
    return "error"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (also used as the console script)."""
    if argv is None:
        argv = sys.argv[1:]
    parser = build_parser(argv)
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
