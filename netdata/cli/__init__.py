"""The `netdata` command line: ``main(argv)`` maps errors to exit codes in one place.

Each command has its own module here; a module's ``register(subparsers)`` adds
parsers whose ``func(args) -> int`` runs the command and returns :data:`EXIT_OK`
or :data:`EXIT_FOUND_PROBLEMS`. Commands raise :class:`UsageError` for bad
arguments; every other failure is a :class:`NetdataError` of the stage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from netdata._exceptions import NetdataError, SetupError, UsageError
from netdata.cli import build, demo, diff, doctor, inventory, models, push, schema, sim, validate
from netdata.cli._common import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_USAGE

COMMANDS = (doctor, demo, sim, inventory, schema, validate, build, diff, push, models)

__all__ = ["COMMANDS", "EXIT_ERROR", "EXIT_INTERRUPTED", "EXIT_USAGE", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every command."""
    parser = argparse.ArgumentParser(
        prog="netdata",
        description="Source of truth to validated OpenConfig configuration, pushed over gNMI.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (also used as the console script)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.func(args)
    except UsageError as exc:
        print(f"netdata: usage error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SetupError as exc:
        print(f"netdata: setup error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except NetdataError as exc:
        print(f"netdata: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("netdata: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    return status
