"""What every command prints: plain text when piped, colour and progress bars only on a terminal.

The only module that imports ``rich``. Colour is off when ``NO_COLOR`` is set
(to any non-empty value, https://no-color.org) or the stream is not a terminal,
so piped output is byte-for-byte plain. Progress bars go to stderr, only when
stderr is a terminal and the command was not run with ``-q``; they are
transient (erased when done), so they never end up in a log.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from rich.progress import Progress

# rich is imported where colour or a progress bar is drawn, not with the module: most runs
# (piped, -q, --json) draw neither, and importing it is a good part of a short command's start.


def is_terminal(stream: TextIO) -> bool:
    """Whether ``stream`` is an interactive terminal."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty is not None and isatty())


def colour_enabled(stream: TextIO) -> bool:
    """Colour on ``stream``: a terminal, ``NO_COLOR`` unset or empty, ``TERM`` not ``dumb``."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return is_terminal(stream)


class Bar:
    """A progress bar's handle: :meth:`advance` once per finished item."""

    def __init__(self, progress: Progress | None = None, task: Any = None) -> None:
        self._progress = progress
        self._task = task

    def advance(self, steps: int = 1, description: str | None = None) -> None:
        """Count ``steps`` more items done (and optionally change the description)."""
        if self._progress is not None:
            self._progress.update(self._task, advance=steps, description=description)

    def total(self, total: int) -> None:
        """Set the number of items once it is known."""
        if self._progress is not None:
            self._progress.update(self._task, total=total)


class Console:
    """Output of one command run.

    ``quiet`` drops informational messages and progress, ``verbose`` (a count)
    adds detail; results (:meth:`out`, :meth:`json`) and :meth:`error` are
    always printed. Streams are looked up when printing, so tests capturing
    ``sys.stdout`` see everything.
    """

    def __init__(
        self,
        *,
        quiet: bool = False,
        verbose: int = 0,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
    ) -> None:
        self.quiet = quiet
        self.verbose = verbose
        self._stdout = stdout
        self._stderr = stderr

    @property
    def stdout(self) -> TextIO:
        return self._stdout if self._stdout is not None else sys.stdout

    @property
    def stderr(self) -> TextIO:
        return self._stderr if self._stderr is not None else sys.stderr

    def styled(self, text: str, style: str, stream: TextIO | None = None) -> str:
        """``text`` in ``style`` (rich style syntax: ``"bold red"``) when colour is on."""
        if not colour_enabled(stream if stream is not None else self.stdout):
            return text
        from rich.color import ColorSystem
        from rich.style import Style

        return Style.parse(style).render(text, color_system=ColorSystem.STANDARD)

    def out(self, text: str = "") -> None:
        """A line of the command's result on stdout."""
        print(text, file=self.stdout, flush=True)

    def json(self, data: Any) -> None:
        """The command's ``--json`` result: one JSON document on stdout."""
        print(json.dumps(data, indent=1, sort_keys=False), file=self.stdout, flush=True)

    def info(self, text: str) -> None:
        """A message about the run on stderr (not with ``-q``)."""
        if not self.quiet:
            print(text, file=self.stderr, flush=True)

    def detail(self, text: str) -> None:
        """A message shown only with ``-v``."""
        if self.verbose and not self.quiet:
            print(text, file=self.stderr, flush=True)

    def error(self, text: str) -> None:
        """An error message on stderr (always)."""
        print(text, file=self.stderr, flush=True)

    @contextmanager
    def progress(self, description: str, total: int | None = None) -> Iterator[Bar]:
        """A transient progress bar on stderr, drawn only on a terminal and without ``-q``."""
        if self.quiet or not is_terminal(self.stderr):
            yield Bar()
            return
        from rich.console import Console as _RichConsole
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        console = _RichConsole(
            file=self.stderr,
            no_color=not colour_enabled(self.stderr),
            highlight=False,
            emoji=False,
        )
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console, transient=True) as progress:
            yield Bar(progress, progress.add_task(description, total=total))
