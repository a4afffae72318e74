"""`netdata schema build|coverage`: compile YANG to CUE (cached) and report what is enforced."""

from __future__ import annotations

import argparse
import json
from typing import Any

from netdata.cli._common import EXIT_OK, add_command, console, schema_build, schema_options


def register(subparsers: Any) -> None:
    """Add the ``schema`` command."""
    schema = add_command(
        subparsers,
        "schema",
        help="compile YANG to CUE and report coverage",
        examples=["netdata schema build", "netdata schema coverage"],
        output=False,
    )
    actions = schema.add_subparsers(dest="schema_command", metavar="ACTION", required=True)
    build = add_command(
        actions,
        "build",
        help="compile the models (cached); print the folder",
        examples=["netdata schema build", "netdata schema build --force --json"],
    )
    schema_options(build)
    build.add_argument("--force", action="store_true", help="rebuild even if cached")
    build.set_defaults(func=_build)
    coverage = add_command(
        actions,
        "coverage",
        help="what each YANG statement kind maps to",
        examples=["netdata schema coverage", "netdata schema coverage --json | jq .totals"],
    )
    schema_options(coverage)
    coverage.set_defaults(func=_coverage)


def _build(args: argparse.Namespace) -> int:
    out = console(args)
    with out.progress("compiling the YANG models"):
        build = schema_build(args)
    if args.json:
        out.json(
            {
                "directory": str(build.directory),
                "checksum": build.checksum,
                "modules": list(build.modules),
            }
        )
    else:
        out.out(str(build.directory))
    return EXIT_OK


def _coverage(args: argparse.Namespace) -> int:
    out = console(args)
    report = json.loads(schema_build(args).coverage_file.read_text(encoding="utf-8"))
    if args.json:
        out.json(report)
        return EXIT_OK
    out.out(f"{'statement':<14} {'enforced':>9} {'not':>6}  how")
    for kind, entry in sorted(report["kinds"].items()):
        out.out(f"{kind:<14} {entry['enforced']:>9} {entry['not_enforced']:>6}  {entry['by']}")
    totals = report["totals"]
    out.out(f"{'total':<14} {totals['enforced']:>9} {totals['not_enforced']:>6}")
    gaps = [(k, g) for k, e in sorted(report["kinds"].items()) for g in e["gaps"]]
    if gaps:
        out.out("\nnot enforced:")
        for kind, gap in gaps:
            out.out(f"  {kind:<12} {gap['path']}: {gap['detail']}")
    return EXIT_OK
