"""Against a real NetBox 4.6.8 on loopback: seed the fabric over REST, read it back."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from inventory_cli_check import check_cli_files_feed_cue_export
from inventory_fabric import Fabric, expected_hosts
from inventory_netbox_harness import NetBoxServer

from netdata import InventoryError
from netdata.inventory import (
    Connection,
    Filters,
    NetBoxGraphQLSource,
    NetBoxRESTSource,
    fetch_inventory,
)

REPO = Path(__file__).resolve().parents[2]
SOURCES = {"rest": NetBoxRESTSource, "graphql": NetBoxGraphQLSource}
EXPECTED = expected_hosts(status="active")  # NetBox's status is a choice value


def conn(server: NetBoxServer, **kw: Any) -> Connection:
    kw.setdefault("token", server.token)
    return Connection(url=server.url, **kw)


class Recording(httpx.HTTPTransport):
    """The real network, remembering each request and the status of its answer."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[httpx.Request, int]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        self.seen.append((request, response.status_code))
        return response


@pytest.mark.parametrize("kind", SOURCES)
def test_fabric_reads_back_exactly(netbox: NetBoxServer, netbox_fabric: Fabric, kind: str) -> None:
    # page_size=2: REST and GraphQL read the 3 devices in more than one page
    recording = Recording()
    hosts = fetch_inventory(SOURCES[kind](conn(netbox, page_size=2, transport=recording)))
    assert hosts == EXPECTED
    device_pages = [r for r, _ in recording.seen
                    if r.url.path in ("/api/dcim/devices/", "/graphql/")]
    assert len(device_pages) >= 2
    # a v2 token is sent as NetBox 4.5+ wants it
    assert all(r.headers["Authorization"] == f"Bearer {netbox.token}"
               for r, _ in recording.seen)


@pytest.mark.parametrize("kind", SOURCES)
def test_v1_token(netbox: NetBoxServer, netbox_fabric: Fabric, kind: str) -> None:
    recording = Recording()
    hosts = fetch_inventory(SOURCES[kind](conn(netbox, token=netbox.v1_token,
                                               transport=recording)))
    assert hosts == EXPECTED
    assert {r.headers["Authorization"] for r, _ in recording.seen} == {
        f"Token {netbox.v1_token}"
    }


@pytest.mark.parametrize("kind", SOURCES)
@pytest.mark.parametrize(
    ("filters", "names"),
    [
        (Filters(roles=("leaf",)), ["leaf1", "leaf2"]),
        (Filters(tags=("core",)), ["spine1"]),
        # any of the tags (NetBox's REST tag filter alone would ask for all of them)
        (Filters(tags=("evpn", "core")), ["leaf1", "spine1"]),
        (Filters(names=("leaf2", "spine1")), ["leaf2", "spine1"]),
        (Filters(locations=("lab1",), roles=("spine",)), ["spine1"]),
        (Filters(roles=("leaf", "spine"), tags=("evpn",)), ["leaf1", "spine1"]),
        (Filters(names=("no-such-device",)), []),
    ],
)
def test_filters(
    netbox: NetBoxServer, netbox_fabric: Fabric, kind: str, filters: Filters, names: list[str]
) -> None:
    hosts = fetch_inventory(SOURCES[kind](conn(netbox, page_size=1)), filters)
    assert list(hosts) == names
    assert all(hosts[n] == EXPECTED[n] for n in names)


def test_unknown_slug_rest_reports_netboxs_reason_graphql_matches_nothing(
    netbox: NetBoxServer, netbox_fabric: Fabric
) -> None:
    with pytest.raises(InventoryError, match=r"HTTP 400.*nonexistent is not one of the available"):
        NetBoxRESTSource(conn(netbox)).fetch(Filters(roles=("nonexistent",)))
    assert NetBoxGraphQLSource(conn(netbox)).fetch(Filters(roles=("nonexistent",))) == []


def test_graphql_filters_are_variables_not_text(
    netbox: NetBoxServer, netbox_fabric: Fabric
) -> None:
    evil = 'leaf"}}) { id } } #'
    recording = Recording()
    source = NetBoxGraphQLSource(conn(netbox, transport=recording))
    assert source.fetch(Filters(roles=(evil,))) == []
    body = json.loads(recording.seen[0][0].content)
    assert body["variables"]["role"] == [evil] and evil not in body["query"]


