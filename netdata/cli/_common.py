"""The exit codes of every command, and the options several commands share.

Exit status: 0 success, 1 the command ran and found a problem (for example an
invalid document), 2 usage or setup error (argparse's own errors exit 2 too),
3 any other netdata error, 130 interrupted.
"""

from __future__ import annotations

import argparse

from netdata.schema import SchemaBuild, build_schema

EXIT_OK, EXIT_FOUND_PROBLEMS, EXIT_USAGE, EXIT_ERROR = 0, 1, 2, 3
EXIT_INTERRUPTED = 130


def models_option(parser: argparse.ArgumentParser) -> None:
    """``--models DIR``: where the YANG models are."""
    parser.add_argument(
        "--models",
        action="append",
        metavar="DIR",
        help="YANG model folder, repeatable (default: NETDATA_YANG_PATH)",
    )


def schema_options(parser: argparse.ArgumentParser) -> None:
    """The options of a schema build: ``--models``, ``--module``, ``--cache-dir``."""
    models_option(parser)
    parser.add_argument(
        "--module", action="append", metavar="NAME", help="module to compile (default: manifest)"
    )
    parser.add_argument("--cache-dir", metavar="DIR", help="schema build cache folder")


def schema_build(args: argparse.Namespace) -> SchemaBuild:
    """The schema build that :func:`schema_options` describe."""
    return build_schema(
        args.models, args.module, cache_dir=args.cache_dir, force=getattr(args, "force", False)
    )
