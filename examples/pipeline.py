"""Drive the whole pipeline from Python, the way an automation job would.

    python examples/pipeline.py REPO --targets targets.json [--dry-run]

fetch the inventory → build (and stop on a failed device) → validate the built files
again (a CI gate) → diff against the devices → push, stopping on the first failure.
Every step's result has ``raise_for_status()``; netdata's errors say what and where.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import netdata


def run(repo: Path, targets: Path, dry_run: bool) -> None:
    """The pipeline on the network repository ``repo``."""
    source = netdata.open_source("file", path=repo / "inventory" / "hosts.yaml")
    hosts = netdata.fetch_inventory(source)
    print(f"inventory: {len(hosts)} devices")

    built = netdata.build(repo).raise_for_status()
    print(f"build: {len(built.devices)} devices into {built.output}")

    files = sorted(p for p in built.output.glob("*.json") if p.name != "build.json")
    netdata.validate(files).raise_for_status()  # DocumentError names each invalid file
    print(f"validate: {len(files)} files valid")

    report = netdata.diff(built.output, targets=targets).raise_for_status()
    for result in report.results:
        print(f"diff: {result.device}: {len(result.changes)} changes")
    if dry_run:
        return

    pushed = netdata.push(
        built.output, targets=targets, journal_dir=repo / ".netdata" / "journal"
    ).raise_for_status()
    print("push: " + ", ".join(f"{n} {s}" for s, n in pushed.counts.items() if n))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path, help="the network repository")
    parser.add_argument("--targets", type=Path, required=True, help="targets file")
    parser.add_argument("--dry-run", action="store_true", help="stop after the diff")
    args = parser.parse_args(argv)
    try:
        run(args.repo, args.targets, args.dry_run)
    except netdata.NetdataError as exc:
        print(f"pipeline: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
