"""The executor interface, the local executor, and how to open one from a setting.

An executor runs a module-level function on many items of plain data and
yields ``(index, outcome)`` as the jobs finish. Besides that it *shares*
values many jobs read (sent once to each worker that needs them) and ships
*bundles*: a folder of files identified by its content digest and cached on
each worker (the compiled schema), so a job names it instead of carrying it.
"""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from netdata._exceptions import SetupError

T = TypeVar("T")
LOCAL = "local"
INSTALL_HINT = "pip install 'netdata-pipeline[cluster]'"


@dataclass(frozen=True)
class Bundle:
    """A folder of files a job needs, by content digest; ``local`` when the job runs here."""

    digest: str
    names: tuple[str, ...]
    local: str | None = None


@dataclass(frozen=True)
class JobLost:
    """The outcome of a job whose worker was lost while running it: unknown."""

    message: str


class Executor:
    """Where jobs run. Subclasses: :class:`LocalExecutor` and the Dask executor."""

    name: str = LOCAL
    remote: bool = False
    jobs: int = 1
    """How many threads one job may use (this machine's share for local; 1 on a cluster)."""

    def share(self, values: Sequence[Any]) -> list[Any]:
        """Handles of values many jobs read; a job given a handle receives the value."""
        return list(values)

    def bundle(self, folder: Path, names: Sequence[str]) -> Bundle:
        """The files ``names`` of ``folder`` as a bundle jobs can open with :func:`bundle_path`."""
        return Bundle(bundle_digest(folder, names), tuple(names), str(folder))

    def resources(self) -> set[str] | None:
        """The resources some worker advertises; None when every job runs on this machine."""
        return None

    def run(
        self,
        work: Callable[[Any], Any],
        items: Sequence[Any],
        *,
        resources: Sequence[str | None] | None = None,
        lost_ok: bool = False,
        window: int | None = None,
        go_on: Callable[[], bool] | None = None,
    ) -> Iterator[tuple[int, Any]]:
        """``work(item)`` for every item, ``(index, outcome)`` in the order they finish.

        ``resources[i]`` pins item i to workers advertising that resource. At
        most ``window`` jobs are out at a time, and once ``go_on()`` is false no
        more are sent (the others are not yielded). A job's exception is raised
        here; with ``lost_ok`` a job whose worker was lost yields
        :class:`JobLost` instead (its outcome is unknown).
        """
        raise NotImplementedError

    def close(self) -> None:
        """Release what the executor holds (a client it opened)."""


class LocalExecutor(Executor):
    """This machine: jobs run in threads of this process (their work is mostly ``cue``)."""

    def __init__(self, jobs: int = 2) -> None:
        self.jobs = max(1, jobs)

    def run(
        self,
        work: Callable[[Any], Any],
        items: Sequence[Any],
        *,
        resources: Sequence[str | None] | None = None,
        lost_ok: bool = False,
        window: int | None = None,
        go_on: Callable[[], bool] | None = None,
    ) -> Iterator[tuple[int, Any]]:
        if len(items) == 1 and go_on is None:
            yield 0, work(items[0])
            return
        limit = max(1, min(window or self.jobs, self.jobs, len(items) or 1))
        todo = list(enumerate(items))[::-1]
        with ThreadPoolExecutor(max_workers=limit) as pool:
            out: dict[Future[Any], int] = {}
            while todo or out:
                while todo and len(out) < limit and (go_on is None or go_on()):
                    index, item = todo.pop()
                    out[pool.submit(work, item)] = index
                if not out:
                    return
                done, _ = wait(out, return_when=FIRST_COMPLETED)
                for future in done:
                    yield out.pop(future), future.result()


@contextmanager
def open_executor(spec: Any = None, *, jobs: int = 2) -> Iterator[Executor]:
    """The executor ``spec`` names: None or ``"local"``, ``"tcp://HOST:PORT"`` (a Dask
    scheduler), a ``distributed.Client`` or an :class:`Executor` (neither closed here)."""
    if isinstance(spec, Executor):
        yield spec
        return
    if spec is None or spec == LOCAL:
        executor: Executor = LocalExecutor(jobs)
    else:
        if isinstance(spec, str):
            check_spec(spec)
        try:
            from netdata.executor._dask import DaskExecutor
        except ImportError:
            raise SetupError(
                f"the executor {spec!r} is a Dask scheduler, which needs the 'distributed' "
                f"package: {INSTALL_HINT}"
            ) from None
        executor = DaskExecutor.connect(spec)
    try:
        yield executor
    finally:
        executor.close()


def check_spec(spec: str) -> str:
    """``spec`` if it is ``local`` or ``tcp://HOST:PORT``, else a :class:`SetupError`."""
    if spec == LOCAL:
        return spec
    host, _, port = spec.removeprefix("tcp://").rpartition(":")
    if not spec.startswith("tcp://") or not host or not port.isdigit():
        raise SetupError(
            f"executor {spec!r}: expected 'local' or a Dask scheduler as tcp://HOST:PORT"
        )
    return spec


def bundle_digest(folder: Path, names: Sequence[str]) -> str:
    """``sha256:<hex>`` over the files' names and contents."""
    digest = hashlib.sha256()
    for name in sorted(names):
        data = (folder / name).read_bytes()
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return "sha256:" + digest.hexdigest()


def bundle_path(bundle: Bundle) -> Path:
    """The folder holding ``bundle``'s files on the machine running the job (fetched and
    cached by digest on a Dask worker the first time)."""
    if bundle.local is not None:
        return Path(bundle.local)
    from netdata.executor._dask import fetch_bundle

    return fetch_bundle(bundle)


def on_worker(setup: Callable[[], T]) -> T:
    """``setup()`` (finding a tool a job needs); its :class:`SetupError` names this worker."""
    try:
        return setup()
    except SetupError as exc:
        raise SetupError(f"worker {worker_name()}: {exc}") from None


def worker_name() -> str:
    """The Dask worker running this job (its address), else this host's name."""
    try:
        from netdata.executor._dask import current_worker
    except ImportError:
        return socket.gethostname()
    return current_worker() or socket.gethostname()
