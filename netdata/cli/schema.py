"""`netdata schema build|coverage`: compile YANG to CUE (cached) and report what is enforced."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from netdata.cli._common import EXIT_OK, schema_build, schema_options


def register(subparsers: Any) -> None:
    """Add the ``schema`` command."""
    schema = subparsers.add_parser("schema", help="compile YANG to CUE and report coverage")
    actions = schema.add_subparsers(dest="schema_command", metavar="ACTION", required=True)
    build = actions.add_parser("build", help="compile the models (cached); print the folder")
    schema_options(build)
    build.add_argument("--force", action="store_true", help="rebuild even if cached")
    build.set_defaults(func=_build)
    coverage = actions.add_parser("coverage", help="what each YANG statement kind maps to")
    schema_options(coverage)
    coverage.add_argument("--json", action="store_true", help="print the JSON report")
    coverage.set_defaults(func=_coverage)


def _build(args: argparse.Namespace) -> int:
    build = schema_build(args)
    for defect in build.defects:
        print(f"netdata: not applied: {defect}", file=sys.stderr)
    print(build.directory)
    return EXIT_OK


def _coverage(args: argparse.Namespace) -> int:
    report = json.loads(schema_build(args).coverage_file.read_text(encoding="utf-8"))
    if args.json:
        print(json.dumps(report, indent=1))
        return EXIT_OK
    print(f"{'statement':<14} {'enforced':>9} {'not':>6}  how")
    for kind, entry in sorted(report["kinds"].items()):
        print(f"{kind:<14} {entry['enforced']:>9} {entry['not_enforced']:>6}  {entry['by']}")
    print(f"{'total':<14} {report['totals']['enforced']:>9} {report['totals']['not_enforced']:>6}")
    gaps = [(k, g) for k, e in sorted(report["kinds"].items()) for g in e["gaps"]]
    if gaps:
        print("\nnot enforced:")
        for kind, gap in gaps:
            print(f"  {kind:<12} {gap['path']}: {gap['detail']}")
    if report.get("defects"):
        print("\nnot applied (defects in the model files):")
        for defect in report["defects"]:
            print(f"  {defect}")
    return EXIT_OK
