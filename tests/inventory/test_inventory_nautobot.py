"""Against a real Nautobot 3.2.7 on loopback: seed a fabric over REST, read it back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from inventory_cli_check import check_cli_files_feed_cue_export
from inventory_fabric import Fabric, expected_hosts
from inventory_nautobot_harness import NautobotServer

from netdata import InventoryError
from netdata.inventory import (
    Connection,
    Filters,
    NautobotGraphQLSource,
    NautobotRESTSource,
    fetch_inventory,
)

REPO = Path(__file__).resolve().parents[2]
SOURCES = {"graphql": NautobotGraphQLSource, "rest": NautobotRESTSource}


def conn(server: NautobotServer, **kw: Any) -> Connection:
    return Connection(url=server.url, token=server.token, **kw)


@pytest.mark.parametrize("kind", SOURCES)
def test_fabric_reads_back_exactly(nautobot: NautobotServer, fabric: Fabric, kind: str) -> None:
    # page_size=2 makes REST page (and fetch pages concurrently) even on this small fabric
    hosts = fetch_inventory(SOURCES[kind](conn(nautobot, page_size=2)))
    assert hosts == expected_hosts()


@pytest.mark.parametrize("kind", SOURCES)
@pytest.mark.parametrize(
    ("filters", "names"),
    [
        (Filters(roles=("leaf",)), ["leaf1", "leaf2"]),
        (Filters(tags=("core",)), ["spine1"]),
        (Filters(names=("leaf2", "spine1")), ["leaf2", "spine1"]),
        (Filters(locations=("lab1",), roles=("spine",)), ["spine1"]),
        (Filters(names=("no-such-device",)), []),
    ],
)
def test_filters(
    nautobot: NautobotServer, fabric: Fabric, kind: str, filters: Filters, names: list[str]
) -> None:
    hosts = fetch_inventory(SOURCES[kind](conn(nautobot)), filters)
    assert list(hosts) == names
    assert all(hosts[n] == expected_hosts()[n] for n in names)


@pytest.mark.parametrize("kind", SOURCES)
def test_unknown_role_is_reported_with_nautobots_reason(
    nautobot: NautobotServer, fabric: Fabric, kind: str
) -> None:
    # Nautobot rejects an unknown role name (it does not match nothing)
    with pytest.raises(InventoryError, match="nonexistent-role is not one of the available"):
        SOURCES[kind](conn(nautobot)).fetch(Filters(roles=("nonexistent-role",)))


def test_custom_query_file(nautobot: NautobotServer, fabric: Fabric) -> None:
    query = REPO / "inventory" / "nautobot-underlay.graphql"
    source = NautobotGraphQLSource(conn(nautobot), query=query)
    hosts = fetch_inventory(source, Filters(roles=("leaf",)))
    assert list(hosts) == ["leaf1", "leaf2"]
    leaf1 = hosts["leaf1"]
    assert leaf1["role"] == "leaf" and leaf1["driver"] == {"network_driver": "arista_eos"}
    assert leaf1["rack_unit"] == 12 and "rack_unit" not in hosts["leaf2"]
    assert leaf1["interfaces"]["Loopback0"] == {
        "type": "virtual", "enabled": True,
        "ip_addresses": ["192.0.2.11/32", "2001:db8::11/128"],
    }
    with pytest.raises(InventoryError, match=r"does not declare the variable \$tag"):
        source.fetch(Filters(tags=("evpn",)))


@pytest.mark.parametrize("kind", SOURCES)
def test_bad_token_is_refused_and_not_echoed(nautobot: NautobotServer, kind: str) -> None:
    bad = "0123456789abcdef0123456789abcdef01234567"
    with pytest.raises(InventoryError) as err:
        SOURCES[kind](Connection(url=nautobot.url, token=bad)).fetch(Filters())
    assert err.value.status in (401, 403)
    assert "check the API token" in str(err.value)
    assert bad not in str(err.value)
    with pytest.raises(InventoryError, match="no API token was given"):
        SOURCES[kind](Connection(url=nautobot.url)).fetch(Filters())


def test_cli_files_feed_cue_export(
    nautobot: NautobotServer, fabric: Fabric, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    check_cli_files_feed_cue_export(
        nautobot.url, nautobot.token, "NETDATA_NAUTOBOT", ("nautobot-graphql", "nautobot-rest"),
        expected_hosts(), tmp_path, monkeypatch, capsys,
    )
