"""Executors: where build, validate and push run their module-level jobs.

``local`` (the default) runs them on this machine's cores; ``tcp://HOST:PORT``
on a Dask scheduler's workers (``distributed``, the optional ``[cluster]``
extra; :mod:`netdata.executor._dask` is the only module importing it). Jobs
take and return plain data; files the coordinator owns (build output,
journal) are written by the coordinator only. See docs/executor.md.
"""

from netdata.executor._executor import (
    Bundle,
    Executor,
    JobLost,
    LocalExecutor,
    bundle_path,
    check_spec,
    on_worker,
    open_executor,
    worker_name,
)

__all__ = [
    "Bundle",
    "Executor",
    "JobLost",
    "LocalExecutor",
    "bundle_path",
    "check_spec",
    "on_worker",
    "open_executor",
    "worker_name",
]
