"""The HTTP client: retries, Retry-After, errors, pagination (MockTransport, a real socket)."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from netdata import InventoryError
from netdata.inventory import Connection, Filters, NautobotGraphQLSource
from netdata.inventory._http import HttpClient

TOKEN = "s3cr3t-token-value"


def client(
    mock_conn: Any, handler: Any, sleeps: list[float] | None = None, **kw: Any
) -> HttpClient:
    record = sleeps if sleeps is not None else []
    return HttpClient(mock_conn(handler, **kw), sleep=record.append)


def paged(items: list[int], size: int) -> Any:
    """A handler serving ``items`` NetBox/Nautobot-style, ``size`` per page."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        offset = int(request.url.params.get("offset", 0))
        more = offset + size < len(items)
        nxt = str(request.url.copy_set_param("offset", offset + size)) if more else None
        results = [{"id": i} for i in items[offset : offset + size]]
        return httpx.Response(200, json={"count": len(items), "next": nxt, "results": results})

    handler.seen = seen  # type: ignore[attr-defined]
    return handler


@pytest.mark.parametrize(
    ("status", "hint"),
    [(401, "check the API token"), (403, "permissions"), (404, "check the URL")],
)
def test_client_errors_are_not_retried_and_never_show_the_token(
    mock_conn: Any, status: int, hint: str
) -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(status, json={"detail": f"Invalid token {TOKEN}"})

    with pytest.raises(InventoryError) as err, client(mock_conn, handler) as http:
        http.get_json(http.url("/api/dcim/devices/"))
    assert len(calls) == 1
    assert calls[0].headers["Authorization"] == f"Token {TOKEN}"
    message = str(err.value)
    assert f"HTTP {status}" in message and hint in message
    assert "https://sot.example.com/api/dcim/devices/" in message
    assert TOKEN not in message and "***" in message
    assert err.value.status == status


def test_500_then_success_is_retried_with_backoff(mock_conn: Any) -> None:
    answers = [httpx.Response(500, text="boom"), httpx.Response(200, json={"ok": 1})]
    sleeps: list[float] = []
    with client(mock_conn, lambda r: answers.pop(0), sleeps, backoff=0.5) as http:
        assert http.get_json(http.url("/x")) == {"ok": 1}
    assert len(sleeps) == 1 and 0.25 <= sleeps[0] <= 0.5
    assert answers == []


def test_429_honours_retry_after(mock_conn: Any) -> None:
    answers = [
        httpx.Response(429, headers={"Retry-After": "7"}),
        httpx.Response(503, headers={"Retry-After": "0"}),
        httpx.Response(200, json=[1]),
    ]
    sleeps: list[float] = []
    with client(mock_conn, lambda r: answers.pop(0), sleeps) as http:
        assert http.get_json(http.url("/x")) == [1]
    assert sleeps == [7.0, 0.0]


def test_retry_after_beyond_the_limit_is_an_error(mock_conn: Any) -> None:
    handler = lambda r: httpx.Response(429, headers={"Retry-After": "3600"})  # noqa: E731
    with pytest.raises(InventoryError, match="retry after 3600 s"), client(
        mock_conn, handler, max_retry_after=60
    ) as http:
        http.get_json(http.url("/x"))


def test_persistent_5xx_gives_up_after_the_retries(mock_conn: Any) -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(502)

    with pytest.raises(InventoryError, match="HTTP 502"), client(
        mock_conn, handler, retries=2
    ) as http:
        http.get_json(http.url("/x"))
    assert len(calls) == 3


def test_timeouts_are_retried_then_reported(mock_conn: Any) -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(InventoryError, match=r"timed out after 2 s \(3 attempts\)"), client(
        mock_conn, handler, retries=2, timeout=2
    ) as http:
        http.get_json(http.url("/x"))
    assert len(calls) == 3


@pytest.fixture
def slow_server() -> Iterator[str]:
    """A real loopback HTTP server that answers after 2 s."""

    class Slow(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(2)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_real_socket_timeout(slow_server: str) -> None:
    conn = Connection(url=slow_server, timeout=0.2, retries=0)
    start = time.monotonic()
    with pytest.raises(InventoryError, match=r"timed out after 0\.2 s"), HttpClient(conn) as http:
        http.get_json(http.url("/api/status/"))
    assert time.monotonic() - start < 1.5


def test_connection_refused_is_a_clear_error() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    conn = Connection(url=f"http://127.0.0.1:{port}", retries=1, backoff=0)
    with pytest.raises(InventoryError, match=r"GET http://127.0.0.1:\d+/x: .*\(2 attempts\)"), \
            HttpClient(conn) as http:
        http.get_json(http.url("/x"))


def test_non_json_body(mock_conn: Any) -> None:
    handler = lambda r: httpx.Response(  # noqa: E731
        200, text="<html>login</html>", headers={"Content-Type": "text/html"}
    )
    with pytest.raises(InventoryError, match=r"not JSON \(text/html\): '<html>login</html>'"), \
            client(mock_conn, handler) as http:
        http.get_json(http.url("/x"))


def test_credentials_in_the_url_are_refused_without_echoing_them() -> None:
    with pytest.raises(InventoryError) as err:
        HttpClient(Connection(url="https://admin:hunter2@sot.example.com"))
    assert "hunter2" not in str(err.value) and "must not contain credentials" in str(err.value)


def test_missing_ca_bundle_is_named(tmp_path: Any) -> None:
    missing = tmp_path / "ca.pem"
    with pytest.raises(InventoryError, match=f"cannot load the CA bundle {missing}"):
        HttpClient(Connection(url="https://sot.example.com", ca_bundle=str(missing)))


def test_pages_are_fetched_concurrently_in_order(mock_conn: Any) -> None:
    handler = paged(list(range(23)), 5)
    with client(mock_conn, handler, page_size=5) as http:
        results = http.get_all("/api/x/", {"role": ["leaf", "spine"]})
    assert [r["id"] for r in results] == list(range(23))
    offsets = sorted(int(r.url.params.get("offset", 0)) for r in handler.seen)
    assert offsets == [0, 5, 10, 15, 20]
    assert all(r.url.params.get_list("role") == ["leaf", "spine"] for r in handler.seen)


def test_a_list_can_ask_for_larger_pages_than_the_connection(mock_conn: Any) -> None:
    handler = paged(list(range(23)), 10)
    with client(mock_conn, handler, page_size=5) as http:
        results = http.get_all("/api/x/", {}, page_size=10)
    assert [r["id"] for r in results] == list(range(23))
    assert sorted(int(r.url.params.get("offset", 0)) for r in handler.seen) == [0, 10, 20]
    assert {r.url.params["limit"] for r in handler.seen} == {"10"}


def test_next_pointing_to_itself_is_a_loop(mock_conn: Any) -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, json={"count": 9, "next": str(request.url), "results": [{}]})

    with pytest.raises(InventoryError, match="pagination loop"), client(mock_conn, handler) as h:
        h.get_all("/api/x/")
    assert len(calls) == 1


