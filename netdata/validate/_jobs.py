"""Validation on an executor: documents in chunks, each a job on plain data (docs/executor.md).

With the local executor the documents are validated together, here (the
validator's de-duplication shares most across many documents); on a
cluster, chunks of ``CHUNK`` documents go to the workers with the schema as
a bundle (by content digest, cached per worker).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from netdata.cue import Cue
from netdata.executor import Bundle, Executor, bundle_path, on_worker
from netdata.schema import SchemaBuild
from netdata.validate._validate import FileResult, validate_documents

CHUNK = 100
SCHEMA_FILES = ("schema.cue", "defaults.cue", "meta.json", "coverage.json")
"""What a worker needs of the schema build (schema.json is for editors only)."""


def validate_on(
    executor: Executor,
    documents: Sequence[tuple[str, Any]],
    build: SchemaBuild,
    form: str,
    leafrefs: bool,
    cue: Cue | None,
) -> list[FileResult]:
    """:func:`validate_documents` of ``documents``, on the executor's workers when remote."""
    if not executor.remote:
        return validate_documents(
            documents, build=build, form=form, leafrefs=leafrefs, jobs=executor.jobs, cue=cue
        )
    bundle = schema_bundle(executor, build)
    chunks = [list(documents[i : i + CHUNK]) for i in range(0, len(documents), CHUNK)]
    items = [(chunk, bundle, build.checksum, form, leafrefs) for chunk in chunks]
    results: list[list[FileResult]] = [[] for _ in chunks]
    for index, found in executor.run(_validate_chunk, items):
        results[index] = found
    return [r for chunk in results for r in chunk]


def schema_bundle(executor: Executor, build: SchemaBuild) -> Bundle:
    """The files of ``build`` a worker needs, as a bundle."""
    names = [n for n in SCHEMA_FILES if (build.directory / n).is_file()]
    return executor.bundle(build.directory, names)


def _validate_chunk(item: tuple[list[tuple[str, Any]], Bundle, str, str, bool]) -> list[FileResult]:
    documents, bundle, checksum, form, leafrefs = item
    cue = on_worker(Cue)
    build = SchemaBuild(bundle_path(bundle), checksum)
    return validate_documents(documents, build=build, form=form, leafrefs=leafrefs, jobs=1,
                              cue=cue)
