"""`netdata validate FILE...`: validate config documents (RFC 7951 or authoring form)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from netdata._exceptions import UsageError
from netdata.cli._common import EXIT_FOUND_PROBLEMS, EXIT_OK, schema_build, schema_options
from netdata.validate import FORMS, validate


def register(subparsers: Any) -> None:
    """Add the ``validate`` command."""
    check = subparsers.add_parser(
        "validate", help="validate config documents (RFC 7951 or authoring form)"
    )
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument("--json", action="store_true", help="print a JSON list of results")
    check.add_argument("--form", choices=FORMS, default="auto", help="document form")
    check.add_argument(
        "--no-leafref-check",
        dest="leafrefs",
        action="store_false",
        help="do not require leafref targets to exist in the document",
    )
    check.add_argument("--jobs", type=int, default=2, help="parallel cue runs (default 2)")
    schema_options(check)
    check.set_defaults(func=_validate)


def _validate(args: argparse.Namespace) -> int:
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    results = validate(
        args.files,
        build=schema_build(args),
        form=args.form,
        leafrefs=args.leafrefs,
        jobs=args.jobs,
    )
    if args.json:
        print(json.dumps([r.as_dict() for r in results], indent=1))
    else:
        for result in results:
            print(result.text())
    return EXIT_OK if all(r.valid for r in results) else EXIT_FOUND_PROBLEMS
