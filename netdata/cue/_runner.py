"""Running the `cue` binary: the only place in netdata that starts a process."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netdata._exceptions import CueError, CueTimeoutError
from netdata.cue._binary import CueBinary, find_cue
from netdata.cue._diagnostics import parse_diagnostics

DEFAULT_TIMEOUT = 300.0

FileContents = str | bytes


@dataclass(frozen=True)
class CueResult:
    """What a successful cue run printed."""

    command: tuple[str, ...]
    stdout: str
    stderr: str


class Cue:
    """Runs `cue` subcommands with argument lists (never a shell).

    ``workdir`` is the directory cue runs in, normally the root of a CUE module
    (the folder that holds ``cue.mod``); relative inputs are resolved there.
    Every call has a timeout. Data can be passed on stdin (``stdin=``) or as
    named in-memory files (``files=``) that are written to a private temporary
    directory, removed when the call returns or fails, and shown in error
    positions under the names given.
    """

    def __init__(
        self,
        binary: CueBinary | None = None,
        *,
        workdir: str | Path | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.binary = binary if binary is not None else find_cue()
        self.workdir = Path(workdir) if workdir is not None else None
        self.timeout = timeout
        self.env = dict(env or {})
        """Variables added to cue's environment (``GOGC``, say); the caller's own win."""

    def run(
        self,
        subcommand: str,
        args: Sequence[str | Path] = (),
        *,
        stdin: FileContents | None = None,
        stdin_format: str | None = None,
        files: Mapping[str, FileContents] | None = None,
        timeout: float | None = None,
    ) -> CueResult:
        """Run ``cue SUBCOMMAND ARGS... [FILES...] [FORMAT: -]`` and return its output.

        With ``stdin`` and ``stdin_format`` (``json``, ``yaml``, ...), stdin is
        passed as the last input, ``FORMAT: -``: last, because a cue file-type
        qualifier applies to every input that follows it.

        Raises :class:`CueError` (with parsed diagnostics) on a non-zero exit
        and :class:`CueTimeoutError` when ``timeout`` (default: the runner's)
        expires; the process is killed in that case.
        """
        with tempfile.TemporaryDirectory(prefix="netdata-cue-") as tmp:
            file_args = _write_files(Path(tmp), files or {})
            command = [str(self.binary.path), subcommand, *map(str, args), *file_args]
            if stdin is not None and stdin_format is not None:
                command += [f"{stdin_format}:", "-"]
            data = stdin.encode() if isinstance(stdin, str) else stdin or b""
            limit = self.timeout if timeout is None else timeout
            try:
                done = subprocess.run(
                    command,
                    input=data,
                    capture_output=True,
                    cwd=self.workdir,
                    env={**self.env, **os.environ} if self.env else None,
                    timeout=limit,
                    check=False,
                )
            except subprocess.TimeoutExpired as exc:
                raise CueTimeoutError(
                    f"cue {subcommand} did not finish within {limit:g} s and was stopped",
                    command=command,
                    stderr=_show_names(_decode(exc.stderr), tmp, self.workdir),
                ) from None
            except OSError as exc:
                raise CueError(
                    f"cue {subcommand} could not be started: {exc}", command=command
                ) from exc
        stdout = _decode(done.stdout)
        stderr = _show_names(_decode(done.stderr), tmp, self.workdir)
        if done.returncode != 0:
            raise CueError(
                f"cue {subcommand} failed (exit status {done.returncode})",
                command=command,
                returncode=done.returncode,
                stderr=stderr,
                diagnostics=parse_diagnostics(stderr),
            )
        return CueResult(tuple(command), stdout, stderr)

    def export(
        self,
        inputs: Sequence[str | Path] = (),
        *,
        expression: str | None = None,
        out: str = "json",
        stdin: FileContents | None = None,
        stdin_format: str = "json",
        files: Mapping[str, FileContents] | None = None,
        tags: Mapping[str, str] | None = None,
        all_errors: bool = False,
        place: Sequence[str] = (),
        timeout: float | None = None,
    ) -> str:
        """``cue export``: evaluate to concrete data and return it as text (``out``).

        ``place`` are ``--path`` label expressions that put each data (non-CUE)
        file at a path, evaluated ``--with-context`` (``filename``, ``index``, ...).
        """
        args = [*_common_flags(expression, tags, all_errors), "--out", out]
        if place:
            args += ["--with-context", *(a for label in place for a in ("--path", label))]
        args += map(str, inputs)
        return self.run(
            "export",
            args,
            stdin=stdin,
            stdin_format=stdin_format,
            files=files,
            timeout=timeout,
        ).stdout

    def export_json(self, inputs: Sequence[str | Path] = (), **kwargs: Any) -> Any:
        """``cue export --out json``, parsed."""
        return json.loads(self.export(inputs, out="json", **kwargs))

    def vet(
        self,
        inputs: Sequence[str | Path] = (),
        *,
        schema: str | None = None,
        concrete: bool = True,
        stdin: FileContents | None = None,
        stdin_format: str = "json",
        files: Mapping[str, FileContents] | None = None,
        all_errors: bool = False,
        timeout: float | None = None,
    ) -> None:
        """``cue vet``: validate data against CUE; raises :class:`CueError` if invalid.

        ``schema`` is the definition each data file is checked against (``-d``).
        """
        args = [*_common_flags(None, None, all_errors)]
        if concrete:
            args.append("--concrete")
        if schema:
            args += ["-d", schema]
        args += map(str, inputs)
        self.run(
            "vet",
            args,
            stdin=stdin,
            stdin_format=stdin_format,
            files=files,
            timeout=timeout,
        )

    def eval(
        self,
        inputs: Sequence[str | Path] = (),
        *,
        expression: str | None = None,
        concrete: bool = False,
        files: Mapping[str, FileContents] | None = None,
        timeout: float | None = None,
    ) -> str:
        """``cue eval``: the evaluated value in CUE syntax."""
        args = [*_common_flags(expression, None, False)]
        if concrete:
            args.append("--concrete")
        return self.run("eval", [*args, *map(str, inputs)], files=files, timeout=timeout).stdout

    def def_(
        self,
        inputs: Sequence[str | Path] = (),
        *,
        expression: str | None = None,
        files: Mapping[str, FileContents] | None = None,
        timeout: float | None = None,
    ) -> str:
        """``cue def``: the definitions of the inputs, as CUE source."""
        args = [*_common_flags(expression, None, False), *map(str, inputs)]
        return self.run("def", args, files=files, timeout=timeout).stdout

    def import_(
        self,
        data: FileContents,
        *,
        data_format: str = "json",
        package: str | None = None,
        timeout: float | None = None,
    ) -> str:
        """``cue import``: convert JSON/YAML data (given in memory) to CUE source."""
        args = ["-o", "-"]
        if package:
            args += ["--package", package]
        return self.run(
            "import", args, stdin=data, stdin_format=data_format, timeout=timeout
        ).stdout

    def fmt(self, source: FileContents, *, timeout: float | None = None) -> str:
        """``cue fmt``: the formatted form of CUE source given in memory."""
        return self.run("fmt", ["-"], stdin=source, timeout=timeout).stdout


def _common_flags(
    expression: str | None, tags: Mapping[str, str] | None, all_errors: bool
) -> list[str]:
    flags: list[str] = []
    if all_errors:
        flags.append("--all-errors")
    if expression:
        flags += ["--expression", expression]
    for key, value in (tags or {}).items():
        flags += ["--inject", f"{key}={value}"]
    return flags


def _write_files(directory: Path, files: Mapping[str, FileContents]) -> list[str]:
    """Write in-memory files into ``directory``; return their paths in order."""
    paths = []
    for name, contents in files.items():
        target = directory / name
        if Path(name).name != name or name in ("", ".", ".."):
            raise ValueError(f"in-memory cue file name must be a plain file name, got {name!r}")
        if isinstance(contents, str):
            target.write_text(contents, encoding="utf-8")
        else:
            target.write_bytes(contents)
        paths.append(str(target))
    return paths


def _show_names(text: str, tmp: str, cwd: Path | None) -> str:
    """Drop the private temporary directory from file names in cue's output.

    cue prints file names relative to its working directory when it can, so
    both the absolute and the relative spelling of the directory are removed.
    """
    relative = os.path.relpath(tmp, cwd if cwd is not None else os.getcwd())
    return text.replace(relative + os.sep, "").replace(tmp + os.sep, "")


def _decode(data: bytes | str | None) -> str:
    if data is None:
        return ""
    return data if isinstance(data, str) else data.decode("utf-8", errors="replace")
