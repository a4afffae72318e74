"""`netdata doctor`: check the tools and models netdata needs and say how to fix what is missing."""

from __future__ import annotations

import argparse
import importlib.util
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from netdata._exceptions import SetupError
from netdata.cli._common import EXIT_FOUND_PROBLEMS, EXIT_OK, add_command, console
from netdata.cue import find_cue
from netdata.schema._manifest import find_models, load_manifest


@dataclass(frozen=True)
class Check:
    """One line of the report: ``ok`` with what was found, or the problem and its fix."""

    name: str
    ok: bool
    detail: str
    required: bool = True


def register(subparsers: Any) -> None:
    """Add the ``doctor`` command."""
    parser = add_command(
        subparsers,
        "doctor",
        help="check that the tools and models netdata needs are installed",
        description="Checks the cue binary, the YANG models and the simulator's libraries; "
        "exit status 1 names what is missing and how to install it.",
        examples=["netdata doctor", "netdata doctor --json | jq '.checks[] | select(.ok | not)'"],
    )
    parser.add_argument("--models", metavar="DIR", help="YANG model folder to check")
    parser.set_defaults(func=_run)


def _cue(args: argparse.Namespace) -> str:
    cue = find_cue()
    return f"{cue.path} ({cue.version_text})"


def _models(args: argparse.Namespace) -> str:
    manifest = load_manifest()
    folders = ", ".join(map(str, find_models(args.models, manifest)))
    return f"{folders} (pinned: {manifest.repository} {manifest.tag})"


def _simulator(args: argparse.Namespace) -> str:
    wanted = ("libyang", "grpc", "cryptography")
    missing = [m for m in wanted if importlib.util.find_spec(m) is None]
    if missing:
        raise SetupError(
            f"missing Python packages {', '.join(missing)}: pip install 'netdata-pipeline[sim]' "
            "(libyang needs the Debian package libyang2-dev)"
        )
    return "libyang, grpcio and cryptography importable (netdata sim, netdata demo)"


_CHECKS: tuple[tuple[str, Callable[[argparse.Namespace], str], bool], ...] = (
    ("cue", _cue, True),
    ("models", _models, True),
    ("simulator", _simulator, True),
)


def _run(args: argparse.Namespace) -> int:
    checks = []
    for name, probe, required in _CHECKS:
        try:
            checks.append(Check(name, True, probe(args), required))
        except SetupError as exc:
            checks.append(Check(name, False, str(exc), required))
    ok = all(c.ok for c in checks if c.required)
    out = console(args)
    if args.json:
        out.json({"ok": ok, "checks": [asdict(c) for c in checks]})
    else:
        for check in checks:
            verdict = "" if check.ok else out.styled("missing: ", "bold red")
            out.out(f"{check.name}: {verdict}{check.detail}")
    return EXIT_OK if ok else EXIT_FOUND_PROBLEMS
