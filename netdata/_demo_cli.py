"""`netdata demo`: run the most complete pipeline stage that works on the embedded fleet."""

from __future__ import annotations

import argparse
import json
from typing import Any

from netdata._demo import run_demo


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "demo", help="build the embedded demo fleet and print its configuration"
    )
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    print(json.dumps(run_demo(), indent=2))
    return 0