@pytest.fixture
def spine_context(netbox: NetBoxServer, netbox_fabric: Fabric) -> Iterator[dict[str, Any]]:
    """A config context for the spine role only, heavier than the fabric's "ntp" one."""
    data = {"bgp": {"asn": 65000}, "ntp": ["192.0.2.99"]}
    made = netbox.api("POST", "/api/extras/config-contexts/", {
        "name": "spines", "weight": 200, "roles": [netbox_fabric.ids["role"]["spine"]],
        "data": data,
    })
    assert isinstance(made, dict)
    yield data
    netbox.api("DELETE", f"/api/extras/config-contexts/{made['id']}/")


@pytest.mark.parametrize("kind", SOURCES)
def test_config_contexts_are_rendered_by_netbox(
    netbox: NetBoxServer, spine_context: dict[str, Any], kind: str
) -> None:
    hosts = fetch_inventory(SOURCES[kind](conn(netbox)))
    # weight 200 wins over the global context's ntp; the device's local data comes last
    assert hosts["spine1"]["config_context"] == {
        "ntp": ["192.0.2.99"], "syslog": {"host": "192.0.2.251"}, "bgp": {"asn": 65000},
    }
    assert hosts["leaf1"]["config_context"] == EXPECTED["leaf1"]["config_context"]
    assert hosts["leaf2"] == EXPECTED["leaf2"]


@pytest.mark.parametrize("kind", SOURCES)
@pytest.mark.parametrize(
    "bad", ["0123456789abcdef0123456789abcdef01234567", "nbt_AbCdEf123456.s3cr3tv4lu3"]
)
def test_bad_token_is_refused_and_not_echoed(netbox: NetBoxServer, kind: str, bad: str) -> None:
    with pytest.raises(InventoryError) as err:
        SOURCES[kind](conn(netbox, token=bad)).fetch(Filters())
    assert err.value.status == 403
    assert "check the API token" in str(err.value)
    if kind == "rest":  # NetBox's reason (its GraphQL view answers 403 without one)
        assert "Invalid v" in str(err.value)
    assert bad not in str(err.value) and bad.split(".")[-1] not in str(err.value)
    with pytest.raises(InventoryError, match="no API token was given"):
        SOURCES[kind](conn(netbox, token=None)).fetch(Filters())


@pytest.mark.parametrize("kind", SOURCES)
def test_wrong_base_url_is_404_with_a_hint(netbox: NetBoxServer, kind: str) -> None:
    source = SOURCES[kind](Connection(url=netbox.url + "/netbox", token=netbox.token))
    with pytest.raises(InventoryError, match=r"HTTP 404.*check the URL") as err:
        source.fetch(Filters())
    assert err.value.status == 404 and netbox.token not in str(err.value)


@contextlib.contextmanager
def database_down(server: NetBoxServer, for_seconds: float | None = None) -> Iterator[None]:
    """PostgreSQL stopped under the running NetBox (which then answers 500), for
    ``for_seconds`` or until the block ends."""
    server.stop_database()
    timer = None if for_seconds is None else threading.Timer(for_seconds, server.start_database)
    if timer is not None:
        timer.start()
    try:
        yield
    finally:
        if timer is None:
            server.start_database()
        else:
            timer.join()


@pytest.mark.parametrize("kind", SOURCES)
def test_5xx_is_retried_until_netbox_recovers(
    netbox: NetBoxServer, netbox_fabric: Fabric, kind: str
) -> None:
    recording = Recording()
    # backoff 1 s doubling: the retries span well over the 2 s the database is down
    source = SOURCES[kind](conn(netbox, retries=6, backoff=1.0, transport=recording))
    with database_down(netbox, for_seconds=2.0):
        hosts = fetch_inventory(source)
    assert hosts == EXPECTED
    statuses = [status for _, status in recording.seen]
    assert 500 in statuses and statuses[-1] == 200


