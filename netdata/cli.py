"""The `netdata` command line: ``main(argv)`` maps errors to exit codes in one place.

Each pipeline stage adds its subcommands from its own module: a module listed
in :data:`COMMAND_MODULES` exposes ``register(subparsers)``, which adds parsers
whose ``func(args) -> int`` runs the command.

Exit status: 0 success, 1 the command ran and found a problem (for example an
invalid document), 2 usage or setup error, 3 any other netdata error.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from netdata._exceptions import NetdataError, SetupError

COMMAND_MODULES = (
    "netdata._doctor_cli",
    "netdata._demo_cli",
    "netdata._sim_cli",
    "netdata.inventory._cli",
    "netdata.schema._cli",
)

EXIT_OK, EXIT_FOUND_PROBLEMS, EXIT_USAGE, EXIT_ERROR = 0, 1, 2, 3


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every stage's subcommands."""
    parser = argparse.ArgumentParser(
        prog="netdata",
        description="Source of truth to validated OpenConfig configuration, pushed over gNMI.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (also used as the console script)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.func(args)
    except SetupError as exc:
        print(f"netdata: setup error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except NetdataError as exc:
        print(f"netdata: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("netdata: interrupted", file=sys.stderr)
        return 130
    return status


if __name__ == "__main__":
    sys.exit(main())
