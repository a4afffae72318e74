"""The embedded demo: a small fleet run through the pipeline stages that exist.

inventory (the file source, on the embedded ``hosts.yaml``) → build (one
``cue export`` of the host variables with the embedded transform ``fleet.cue``)
→ validate (against the schema compiled from the pinned YANG models) → encode
(RFC 7951, the JSON_IETF payload a gNMI Set carries).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from netdata.cue import Cue
from netdata.inventory import FileSource, fetch_inventory, hosts_document
from netdata.schema import build_schema, encode_rfc7951
from netdata.validate import FileResult, validate_documents


@dataclass(frozen=True)
class DemoResult:
    """Per device: the validation verdict, and the RFC 7951 config when valid."""

    results: tuple[FileResult, ...]
    wire: dict[str, dict[str, Any]]

    @property
    def valid(self) -> bool:
        return all(r.valid for r in self.results)


def run_demo(*, models: str | Path | None = None, cue: Cue | None = None) -> DemoResult:
    """Run the embedded fleet through inventory, build, validate and encode.

    ``models`` is the YANG model folder (default: ``NETDATA_YANG_PATH`` or the
    copy installed by ``netdata models fetch``).
    """
    folder = resources.files(__name__)
    with resources.as_file(folder.joinpath("hosts.yaml")) as hosts_file:
        hosts = fetch_inventory(FileSource(hosts_file))
    runner = cue if cue is not None else Cue()
    devices: dict[str, Any] = runner.export_json(
        expression="devices",
        stdin=json.dumps(hosts_document(hosts)),
        files={"fleet.cue": folder.joinpath("fleet.cue").read_text("utf-8")},
    )
    build = build_schema(models)
    results = validate_documents(list(devices.items()), build=build, form="authoring", cue=runner)
    wire = {r.file: encode_rfc7951(devices[r.file], build.schema) for r in results if r.valid}
    return DemoResult(tuple(results), wire)
