"""`netdata demo`: the embedded fleet through inventory, build, validate and encode."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from netdata._demo import run_demo
from netdata.cli._common import EXIT_FOUND_PROBLEMS, EXIT_OK, models_option


def register(subparsers: Any) -> None:
    """Add the ``demo`` command."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "demo",
        help="build and validate the embedded demo fleet; print its RFC 7951 config",
        description="Reads the embedded inventory, builds each device's OpenConfig config with "
        "cue, validates it against the schema compiled from the pinned YANG models, and prints "
        "the RFC 7951 (JSON_IETF) config per device on stdout; verdicts go to stderr.",
    )
    models_option(parser)
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    demo = run_demo(models=args.models)
    for result in demo.results:
        print(result.text(), file=sys.stderr)
    print(json.dumps(demo.wire, indent=2))
    return EXIT_OK if demo.valid else EXIT_FOUND_PROBLEMS
