"""Fixtures of the inventory tests: a real Nautobot (session-scoped) and HTTP doubles."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from netdata.inventory import Connection

HERE = Path(__file__).parent
DATA = HERE / "data"
# --import-mode=importlib does not put test folders on sys.path; the helpers live here.
sys.path.insert(0, str(HERE))

from inventory_nautobot_harness import NautobotServer  # noqa: E402
from inventory_nautobot_seed import Fabric, seed_fabric  # noqa: E402


@pytest.fixture(scope="session")
def nautobot() -> Iterator[NautobotServer]:
    """A real Nautobot 3.2.7 on loopback (first run: pip install + migrate, minutes)."""
    with NautobotServer() as server:
        yield server


@pytest.fixture(scope="session")
def fabric(nautobot: NautobotServer) -> Fabric:
    """A small leaf/spine fabric seeded through Nautobot's REST API."""
    return seed_fabric(nautobot)


Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def mock_conn() -> Callable[..., Connection]:
    """``mock_conn(handler, **settings)``: a Connection whose network is ``handler``."""

    def make(handler: Handler, **settings: Any) -> Connection:
        settings.setdefault("token", "s3cr3t-token-value")
        settings.setdefault("backoff", 0.0)
        return Connection(
            url="https://sot.example.com", transport=httpx.MockTransport(handler), **settings
        )

    return make


@pytest.fixture
def netbox_handler() -> Callable[[list[httpx.Request]], Handler]:
    """Serve the recorded NetBox responses (paged by offset), logging each request."""
    pages = json.loads((DATA / "netbox" / "responses.json").read_text())
    routes = {"/api/dcim/devices/": "devices", "/api/dcim/interfaces/": "interfaces",
              "/api/ipam/ip-addresses/": "ip-addresses"}

    def make(log: list[httpx.Request]) -> Handler:
        def handler(request: httpx.Request) -> httpx.Response:
            log.append(request)
            recorded = pages[routes[request.url.path]]
            size = len(recorded[0]["results"])
            offset = int(request.url.params.get("offset", 0))
            return httpx.Response(200, json=recorded[offset // size])

        return handler

    return make