def test_cursor_pages_are_followed_and_loops_back_detected(mock_conn: Any) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        cursor = request.url.params.get("cursor", "a")
        nxt = {"a": "b", "b": "c", "c": "a"}[cursor]
        url = f"https://sot.example.com/api/x/?cursor={nxt}"
        return httpx.Response(200, json={"next": url, "results": [{"c": cursor}]})

    with pytest.raises(InventoryError, match="pagination loop"), client(mock_conn, handler) as h:
        h.get_all("/api/x/", {"cursor": "a"})


def test_next_on_another_host_stays_on_ours(mock_conn: Any) -> None:
    hosts: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        hosts.append(request.url.host)
        if request.url.params.get("page") == "2":
            return httpx.Response(200, json={"next": None, "results": [2]})
        nxt = "http://evil.example.net/api/x/?page=2"
        return httpx.Response(200, json={"next": nxt, "results": [1]})

    with client(mock_conn, handler) as http:
        assert http.get_all("/api/x/") == [1, 2]
    assert hosts == ["sot.example.com", "sot.example.com"]


def test_count_mismatch_is_an_error(mock_conn: Any) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params.get("offset", 0))
        nxt = "https://sot.example.com/api/x/?limit=2&offset=2" if offset == 0 else None
        results = [{"id": 1}, {"id": 2}] if offset == 0 else [{"id": 3}]
        return httpx.Response(200, json={"count": 5, "next": nxt, "results": results})

    with pytest.raises(InventoryError, match="announced 5 results but returned 4"), \
            client(mock_conn, handler, page_size=2) as http:
        http.get_all("/api/x/")


def test_graphql_errors_array(mock_conn: Any) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={"data": None, "errors": [{"message": "Cannot query field 'bogus'"}]},
        )

    source = NautobotGraphQLSource(mock_conn(handler), query="{ devices { bogus } }")
    with pytest.raises(InventoryError, match="GraphQL errors in the GraphQL query: Cannot query"):
        source.fetch(Filters())


def test_graphql_filters_are_variables_not_text(mock_conn: Any) -> None:
    bodies: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(request.content)
        return httpx.Response(200, json={"data": {"devices": []}})

    evil = 'leaf") { id } }  # '
    NautobotGraphQLSource(mock_conn(handler)).fetch(Filters(roles=(evil,)))
    import json

    body = json.loads(bodies[0])
    assert body["variables"] == {"role": [evil]}
    assert evil not in body["query"]


def test_custom_query_without_the_filter_variable_is_refused(mock_conn: Any) -> None:
    source = NautobotGraphQLSource(mock_conn(lambda r: httpx.Response(500)),
                                   query="{ devices { name } }")
    with pytest.raises(InventoryError, match=r"does not declare the variable \$tag"):
        source.fetch(Filters(tags=("evpn",)))


def test_graphql_answer_without_devices(mock_conn: Any) -> None:
    handler = lambda r: httpx.Response(200, json={"data": {"things": []}})  # noqa: E731
    with pytest.raises(InventoryError, match="must select a list of devices as 'devices'"):
        NautobotGraphQLSource(mock_conn(handler)).fetch(Filters())


@pytest.fixture(scope="module")
def tls_server(tls_cert: tuple[Path, Path]) -> Iterator[tuple[str, str]]:
    """A real HTTPS server on loopback with a fresh self-signed CA: (url, ca_bundle)."""
    import ssl

    cert_file, key_file = tls_cert
    class Hello(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b'{"hello": "tls"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}", str(cert_file)
    server.shutdown()
    server.server_close()


def test_tls_is_verified_by_default(tls_server: tuple[str, str]) -> None:
    url, _ = tls_server
    sleeps: list[float] = []
    with pytest.raises(InventoryError, match=r"certificate is not trusted.*--ca-bundle"), \
            HttpClient(Connection(url=url, retries=3), sleep=sleeps.append) as http:
        http.get_json(http.url("/x"))
    assert sleeps == []  # not retried: retrying cannot fix trust


def test_ca_bundle_and_insecure(tls_server: tuple[str, str]) -> None:
    url, ca = tls_server
    with HttpClient(Connection(url=url, ca_bundle=ca)) as http:
        assert http.get_json(http.url("/x")) == {"hello": "tls"}
    with HttpClient(Connection(url=url, verify=False)) as http:
        assert http.get_json(http.url("/x")) == {"hello": "tls"}
