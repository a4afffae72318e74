"""Fixtures of the example tests: the example fabric, built once per session."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from netdata.cue import Cue
from netdata.schema import SchemaBuild, build_schema, encode_rfc7951

REPO = Path(__file__).resolve().parents[2]
FABRIC = REPO / "examples" / "fabric"
# --import-mode=importlib does not put other folders on sys.path; the fleet module lives in bench/.
sys.path.insert(0, str(REPO / "bench"))

import fleet  # noqa: E402


@pytest.fixture(scope="session")
def schema(models: Path) -> SchemaBuild:
    return build_schema(models)


def evaluate(repo: Path, hosts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Each device's config in authoring form: one `cue export` of the repository's transforms."""
    transforms = sorted(str(p.relative_to(repo)) for p in (repo / "transforms").glob("*.cue"))
    program = fleet.device_program(repo, hosts, fleet.package_name(repo / "transforms"))
    configs: dict[str, Any] = Cue(workdir=repo).export_json(
        transforms, expression="out", files={"devices.cue": program}
    )
    return configs


@pytest.fixture(scope="session")
def hosts() -> dict[str, dict[str, Any]]:
    """The example's host variables, read by the inventory's file source."""
    from netdata.inventory import FileSource, fetch_inventory

    return fetch_inventory(FileSource(FABRIC / "inventory" / "hosts.yaml"))


@pytest.fixture(scope="session")
def authoring(hosts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return evaluate(FABRIC, hosts)


@pytest.fixture(scope="session")
def wire(authoring: dict[str, Any], schema: SchemaBuild) -> dict[str, Any]:
    """The example's configs in RFC 7951, as the build writes them."""
    return {name: encode_rfc7951(tree, schema.schema) for name, tree in authoring.items()}
