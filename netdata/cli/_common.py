"""The conventions every command follows, and the options several commands share.

Exit status (the only place it is declared; ``netdata.cli`` re-exports it):

    0   success
    1   the command ran and found problems: invalid data, a failed device,
        a non-empty diff with ``--exit-code``
    2   usage or setup error: bad arguments, a missing tool, file or model
        folder, an unreachable server, any other error that stopped the command
    130 interrupted (Ctrl-C)
    141 the reader of stdout went away (``netdata ... | head``)

Every command is made with :func:`add_command`, which gives it ``--help``
with examples, ``--json`` (one JSON document on stdout, its shape documented
in docs/cli.md), ``-q``/``--quiet`` and ``-v``/``--verbose``. Output goes
through :class:`~netdata.cli._console.Console` (colour only on a terminal and
without ``NO_COLOR``, progress only on a terminal).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any, TextIO

from netdata._exceptions import SetupError
from netdata.cli._console import Console
from netdata.executor import check_spec
from netdata.schema import SchemaBuild, build_schema
from netdata.settings import Settings, load_settings
from netdata.validate import FileResult

EXIT_OK, EXIT_FOUND_PROBLEMS, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 130, 141


class HelpFormatter(argparse.HelpFormatter):
    """Wraps descriptions as usual but keeps the ``examples:`` epilog's lines as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("examples:"):
            return "\n".join(indent + line for line in text.splitlines())
        return super()._fill_text(text, width, indent)


def add_command(
    subparsers: Any,
    name: str,
    *,
    help: str,
    examples: Sequence[str],
    description: str | None = None,
    output: bool = True,
    **parser_options: Any,
) -> argparse.ArgumentParser:
    """A (sub)command parser with the shared conventions.

    ``examples`` are command lines shown under ``examples:`` in ``--help``.
    ``output=False`` for a parser that only groups actions (``netdata inventory``):
    it gets no ``--json``/``-q``/``-v`` of its own. ``parser_options`` go to
    :class:`argparse.ArgumentParser` (``allow_abbrev=False``).
    """
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name,
        help=help,
        description=description or help[:1].upper() + help[1:] + ".",
        epilog="examples:\n" + "\n".join(f"  {line}" for line in examples),
        formatter_class=HelpFormatter,
        **parser_options,
    )
    if output:
        output_options(parser, default=argparse.SUPPRESS)
    return parser


def output_options(parser: argparse.ArgumentParser, *, default: Any = None) -> None:
    """``--json``, ``-q``, ``-v``. Subcommands pass ``default=SUPPRESS`` so that the
    top-level value (``netdata -q validate ...``) is kept when not repeated."""
    parser.add_argument(
        "--json",
        action="store_true",
        default=False if default is None else default,
        help="print the result as one JSON document (shapes: docs/cli.md)",
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=False if default is None else default,
        help="print only results and errors",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0 if default is None else default,
        help="print more detail (repeat for more)",
    )


def console(args: argparse.Namespace) -> Console:
    """The console of this run (made by ``main`` from ``-q``/``-v``)."""
    made = getattr(args, "console", None)
    if isinstance(made, Console):
        return made
    return Console(quiet=getattr(args, "quiet", False), verbose=getattr(args, "verbose", 0))


def repository(args: argparse.Namespace) -> Settings:
    """The settings of the network repository at ``--repo`` (default: the current folder):
    ``NETDATA_*`` environment variables over ``netdata.yaml`` / ``[tool.netdata]``; each
    command then lets its flags win (``Settings.replace``)."""
    return load_settings(getattr(args, "repo", None))


def executor_option(parser: argparse.ArgumentParser) -> None:
    """``--executor local|tcp://HOST:PORT``: where the jobs run (default: the settings')."""
    parser.add_argument(
        "--executor",
        type=_executor,
        metavar="SPEC",
        help="where jobs run: local (this machine's cores) or tcp://HOST:PORT, a Dask "
        "scheduler (default: the settings' executor, NETDATA_EXECUTOR, else local)",
    )


def _executor(text: str) -> str:
    try:
        return check_spec(text)
    except SetupError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


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


def verdict_text(out: Console, result: FileResult, stream: TextIO | None = None) -> str:
    """:meth:`FileResult.text` with ``valid``/``invalid`` coloured on a terminal."""
    head, _, rest = result.text().partition("\n")
    name, _, word = head.rpartition(": ")
    coloured = out.styled(word, "green" if result.valid else "bold red", stream)
    return f"{name}: {coloured}" + (f"\n{rest}" if rest else "")
