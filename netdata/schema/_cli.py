"""CLI commands of the schema stage: ``schema build|coverage``, ``validate``, ``models fetch``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from netdata._exceptions import SetupError
from netdata.schema._build import build_schema
from netdata.schema._fetch import archive_url, fetch_models, install_models
from netdata.schema._manifest import load_manifest
from netdata.schema._validate import FORMS, validate

EXIT_OK, EXIT_INVALID = 0, 1


def _model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--models", metavar="DIR", help="YANG model folder (or NETDATA_YANG_PATH)")
    parser.add_argument(
        "--module", action="append", metavar="NAME", help="module to compile (default: manifest)"
    )
    parser.add_argument("--cache-dir", metavar="DIR", help="schema build cache folder")


def register(subparsers: Any) -> None:
    """Add the ``schema``, ``validate`` and ``models`` commands."""
    schema = subparsers.add_parser("schema", help="compile YANG to CUE and report coverage")
    actions = schema.add_subparsers(dest="schema_command", metavar="ACTION", required=True)
    build = actions.add_parser("build", help="compile the models (cached); print the folder")
    _model_options(build)
    build.add_argument("--force", action="store_true", help="rebuild even if cached")
    build.set_defaults(func=_build)
    coverage = actions.add_parser("coverage", help="what each YANG statement kind maps to")
    _model_options(coverage)
    coverage.add_argument("--json", action="store_true", help="print the JSON report")
    coverage.set_defaults(func=_coverage)

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
    _model_options(check)
    check.set_defaults(func=_validate)

    models = subparsers.add_parser("models", help="the pinned YANG models")
    model_actions = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    fetch = model_actions.add_parser("fetch", help="download the pinned OpenConfig tag")
    fetch.add_argument("--dest", metavar="DIR", help="target folder (default: the cache)")
    fetch.add_argument("--url", help=argparse.SUPPRESS)
    fetch.add_argument(
        "--from",
        dest="source",
        metavar="DIR",
        help="copy from a local checkout of the pinned tag instead of downloading",
    )
    fetch.set_defaults(func=_fetch)


def _schema_build(args: argparse.Namespace) -> Any:
    return build_schema(
        args.models, args.module, cache_dir=args.cache_dir, force=getattr(args, "force", False)
    )


def _build(args: argparse.Namespace) -> int:
    print(_schema_build(args).directory)
    return EXIT_OK


def _coverage(args: argparse.Namespace) -> int:
    report = json.loads(_schema_build(args).coverage_file.read_text(encoding="utf-8"))
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
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    missing = [f for f in args.files if not Path(f).is_file()]
    if missing:
        raise SetupError(f"no such file: {', '.join(missing)}")
    if args.jobs < 1:
        raise SetupError("--jobs must be at least 1")
    results = validate(
        args.files,
        build=_schema_build(args),
        form=args.form,
        leafrefs=args.leafrefs,
        jobs=args.jobs,
    )
    if args.json:
        print(json.dumps([r.as_dict() for r in results], indent=1))
    else:
        for result in results:
            print(result.text())
    return EXIT_OK if all(r.valid for r in results) else EXIT_INVALID


def _fetch(args: argparse.Namespace) -> int:
    manifest = load_manifest()
    dest = Path(args.dest) if args.dest else None
    if args.source:
        print(install_models(manifest, Path(args.source), dest))
        return EXIT_OK
    print(f"fetching {args.url or archive_url(manifest)} ...", file=sys.stderr)
    print(fetch_models(manifest, dest, args.url))
    return EXIT_OK
