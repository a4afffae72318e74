"""The example fabric seeded into a real Nautobot: fetched over GraphQL it is the file inventory,
and built from Nautobot its configs are byte-identical to the build from the file."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fabric_nautobot_seed import seed_hosts
from inventory_nautobot_harness import NautobotServer

from netdata.build import build
from netdata.inventory import Connection, NautobotGraphQLSource, fetch_inventory
from netdata.schema import SchemaBuild
from netdata.settings import load_settings

FABRIC = Path(__file__).resolve().parents[2] / "examples" / "fabric"


@pytest.fixture(scope="module")
def nautobot_fabric(hosts: dict[str, dict[str, Any]]) -> Iterator[NautobotServer]:
    """A Nautobot of its own (the inventory tests' one holds their fabric), seeded from the file."""
    with NautobotServer() as server:
        seed_hosts(server, hosts)
        yield server


def test_graphql_fetch_is_the_file_inventory(
    nautobot_fabric: NautobotServer, hosts: dict[str, dict[str, Any]]
) -> None:
    source = NautobotGraphQLSource(Connection(url=nautobot_fabric.url, token=nautobot_fabric.token))
    fetched = fetch_inventory(source)
    assert fetched == hosts
    # the same order too (interfaces in Nautobot's natural order), so builds can be byte-identical
    assert [list(h["interfaces"]) for h in fetched.values()] == [
        list(h["interfaces"]) for h in hosts.values()]


def test_build_from_nautobot_is_byte_identical(
    nautobot_fabric: NautobotServer, fabric_output: Path, schema: SchemaBuild,
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    repo = tmp_path / "fabric"
    shutil.copytree(FABRIC, repo, ignore=shutil.ignore_patterns("inventory", "build"))
    (repo / "netdata.yaml").write_text(
        f"inventory: {{source: nautobot-graphql, url: '{nautobot_fabric.url}'}}\n")
    monkeypatch.setenv("NETDATA_NAUTOBOT_TOKEN", nautobot_fabric.token)
    result = build(load_settings(repo), schema=schema)
    assert result.ok, result.as_dict()
    expected = sorted(p.name for p in fabric_output.glob("*.json") if p.name != "build.json")
    built = sorted(p.name for p in (repo / "build").glob("*.json") if p.name != "build.json")
    assert built == expected == [f"{n}.json" for n in sorted(result.devices)]
    for name in expected:
        assert (repo / "build" / name).read_bytes() == (fabric_output / name).read_bytes(), name
