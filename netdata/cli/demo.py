"""`netdata demo`: the example fabric from inventory to push, on simulated devices."""

from __future__ import annotations

import argparse
import time
from typing import Any

from netdata._demo import STEPS, DemoResult, run_demo
from netdata.cli._common import (
    EXIT_FOUND_PROBLEMS,
    EXIT_OK,
    add_command,
    console,
    models_option,
)
from netdata.cli._console import Console, colour_enabled
from netdata.push._render import render_changes, render_summary

_DIFF_LINES = 12


def register(subparsers: Any) -> None:
    """Add the ``demo`` command."""
    parser = add_command(
        subparsers,
        "demo",
        help="run the example fabric from inventory to push on simulated devices",
        description="Takes the example fabric's inventory (2 spines, 4 leaves), builds and "
        "validates every device's OpenConfig config, starts one simulated gNMI device per "
        "device in this process, shows the diff, pushes, and pushes again (nothing to change: "
        "no Set is sent). Needs nothing running and nothing but the installed package.",
        examples=["netdata demo", "netdata demo --workdir /tmp/demo && ls /tmp/demo/fabric/build"],
    )
    parser.add_argument(
        "--workdir",
        metavar="DIR",
        help="keep the repository, build output and push journal here (default: a temporary "
        "folder, removed)",
    )
    models_option(parser)
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    out = console(args)
    started = time.perf_counter()
    with out.progress("demo", total=len(STEPS)) as bar:
        done: list[str] = []

        def on_step(step: str) -> None:
            if done:
                bar.advance()
            done.append(step)
            bar.advance(0, description=f"demo: {step}")

        result = run_demo(workdir=args.workdir, models=args.models, on_step=on_step)
    if args.json:
        out.json(result.as_dict())
    else:
        _print(out, result, time.perf_counter() - started)
    return EXIT_OK if result.ok else EXIT_FOUND_PROBLEMS


def _print(out: Console, result: DemoResult, total: float) -> None:
    def step(name: str, text: str) -> None:
        took = result.seconds.get(name)
        timing = f"  ({took:.1f} s)" if took is not None else ""
        out.out(f"{out.styled(f'{name:<11}', 'bold')} {text}{timing}")

    out.out("netdata demo: the example fabric from inventory to push, on simulated devices")
    step("inventory", f"{len(result.devices)} devices: {', '.join(result.devices)}")
    built = result.build
    if built is None:
        return
    step(
        "build",
        f"{len(built.devices) - len(built.failed)} configs built and validated against the "
        f"YANG models, {len(built.failed)} failed",
    )
    if not built.ok:
        for device in built.devices.values():
            if not device.ok:
                out.out(device.text())
        return
    step("devices", f"{len(result.devices)} simulated gNMI devices on 127.0.0.1, started empty")
    if result.diff is not None:
        changes = sum(len(r.changes) for r in result.diff.results)
        step("diff", f"{changes} leaf changes over {len(result.diff.results)} devices")
        first = next((r for r in result.diff.results if r.changes), None)
        if first is not None:
            lines = render_changes(first.changes, colour=colour_enabled(out.stdout))
            out.out(f"  {first.device}:")
            for line in lines[:_DIFF_LINES]:
                out.out(f"    {line}")
            if len(lines) > _DIFF_LINES:
                out.out(f"    ... {len(lines) - _DIFF_LINES} more lines (netdata diff)")
    for name, report in (("push", result.push), ("push again", result.push_again)):
        if report is None:
            continue
        counts = ", ".join(f"{n} {s}" for s, n in report.counts.items() if n)
        step(name, counts)
    if result.push_again is not None and not out.quiet:
        for line in render_summary(result.push_again.results):
            out.out(f"  {line}")
    sets = ", ".join(f"{name} {n}" for name, n in result.commits.items())
    out.out(f"Sets received per device: {sets} (the second push sent none)")
    verdict = out.styled("ok", "bold green") if result.ok else out.styled("FAILED", "bold red")
    out.out(f"demo {verdict} in {total:.1f} s")
