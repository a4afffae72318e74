"""Fixtures of the example tests: examples/fabric built once per session by `netdata.build`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from netdata.build import BuildResult, build
from netdata.schema import SchemaBuild, build_schema, decode_rfc7951
from netdata.settings import load_settings

FABRIC = Path(__file__).resolve().parents[2] / "examples" / "fabric"


@pytest.fixture(scope="session")
def schema(models: Path) -> SchemaBuild:
    return build_schema(models)


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
