"""The CLI contract, for every command: --help with examples, exit codes 0/1/2, one --json
shape per command, no colour when piped or with NO_COLOR, colour and progress on a terminal.

Commands run as real subprocesses (``python -m netdata``), piped or on a pseudo-terminal.
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import select
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from netdata.cli import build_parser, main

REPO = Path(__file__).resolve().parents[2]
LAB = REPO / "inventory" / "lab.yaml"
ANSI = "\x1b["
DEMO_KEYS = sorted(
    ("ok", "workdir", "devices", "build", "diff", "push", "push_again", "commits", "seconds")
)


@pytest.fixture(scope="session")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A valid and an invalid RFC 7951 document."""
    folder = tmp_path_factory.mktemp("docs")
    paths = {}
    for name, mtu in (("good", 9000), ("bad", 70000)):
        config = {"name": "eth0", "type": "iana-if-type:ethernetCsmacd", "mtu": mtu}
        doc = {
            "openconfig-interfaces:interfaces": {"interface": [{"name": "eth0", "config": config}]}
        }
        paths[name] = folder / f"{name}.json"
        paths[name].write_text(json.dumps(doc))
    return paths


def run(
    args: list[str], env: dict[str, str], cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """The CLI with stdout and stderr piped."""
    return subprocess.run(
        [sys.executable, "-m", "netdata", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def run_on_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """The CLI with stdout and stderr on a pseudo-terminal; returns (status, everything shown)."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "netdata", *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env={**env, "TERM": "xterm-256color"},
    )
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 120)
        if not ready:
            proc.kill()
            raise AssertionError(f"netdata {' '.join(args)} produced nothing for 120 s")
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return proc.wait(timeout=30), b"".join(chunks).decode("utf-8", "replace")


def _leaf_parsers(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    yield path, parser
    for action in actions:
        for name, child in action.choices.items():
            yield from _leaf_parsers(child, (*path, name))


PARSERS = {path: p for path, p in _leaf_parsers(build_parser())}
COMMANDS = sorted(
    path
    for path, p in PARSERS.items()
    if path and not any(isinstance(a, argparse._SubParsersAction) for a in p._actions)
)


def test_every_command_is_listed() -> None:
    assert [" ".join(c) for c in COMMANDS] == [
        "build",
        "demo",
        "diff",
        "doctor",
        "init",
        "inventory default-query",
        "inventory fetch",
        "models fetch",
        "push",
        "schema build",
        "schema coverage",
        "sim",
        "validate",
    ]


@pytest.mark.parametrize("path", sorted(PARSERS), ids=lambda p: " ".join(p) or "netdata")
def test_help_shows_an_example_of_the_command(
    path: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*path, "--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    examples = text.split("examples:\n", 1)[1].splitlines()
    assert examples and all(line.startswith("  ") for line in examples if line)
    assert any(f"netdata {' '.join(path)}".strip() in line for line in examples), examples


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_has_json_quiet_and_verbose(path: tuple[str, ...]) -> None:
    options = {s for a in PARSERS[path]._actions for s in a.option_strings}
    assert {"--json", "-q", "--quiet", "-v", "--verbose", "--help"} <= options


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_an_unknown_option_is_a_usage_error_exit_2(
    path: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*path, "--no-such-option"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: netdata")
    assert "unrecognized arguments: --no-such-option" in err or "arguments are required" in err


def _shape(value: Any) -> Any:
    """The keys of a JSON object, recursively for the first member of nested mappings."""
    if isinstance(value, dict):
        return sorted(value)
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return type(value).__name__


def _cases(documents: dict[str, Path], tmp: Path, models: Path) -> list[tuple[list[str], int, Any]]:
    """(argv, exit status, shape of the --json document) per command."""
    good, bad = str(documents["good"]), str(documents["bad"])
    verdict = ["errors", "file", "form", "valid"]
    return [
        (["doctor"], 0, ["checks", "ok"]),
        (["demo"], 0, DEMO_KEYS),
        (["inventory", "default-query"], 0, ["query"]),
        (["init", str(tmp / "lab")], 0, ["directory", "files"]),
        (["init", str(tmp / "lab")], 2, ["error"]),  # not empty any more
        (["inventory", "fetch", "--source", "file", "--file", str(LAB)], 0, ["files", "hosts"]),
        (
            ["models", "fetch", "--from", str(models), "--dest", str(tmp / "m")],
            0,
            ["path", "repository", "tag"],
        ),
        (["schema", "build"], 0, ["checksum", "defects", "directory", "modules"]),
        (["schema", "coverage"], 0, ["checksum", "defects", "kinds", "totals"]),
        (["validate", good], 0, [verdict]),
        (["validate", good, bad], 1, [verdict]),
        (["validate", str(tmp / "missing.json")], 1, [verdict]),  # its own verdict (#12)
        (
            ["inventory", "fetch", "--source", "file", "--file", str(tmp / "none.yaml")],
            2,
            ["error"],
        ),
        # build, diff and push on a real repository and devices: tests/cli/test_demo.py
        (["build", "--repo", str(tmp)], 2, ["error"]),
        (["diff", "--build-dir", str(tmp / "nowhere")], 2, ["error"]),
        (["push", "--build-dir", str(tmp / "nowhere")], 2, ["error"]),
    ]


def test_json_shape_and_exit_status_of_every_command(
    cli_env: dict[str, str], documents: dict[str, Path], tmp_path: Path, models: Path
) -> None:
    seen = set()
    for argv, status, shape in _cases(documents, tmp_path, models):
        done = run([*argv, "--json"], cli_env)
        assert done.returncode == status, (argv, done.stderr)
        document = json.loads(done.stdout)
        assert _shape(document) == shape, argv
        assert ANSI not in done.stdout + done.stderr, argv
        assert "Traceback" not in done.stderr, argv
        seen.add(tuple(a for a in argv if not a.startswith(("-", "/")))[:2])
    assert {c[:2] for c in COMMANDS} - {("sim",)} <= seen  # sim: its own test below


def test_json_error_names_the_kind(cli_env: dict[str, str], tmp_path: Path) -> None:
    argv = ["inventory", "fetch", "--json", "--source", "file", "--file", str(tmp_path / "x.yaml")]
    done = run([*argv, "--retries", "-1"], cli_env)
    message = "--timeout/--retries: the number of retries must be 0 or more, not -1"
    assert done.returncode == 2
    assert json.loads(done.stdout) == {"error": {"kind": "usage", "message": message}}
    assert done.stderr == f"netdata: usage error: {message}\n"


def test_sim_json_is_one_line_when_ready(cli_env: dict[str, str]) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "netdata", "sim", "--devices", "2", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env,
    )
    try:
        assert proc.stdout is not None
        ready = json.loads(proc.stdout.readline())
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert _shape(ready) == ["devices", "gateway", "targets", "tls_cert"]
    assert len(ready["devices"]) == 2
    assert {d["host"] for d in ready["devices"]} == {"127.0.0.1"}
    assert all(isinstance(d["port"], int) and d["port"] > 0 for d in ready["devices"])


def test_plain_text_when_piped_colour_on_a_terminal_none_with_no_color(
    cli_env: dict[str, str], documents: dict[str, Path]
) -> None:
    argv = ["validate", str(documents["good"]), str(documents["bad"])]
    piped = run(argv, cli_env)
    assert piped.returncode == 1
    assert ANSI not in piped.stdout + piped.stderr
    assert f"{documents['bad']}: invalid" in piped.stdout

    status, shown = run_on_terminal(argv, cli_env)
    assert status == 1
    assert f"{documents['good']}: \x1b[32mvalid\x1b[0m" in shown
    assert f"{documents['bad']}: \x1b[1;31minvalid\x1b[0m" in shown

    status, shown = run_on_terminal(argv, {**cli_env, "NO_COLOR": "1"})
    assert status == 1
    assert "\x1b[32m" not in shown and "\x1b[1;31m" not in shown
    assert f"{documents['bad']}: invalid" in shown


def test_quiet_prints_only_problems(cli_env: dict[str, str], documents: dict[str, Path]) -> None:
    done = run(["validate", "-q", str(documents["good"]), str(documents["bad"])], cli_env)
    assert done.returncode == 1
    assert str(documents["good"]) not in done.stdout
    assert f"{documents['bad']}: invalid" in done.stdout
