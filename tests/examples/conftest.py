"""Fixtures of the example tests: examples/fabric built once per session by `netdata.build`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from netdata.build import BuildResult, build
from netdata.inventory import FileSource, fetch_inventory
from netdata.schema import SchemaBuild, build_schema, decode_rfc7951
from netdata.settings import load_settings

HERE = Path(__file__).resolve().parent
FABRIC = HERE.parents[1] / "examples" / "fabric"
# --import-mode=importlib does not put test folders on sys.path: the Nautobot harness and seed.
sys.path[:0] = [str(HERE), str(HERE.parent / "inventory")]


@pytest.fixture(scope="session")
def schema(models: Path) -> SchemaBuild:
    return build_schema(models)


@pytest.fixture(scope="session")
def hosts() -> dict[str, dict[str, Any]]:
    """The example's host variables, read by the inventory's file source."""
    return fetch_inventory(FileSource(FABRIC / "inventory" / "hosts.yaml"))


@pytest.fixture(scope="session")
def fabric_output(schema: SchemaBuild, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The build output folder of the example (written outside the source tree)."""
    output = tmp_path_factory.mktemp("fabric-build")
    result: BuildResult = build(load_settings(FABRIC).replace(output=output), schema=schema)
    assert result.ok, [d.text() for d in result.devices.values() if not d.ok] or result.problems
    return output


@pytest.fixture(scope="session")
def wire(fabric_output: Path) -> dict[str, Any]:
    """Each device's RFC 7951 config, as the build wrote it."""
    manifest = json.loads((fabric_output / "build.json").read_text())
    return {name: json.loads((fabric_output / entry["file"]).read_text())
            for name, entry in manifest["devices"].items()}


@pytest.fixture(scope="session")
def authoring(wire: dict[str, Any], schema: SchemaBuild) -> dict[str, Any]:
    """The same configs decoded to the authoring form (lists as maps keyed by key)."""
    trees = {}
    for name, document in wire.items():
        tree, problems = decode_rfc7951(document, schema.schema)
        assert problems == [], name
        trees[name] = tree
    return trees
