"""``build``: the fleet's configs from inventory, group variables and CUE transforms.

1. The inventory's devices are selected; each one's inputs (host variables,
   the group files that apply, the transforms, the schema build, the netdata
   version) are digested, and a device whose digest matches its entry in the
   previous ``build.json`` is left as it is (unless ``force``).
2. ``#Device`` is exported for the others in few cue runs against an open
   ``#Root`` (:mod:`netdata.build._evaluate`): the transforms' cost only.
3. As the runs finish, their configs are validated in chunks of
   :data:`CHUNK_SIZE` by the validator (``netdata validate``'s checks: the
   deduplicating cue vet against ``#Root``, leafrefs, ``when``) while further
   runs go on, and the valid ones encoded to RFC 7951 and written at once (on
   a cluster, their bytes go back to the coordinator, which writes them); then
   only the devices that failed are exported once more against the real
   ``#Root``, so cue's errors point into the user's files.
4. A failed device keeps its previous file and is marked failed in
   ``build.json``, which is written last.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from netdata._collector import collector_paused
from netdata._exceptions import BuildError
from netdata.build._cache import Cache, cache_state, read_cache
from netdata.build._evaluate import (
    CUE_ENV,
    SHARD_SIZE,
    Runner,
    SharedCue,
    evaluate,
    export_shards,
)
from netdata.build._jobs import Outcome, evaluate_on
from netdata.build._output import (
    device_text,
    read_document,
    read_manifest,
    write_atomically,
    write_manifest,
)
from netdata.build._overlay import Device, Overlay, open_overlay
from netdata.build._repository import (
    GroupFile,
    Groups,
    Host,
    load_groups,
    load_hosts,
    package_name,
    sha256,
    tree_digest,
)
from netdata.build._result import FAILED, OK, BuildResult, DeviceError, DeviceResult
from netdata.cue import Cue
from netdata.executor import Executor, open_executor
from netdata.inventory import Filters, device_file_names, safe_filename
from netdata.schema import SchemaBuild, build_schema, encode_rfc7951
from netdata.settings import Settings, load_settings
from netdata.validate import FileResult, validate_documents

_VALIDATE_ENV = {"GOGC": "200"}
"""The validator's ``cue vet`` keeps a bounded collector: its heap is not bounded by a shard
(the export's :data:`CUE_ENV` would make a heap above the limit collect continuously)."""
CHUNK_SIZE = 200
"""Most configs validated together while the exports go on (step 3). The validator
de-duplicates shapes across the documents of one call, so a smaller chunk costs more CPU per
device (per shard of 40: +7 %), while a chunk's configs, and those of the shards exported
ahead of it (``CHUNK_SIZE // SHARD_SIZE`` runs), are held at once, and the last chunk is
validated after the exports. 1,000 fabric leaves, load 3.3-6.3 (docs/build.md
"Performance"): the build's Python process peaked at 208 MB with 100, 233-238 with 200, 283
with 400 (350 for one chunk of all); the CPU did not differ beyond the load's noise
(77.6-88.2 s for one chunk, 79.7 / 82.5-85.5 / 82.3 s)."""


@dataclass(frozen=True)
class Selection:
    """Which devices to build: all filters must match; ``shard`` is (index from 1, count)."""

    devices: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    shard: tuple[int, int] | None = None
    changed: tuple[Path, ...] | None = None
    """Only the devices these files affect (host file, group files, transforms); None: all."""

    def matches(self, host: Host) -> bool:
        filters = Filters(self.roles, self.locations, self.tags, self.devices)
        if not filters.matches(host.vars):
            return False
        if self.shard is None:
            return True
        index, count = self.shard
        digest = hashlib.sha256(host.name.encode()).digest()
        return int.from_bytes(digest[:8], "big") % count == index - 1


@dataclass
class _Plan:
    """A device to evaluate."""

    host: Host
    groups: list[GroupFile]
    file: str
    digest: str


@collector_paused  # a build holds hundreds of configs: docs/build.md "Performance"
def build(
    settings: Settings | str | Path | None = None,
    *,
    selection: Selection | None = None,
    force: bool = False,
    jobs: int = 2,
    leafrefs: bool = True,
    schema: SchemaBuild | None = None,
    cue: Cue | None = None,
    executor: str | Executor | Any = None,
) -> BuildResult:
    """Build the configs of the repository's devices (see docs/build.md).

    ``settings`` is a :class:`Settings` or a folder to find them from (default:
    the current folder). Returns per device its status and errors; raises
    :class:`BuildError` (or another netdata error) only when nothing can be
    built: no transforms, an unreadable inventory file, a missing model folder.
    ``executor``: ``"local"``, ``"tcp://HOST:PORT"`` (a Dask scheduler) or a
    ``distributed.Client`` (default: the settings' ``executor``; docs/executor.md).
    """
    from netdata import __version__

    if not isinstance(settings, Settings):
        settings = load_settings(settings)
    selection = selection or Selection()
    schema = schema or build_schema(settings.models or None)
    runner_cue = cue or Cue()
    package, transforms = package_name(settings.transforms)
    module = settings.root / "cue.mod" / "module.cue"
    transforms_digest = tree_digest(
        [*transforms, *([module] if module.is_file() else [])], settings.root
    )
    schema_digest = sha256(schema.cue_file.read_bytes() + schema.meta_file.read_bytes())
    output = settings.output
    document = read_document(output)
    cache = read_cache(document, __version__)
    groups = load_groups(settings.groups)
    hosts, problems = load_hosts(settings.inventory, cache)
    problems = [*groups.problems, *problems, *_orphans(groups, hosts)]
    files, bad_names = device_file_names([h.name for h in hosts], ".json")
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BuildError(f"cannot create the output folder {output}: {exc.strerror}") from None
    previous = read_manifest(document)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    common = json.dumps([__version__, schema_digest, transforms_digest, leafrefs])
    results: dict[str, DeviceResult] = {}
    plans: list[_Plan] = []
    for host in hosts:
        if not selection.matches(host):
            continue
        applying, trouble = groups.applying(host)
        if not _affected(selection.changed, host, applying, settings, transforms):
            continue
        if host.name in bad_names:
            trouble.append(str(bad_names[host.name]))
        digest = sha256(
            json.dumps([common, host.digest, [(str(g.path), g.digest) for g in applying]]).encode()
        )
        if trouble:
            where = _files(host, applying, settings.root)
            errors = tuple(DeviceError("/", t, where) for t in trouble)
            results[host.name] = DeviceResult(
                host.name, FAILED, files.get(host.name), digest, None, stamp, host.summary(), errors
            )
            continue
        kept = previous.get(host.name)
        if not force and kept is not None and _up_to_date(kept, digest, output, cache):
            results[host.name] = kept
            continue
        plans.append(_Plan(host, applying, files[host.name], digest))
    chosen = executor if executor is not None else settings.executor
    with open_executor(chosen, jobs=jobs) as running:
        built = evaluate_on(running, settings, schema, runner_cue, package, transforms, plans,
                            leafrefs)
    for plan in plans:
        name = plan.host.name
        outcome = built[name]
        if not isinstance(outcome, list):
            if isinstance(outcome, bytes):  # from a cluster's worker
                write_atomically(output, plan.file, outcome)
                outcome = sha256(outcome)
            written = outcome
            cache.record_output(output / plan.file, written)
            results[name] = DeviceResult(
                name, OK, plan.file, plan.digest, written, stamp, plan.host.summary()
            )
        else:
            results[name] = DeviceResult(
                name, FAILED, plan.file, plan.digest, None, stamp, plan.host.summary(),
                tuple(outcome),
            )
    names = {h.name for h in hosts}
    manifest = {n: d for n, d in previous.items() if n in names}
    manifest.update(results)
    files_now = {str(output / d.file) for d in manifest.values() if d.file is not None}
    cache.outputs = {p: e for p, e in cache.outputs.items() if p in files_now}
    write_manifest(output, __version__, schema_digest, manifest, problems, cache_state(cache))
    return BuildResult(output, dict(sorted(results.items())), tuple(problems))


def _affected(
    changed: tuple[Path, ...] | None,
    host: Host,
    applying: Sequence[GroupFile],
    settings: Settings,
    transforms: Sequence[Path],
) -> bool:
    """Whether a change of the ``changed`` files can change the device's config."""
    if changed is None:
        return True
    everyone = {*transforms, settings.root / "cue.mod" / "module.cue"}
    if settings.file is not None:
        everyone.add(settings.file)
    mine = {*everyone, *(g.path for g in applying)}
    if host.file is not None:
        mine.add(host.file)
    return any(path.absolute() in mine for path in changed)


def _files(host: Host, applying: Sequence[GroupFile], root: Path) -> tuple[str, ...]:
    """The files a device's inputs come from, to name them in its errors."""
    paths = [host.file] if host.file is not None else []
    paths += [g.path for g in applying]
    return tuple(os.path.relpath(p, root) if p.is_relative_to(root) else str(p) for p in paths)


def _orphans(groups: Groups, hosts: Sequence[Host]) -> list[str]:
    """Host group files for devices the inventory does not list."""
    known = {safe_filename(h.name) for h in hosts if h.name}
    return [
        f"{g.path}: no device of the inventory has this file's name ({stem!r})"
        for (level, stem), found in groups.files.items()
        if level == "host" and stem not in known
        for g in found
    ]


def _up_to_date(kept: DeviceResult, digest: str, output: Path, cache: Cache) -> bool:
    """Whether a device's inputs are unchanged and its file still has its ``output_digest``
    (trusted from the cache when the file's stat identity is the recorded one)."""
    if kept.input_digest != digest:
        return False
    if kept.status != OK:
        return True
    if kept.file is None:
        return False
    path = output / kept.file
    recorded = cache.output_digest(path)
    if recorded is None:
        try:
            recorded = sha256(path.read_bytes())
        except OSError:
            return False
        cache.record_output(path, recorded)
    return recorded == kept.output_digest


def _evaluate_all(
    settings: Settings,
    schema: SchemaBuild,
    cue: Cue,
    package: str,
    transforms: list[Path],
    plans: list[_Plan],
    jobs: int,
    leafrefs: bool,
    store: Callable[[str, bytes], str] | None = None,
) -> dict[str, Outcome]:
    """Per device: its RFC 7951 file bytes, or its errors; with ``store`` (device name,
    bytes), what it returns for the bytes (the sha256 of the file it wrote)."""
    if not plans:
        return {}
    used = {g.path: g for p in plans for g in p.groups}.values()
    out: dict[str, Outcome] = {}
    slots = threading.Semaphore(max(1, jobs))  # the exports' and the validator's cue runs
    vet = SharedCue(slots, cue.binary, workdir=cue.workdir, timeout=cue.timeout,
                    env=_VALIDATE_ENV)
    invalid: dict[str, FileResult] = {}
    with open_overlay(settings.root, schema, used, check=False) as fast:
        runner = Runner(fast, package, transforms,
                        SharedCue(slots, cue.binary, workdir=fast.directory, env=CUE_ENV),
                        schema.schema)
        chunk: list[tuple[str, dict[str, Any]]] = []
        ahead = CHUNK_SIZE // SHARD_SIZE
        for part in export_shards(runner, _devices(fast, plans), jobs, ahead=ahead):
            out.update(part.errors)
            chunk += part.configs.items()
            if len(chunk) >= CHUNK_SIZE:
                invalid.update(_validate_chunk(chunk, schema, vet, leafrefs, jobs, out, store))
                chunk = []
        invalid.update(_validate_chunk(chunk, schema, vet, leafrefs, jobs, out, store))
    if invalid:
        with open_overlay(settings.root, schema, used, check=True) as check:
            runner = Runner(check, package, transforms,
                            Cue(cue.binary, workdir=check.directory, env=CUE_ENV), schema.schema)
            chosen = [p for p in plans if p.host.name in invalid]
            located = evaluate(runner, _devices(check, chosen), jobs)
        for name, verdict in invalid.items():
            out[name] = _merge(verdict.errors, located.errors.get(name, []))
    return out


def _validate_chunk(
    chunk: list[tuple[str, dict[str, Any]]],
    schema: SchemaBuild,
    cue: Cue,
    leafrefs: bool,
    jobs: int,
    out: dict[str, Outcome],
    store: Callable[[str, bytes], str] | None,
) -> dict[str, FileResult]:
    """Validate configs, put the valid ones' file bytes in ``out`` (or what ``store`` returns
    for them); the invalid ones' verdicts."""
    if not chunk:
        return {}
    verdicts = validate_documents(chunk, build=schema, form="authoring", leafrefs=leafrefs,
                                  jobs=jobs, cue=cue)
    invalid = {r.file: r for r in verdicts if not r.valid}
    for name, config in chunk:
        if name not in invalid:
            data = device_text(encode_rfc7951(config, schema.schema))
            out[name] = data if store is None else store(name, data)
    return invalid


def _devices(overlay: Overlay, plans: list[_Plan]) -> list[Device]:
    devices = []
    for plan in plans:
        host = plan.host
        if host.file is None:
            data = json.dumps({"hosts": {host.name: host.vars}}, indent=1).encode()
            data_file = overlay.add_data(plan.file, data)
        else:
            data_file = host.file
        devices.append(Device(host, plan.groups, data_file))
    return devices


def _merge(validated: Sequence[Any], located: list[DeviceError]) -> list[DeviceError]:
    """The validator's errors with the positions cue gave at the same path, then cue's others."""
    by_path: dict[str, list[DeviceError]] = {}
    for error in located:
        by_path.setdefault(error.path, []).append(error)
    merged = []
    for error in validated:
        positions = tuple(p for e in by_path.pop(error.path, []) for p in e.positions)
        merged.append(DeviceError(error.path, error.message, positions))
    merged += [e for errors in by_path.values() for e in errors]
    return merged



