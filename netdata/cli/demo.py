"""`netdata demo`: the embedded fleet through inventory, build, validate and encode."""

from __future__ import annotations

import argparse
import json
from typing import Any

from netdata._demo import run_demo
from netdata.cli._common import (
    EXIT_FOUND_PROBLEMS,
    EXIT_OK,
    add_command,
    console,
    models_option,
    verdict_text,
)


def register(subparsers: Any) -> None:
    """Add the ``demo`` command."""
    parser = add_command(
        subparsers,
        "demo",
        help="build and validate the embedded demo fleet; print its RFC 7951 config",
        description="Reads the embedded inventory, builds each device's OpenConfig config with "
        "cue, validates it against the schema compiled from the pinned YANG models, and prints "
        "the RFC 7951 (JSON_IETF) config per device on stdout; verdicts go to stderr.",
        examples=["netdata demo", "netdata demo --json | jq '.devices.leaf1.valid'"],
    )
    models_option(parser)
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    out = console(args)
    with out.progress("demo: inventory, build, validate"):
        demo = run_demo(models=args.models)
    if args.json:
        devices = {r.file: {**r.as_dict(), "config": demo.wire.get(r.file)} for r in demo.results}
        out.json({"valid": demo.valid, "devices": devices})
    else:
        for result in demo.results:
            out.info(verdict_text(out, result, out.stderr))
        out.out(json.dumps(demo.wire, indent=2))
    return EXIT_OK if demo.valid else EXIT_FOUND_PROBLEMS