@pytest.mark.parametrize("kind", SOURCES)
def test_persistent_5xx_gives_up_after_the_retries(
    netbox: NetBoxServer, netbox_fabric: Fabric, kind: str
) -> None:
    recording = Recording()
    source = SOURCES[kind](conn(netbox, retries=2, backoff=0.0, transport=recording))
    with database_down(netbox), pytest.raises(InventoryError, match="HTTP 500") as err:
        source.fetch(Filters())
    assert [status for _, status in recording.seen] == [500, 500, 500]
    assert err.value.status == 500 and netbox.token not in str(err.value)


@pytest.mark.parametrize("kind", SOURCES)
def test_timeouts_are_retried_then_reported(netbox: NetBoxServer, kind: str) -> None:
    # NetBox takes far longer than 5 ms to list devices
    source = SOURCES[kind](conn(netbox, timeout=0.005, retries=1, backoff=0.0))
    with pytest.raises(InventoryError, match=r"timed out after 0\.005 s \(2 attempts\)") as err:
        source.fetch(Filters())
    assert netbox.token not in str(err.value)


@pytest.fixture(scope="module")
def netbox_https(netbox: NetBoxServer, tls_cert: tuple[Path, Path]) -> str:
    """The test NetBox served over HTTPS with a certificate of a fresh private CA."""
    return netbox.start_https(*tls_cert)


@pytest.mark.parametrize("kind", SOURCES)
def test_tls_is_verified(
    netbox: NetBoxServer, netbox_fabric: Fabric, netbox_https: str, tls_cert: tuple[Path, Path],
    kind: str,
) -> None:
    untrusted = SOURCES[kind](Connection(url=netbox_https, token=netbox.token, retries=3))
    with pytest.raises(InventoryError, match=r"certificate is not trusted.*--ca-bundle"):
        untrusted.fetch(Filters())
    ca = str(tls_cert[0])
    trusted = SOURCES[kind](Connection(url=netbox_https, token=netbox.token, ca_bundle=ca))
    assert fetch_inventory(trusted) == EXPECTED
    insecure = SOURCES[kind](Connection(url=netbox_https, token=netbox.token, verify=False))
    assert fetch_inventory(insecure, Filters(names=("leaf1",))) == {"leaf1": EXPECTED["leaf1"]}


def test_custom_query_file(netbox: NetBoxServer, netbox_fabric: Fabric) -> None:
    query = REPO / "inventory" / "netbox-underlay.graphql"
    source = NetBoxGraphQLSource(conn(netbox, page_size=1), query=query)
    hosts = fetch_inventory(source, Filters(roles=("leaf",)))
    assert list(hosts) == ["leaf1", "leaf2"]
    leaf1 = hosts["leaf1"]
    assert leaf1["role"] == "leaf" and leaf1["location"] == "lab1"
    assert leaf1["driver"] == {"slug": "eos"}
    assert leaf1["interfaces"]["Loopback0"] == {
        "type": "virtual", "enabled": True,
        "ip_addresses": ["192.0.2.11/32", "2001:db8::11/128"],
    }
    with pytest.raises(InventoryError, match=r"does not declare the variable \$tag"):
        source.fetch(Filters(tags=("evpn",)))
    unpaged = NetBoxGraphQLSource(conn(netbox), query="{ devices: device_list { name } }")
    with pytest.raises(InventoryError, match=r"must declare \$offset and \$limit"):
        unpaged.fetch(Filters())


def test_graphql_errors_are_reported(netbox: NetBoxServer) -> None:
    query = ("query q($offset: Int, $limit: Int) { devices: device_list("
             "pagination: {offset: $offset, limit: $limit}) { name bogus } }")
    with pytest.raises(InventoryError, match=r"GraphQL errors in the GraphQL query: .*bogus"):
        NetBoxGraphQLSource(conn(netbox), query=query).fetch(Filters())


def test_cli_files_feed_cue_export(
    netbox: NetBoxServer, netbox_fabric: Fabric, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    check_cli_files_feed_cue_export(
        netbox.url, netbox.token, "NETDATA_NETBOX", ("netbox-graphql", "netbox"), EXPECTED,
        tmp_path, monkeypatch, capsys,
    )
