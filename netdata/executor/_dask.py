"""The Dask executor: jobs on the workers of a Dask scheduler (the only module importing
``distributed``).

Shared values are tasks returning them (recomputed, not lost, with a lost
worker). Jobs are submitted with ``pure=False`` (a push job must run even if an equal
one ran before). Dask reruns the jobs of a lost worker elsewhere on its own;
a job that keeps killing workers ends as ``KilledWorker``, which
:meth:`DaskExecutor.run` yields as :class:`JobLost` when the caller asks
(push: the outcome of its Set is unknown). Bundles are published as a named
dataset on the scheduler, once per digest, and each worker fetches one the
first time a job opens it, into ``<cache>/netdata/executor/<digest>/``.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import distributed
from distributed.scheduler import KilledWorker

from netdata._exceptions import SetupError
from netdata.executor._executor import Bundle, Executor, JobLost, bundle_digest
from netdata.schema._manifest import cache_root

_CONNECT_TIMEOUT = "10s"


class DaskExecutor(Executor):
    """The workers of one Dask scheduler."""

    remote = True
    jobs = 1

    def __init__(self, client: distributed.Client, *, owned: bool) -> None:
        self.client, self._owned = client, owned
        self.name = str(client.scheduler.address) if client.scheduler else "dask"

    @classmethod
    def connect(cls, spec: str | distributed.Client) -> DaskExecutor:
        if isinstance(spec, distributed.Client):
            _check_versions(spec)
            return cls(spec, owned=False)
        if not isinstance(spec, str):
            raise SetupError(f"executor: expected tcp://HOST:PORT or a Client, got {spec!r}")
        try:
            client = distributed.Client(spec, timeout=_CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise SetupError(f"cannot reach the Dask scheduler {spec}: {exc}") from None
        try:
            _check_versions(client)
        except BaseException:
            client.close()
            raise
        return cls(client, owned=True)

    def share(self, values: Sequence[Any]) -> list[Any]:
        # A task holding the value, not a scatter: the scheduler keeps its spec, so when the
        # worker holding the result is lost the value is recomputed instead of lost.
        return [self.client.submit(_value, v, pure=True) for v in values]

    def bundle(self, folder: Path, names: Sequence[str]) -> Bundle:
        bundle = Bundle(bundle_digest(folder, names), tuple(names))
        name = _dataset(bundle)
        if name not in self.client.list_datasets():
            payload = {n: (folder / n).read_bytes() for n in names}
            self.client.publish_dataset(**{name: payload}, override=True)
        return bundle

    def resources(self) -> set[str] | None:
        workers = self.client.scheduler_info(n_workers=-1)["workers"].values()
        return {r for w in workers for r in (w.get("resources") or {})}

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
        todo = list(enumerate(items))[::-1]
        out: dict[Any, int] = {}
        limit = window or len(items)

        def send() -> list[Any]:
            sent = []
            while todo and len(out) < limit and (go_on is None or go_on()):
                index, item = todo.pop()
                pin = resources[index] if resources is not None else None
                future = self.client.submit(
                    work, item, pure=False, resources={pin: 1} if pin else None
                )
                out[future] = index
                sent.append(future)
            return sent

        waiting = distributed.as_completed(send(), loop=self.client.loop)
        try:
            for future in waiting:
                index = out.pop(future)
                waiting.update(send())
                error = future.exception() if future.status == "error" else None
                if lost_ok and isinstance(error, KilledWorker):
                    yield index, JobLost(f"its worker was lost while running it ({error})")
                    continue
                yield index, future.result()
        finally:
            self.client.cancel(list(out))

    def close(self) -> None:
        if self._owned:
            self.client.close()


def _check_versions(client: distributed.Client) -> None:
    """Every worker must run this netdata version (jobs are its functions and classes)."""
    from netdata import __version__

    found: dict[str, str | None] = client.run(_netdata_version)
    other = sorted(f"{w} ({v or 'no netdata'})" for w, v in found.items() if v != __version__)
    if other:
        raise SetupError(
            f"Dask workers run another netdata than this {__version__}: {', '.join(other)}"
        )


def _netdata_version() -> str | None:
    try:
        from netdata import __version__
    except ImportError:
        return None
    return __version__


def _value(value: Any) -> Any:
    return value


def _dataset(bundle: Bundle) -> str:
    return "netdata-bundle-" + bundle.digest.removeprefix("sha256:")


def fetch_bundle(bundle: Bundle) -> Path:
    """The bundle's folder on this worker: cached by digest, fetched from the scheduler once."""
    base = cache_root() / "executor"
    folder = base / bundle.digest.removeprefix("sha256:")
    if all((folder / n).is_file() for n in bundle.names):
        return folder
    with distributed.worker_client() as client:
        payload: dict[str, bytes] = client.get_dataset(_dataset(bundle))
    base.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=base))
    try:
        for name, data in payload.items():
            (staging / name).write_bytes(data)
        if bundle_digest(staging, bundle.names) != bundle.digest:
            raise SetupError(f"worker {current_worker()}: bundle {bundle.digest} arrived damaged")
        if not folder.exists():
            staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder


def current_worker() -> str | None:
    """The address of the Dask worker running this code, None outside a worker."""
    try:
        return str(distributed.get_worker().address)
    except ValueError:
        return None
