"""`netdata validate FILE...`: validate config documents (RFC 7951 or authoring form)."""

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
    schema_build,
    schema_options,
    verdict_text,
)
from netdata.validate import FORMS, validate


def register(subparsers: Any) -> None:
    """Add the ``validate`` command."""
    check = add_command(
        subparsers,
        "validate",
        help="validate config documents (RFC 7951 or authoring form)",
        description="Validates each document against the schema compiled from the pinned YANG "
        "models; errors name the data path and the file:line:column. Exit status 1 if any "
        "document is invalid.",
        examples=[
            "netdata validate build/leaf1.json",
            "netdata validate --json configs/*.yaml | jq '.[] | select(.valid | not)'",
        ],
    )
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument("--form", choices=FORMS, default="auto", help="document form")
    check.add_argument(
        "--no-leafref-check",
        dest="leafrefs",
        action="store_false",
        help="do not require leafref targets to exist in the document",
    )
    check.add_argument("--jobs", type=int, default=2, help="parallel cue runs (default 2)")
    executor_option(check)
    schema_options(check)
    check.set_defaults(func=_validate)


def _validate(args: argparse.Namespace) -> int:
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    out = console(args)
    with out.progress(f"validating {len(args.files)} documents"):
        results = validate(
            args.files,
            build=schema_build(args),
            form=args.form,
            leafrefs=args.leafrefs,
            jobs=args.jobs,
            executor=args.executor,
        )
    if args.json:
        out.json([r.as_dict() for r in results])
    else:
        for result in results:
            if out.quiet and result.valid:
                continue
            out.out(verdict_text(out, result))
    return EXIT_OK if all(r.valid for r in results) else EXIT_FOUND_PROBLEMS
