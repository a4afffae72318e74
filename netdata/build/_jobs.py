"""The build's jobs on plain data, run by an executor (docs/executor.md).

The coordinator (:func:`netdata.build.build`) selects and digests the
devices; :func:`evaluate_on` cuts them into jobs and gives them to the
executor. A job carries its inputs as data: its devices' host variables
and the repository-relative names of the files cue reads, whose contents
travel beside it (a file several jobs read is shared: sent once to each
worker), and the compiled schema as a bundle (by content digest, cached per
worker). :func:`run_job` exports, validates and locates the errors of its
devices exactly as a local build does (it runs the same code in a copy of
the files it was given) and returns per device the file's bytes or its
errors as dicts; the coordinator writes the files. A job on this machine
writes each valid device's file itself as soon as it is encoded and returns
its sha256 instead, so a fleet's files are not held until the end.

With the local executor there is one job, run in the repository itself, which
validates the fleet in chunks of ``CHUNK_SIZE`` as its cue runs finish; on a
cluster, one job per :data:`JOB_SIZE` devices, which the worker exports in cue
runs of at most ``SHARD_SIZE`` and validates together.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netdata._collector import collector_paused
from netdata._exceptions import BuildError
from netdata.build._evaluate import SHARD_SIZE
from netdata.build._output import write_atomically
from netdata.build._repository import GroupFile, Host, sha256
from netdata.build._result import DeviceError
from netdata.cue import Cue, CueBinary
from netdata.executor import Bundle, Executor, bundle_path, on_worker
from netdata.schema import SchemaBuild
from netdata.settings import Settings
from netdata.validate._jobs import schema_bundle

if TYPE_CHECKING:
    from netdata.build._build import _Plan

Outcome = bytes | str | list[DeviceError]
"""A device's file bytes, or its file's sha256 once written (a local job), or its errors."""
JOB_SIZE = 2 * SHARD_SIZE
"""Most devices per job on a cluster: two cue runs of ``SHARD_SIZE`` (a one-thread worker
runs them in turn). A job costs about 0.9 s of CPU besides its cue runs (bench/cluster_build.py:
scheduling, shipping, the worker's validation and overlay), so jobs stay at the 40 devices that
overhead was measured with rather than follow the smaller cue runs."""


@dataclass(frozen=True)
class JobDevice:
    """One device of a job: what :class:`Host` and its group files say, as plain data."""

    name: str
    vars: dict[str, Any]
    file: str | None
    """Its host-variable file, relative to the repository (None: from a live source)."""
    selector: tuple[str | int, ...]
    groups: tuple[tuple[str, str, str, str | None], ...]
    """(level, value, relative path, CUE package) of each group file that applies."""
    out: str


@dataclass(frozen=True)
class BuildJob:
    """Some devices to build; ``root`` is the repository when the job runs on this machine."""

    root: str | None
    package: str
    transforms: tuple[str, ...]
    schema: Bundle
    checksum: str
    devices: tuple[JobDevice, ...]
    leafrefs: bool
    jobs: int
    cue: CueBinary | None
    """The cue binary to use on this machine; None: the worker's own (checked like doctor)."""
    timeout: float
    """Of each cue run."""
    output: str | None = None
    """The output folder, when the job runs on this machine: it writes the files there."""


def evaluate_on(
    executor: Executor,
    settings: Settings,
    schema: SchemaBuild,
    cue: Cue,
    package: str,
    transforms: list[Path],
    plans: Sequence[_Plan],
    leafrefs: bool,
) -> dict[str, Outcome]:
    """Per device: its RFC 7951 file bytes, the sha256 of the file written, or its errors."""
    if not plans:
        return {}
    root = settings.root
    bundle = schema_bundle(executor, schema)
    if executor.remote:
        count = -(-len(plans) // JOB_SIZE)
        shards = [list(plans[i::count]) for i in range(count)]
        where, binary = None, None
    else:
        shards, where, binary = [list(plans)], str(root), cue.binary
    output = None if executor.remote else str(settings.output)
    names = tuple(_relative(t, root) for t in transforms)
    jobs = [
        BuildJob(where, package, names, bundle, schema.checksum,
                 tuple(_job_device(p, root, executor.remote) for p in shard), leafrefs,
                 executor.jobs, binary, cue.timeout, output)
        for shard in shards
    ]
    files = _files(executor, settings, jobs) if executor.remote else [{} for _ in jobs]
    out: dict[str, Outcome] = {}
    for _, result in executor.run(run_job, list(zip(jobs, files, strict=True))):
        out.update({n: v if isinstance(v, bytes | str) else [DeviceError.from_dict(e) for e in v]
                    for n, v in result.items()})
    return out


@collector_paused
def run_job(
    item: tuple[BuildJob, Mapping[str, bytes]],
) -> dict[str, bytes | str | list[dict[str, Any]]]:
    """Build a job's devices (on a worker: in a private copy of the files it was given)."""
    from netdata.build._build import _evaluate_all, _Plan

    job, files = item
    store = None
    if job.output is not None:
        output, names = Path(job.output), {d.name: d.out for d in job.devices}

        def store(name: str, data: bytes) -> str:
            write_atomically(output, names[name], data)
            return sha256(data)
    cue = on_worker(lambda: Cue(job.cue, timeout=job.timeout))
    schema = SchemaBuild(bundle_path(job.schema), job.checksum)
    with _checkout(job, files) as root:
        plans = [_Plan(_host(d, root), [_group(g, root) for g in d.groups], d.out, "")
                 for d in job.devices]
        settings = Settings(root=root, inventory=root, groups=root, transforms=root, output=root)
        built = _evaluate_all(settings, schema, cue, job.package,
                              [root / t for t in job.transforms], plans, job.jobs, job.leafrefs,
                              store)
    return {n: v if isinstance(v, bytes | str) else [e.as_dict() for e in v]
            for n, v in built.items()}


class _checkout:
    """The repository a job reads: the real one, or a temporary copy of the files given."""

    def __init__(self, job: BuildJob, files: Mapping[str, bytes]) -> None:
        self.job, self.files = job, files
        self._tmp: tempfile.TemporaryDirectory[str] | None = None

    def __enter__(self) -> Path:
        if self.job.root is not None:
            return Path(self.job.root)
        self._tmp = tempfile.TemporaryDirectory(prefix="netdata-job-")
        root = Path(self._tmp.name)
        for name, data in self.files.items():
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return root

    def __exit__(self, *exc: object) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()


def _job_device(plan: _Plan, root: Path, remote: bool) -> JobDevice:
    host = plan.host
    shipped = {} if remote and host.file is not None else host.vars  # cue reads the file
    return JobDevice(
        host.name, shipped, _relative(host.file, root) if host.file is not None else None,
        host.selector,
        tuple((g.level, g.value, _relative(g.path, root), g.package) for g in plan.groups),
        plan.file,
    )


def _host(device: JobDevice, root: Path) -> Host:
    file = root / device.file if device.file is not None else None
    return Host(device.name, device.vars, file, device.selector, "")


def _group(group: tuple[str, str, str, str | None], root: Path) -> GroupFile:
    level, value, path, package = group
    return GroupFile(level, value, root / path, "", package)


def _relative(path: Path, root: Path) -> str:
    if not path.is_relative_to(root):
        raise BuildError(
            f"{path} is outside the repository {root}: a build on a cluster ships the "
            "repository's files to the workers by their path inside it"
        )
    return str(path.relative_to(root))


def _files(
    executor: Executor, settings: Settings, jobs: Sequence[BuildJob]
) -> list[dict[str, Any]]:
    """Per job, the files it reads: its own inline, those of several jobs as shared handles."""
    root = settings.root
    common = sorted({*jobs[0].transforms, *_module_files(root, settings.output)})
    needed = [sorted({*common, *_device_files(job)}) for job in jobs]
    uses = Counter(name for names in needed for name in names)
    shared_names = sorted(n for n, c in uses.items() if c > 1)
    handles = dict(zip(shared_names, executor.share([_read(root, n) for n in shared_names]),
                       strict=True))
    return [{n: handles[n] if n in handles else _read(root, n) for n in names}
            for names in needed]


def _device_files(job: BuildJob) -> Iterator[str]:
    for device in job.devices:
        if device.file is not None:
            yield device.file
        yield from (g[2] for g in device.groups)


def _module_files(root: Path, output: Path) -> Iterator[str]:
    """The repository's own CUE: ``cue.mod`` and every ``.cue`` file (packages the
    transforms import), hidden folders and the output folder left out."""
    for folder, dirs, names in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and here / d != output)
        inside_mod = here.relative_to(root).parts[:1] == ("cue.mod",)
        for name in names:
            if inside_mod or name.endswith(".cue"):
                yield str((here / name).relative_to(root))


def _read(root: Path, name: str) -> bytes:
    try:
        return (root / name).read_bytes()
    except OSError as exc:
        raise BuildError(f"cannot read {root / name}: {exc.strerror or exc}") from None
