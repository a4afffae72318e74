"""The push client's gRPC message limit: a setting of the endpoint, larger than gRPC's 4 MiB."""

from __future__ import annotations

import json
from typing import Any

import pytest

from netdata.push import GnmiError
from netdata.push._gnmi import DEFAULT_MAX_MESSAGE_BYTES, Endpoint, Session

IFACES = "openconfig-interfaces:interfaces"


def _interfaces(count: int) -> str:
    return json.dumps({"interface": [
        {"name": f"Ethernet{i}", "config": {"name": f"Ethernet{i}", "description": "d" * 200,
                                            "type": "iana-if-type:ethernetCsmacd"}}
        for i in range(count)
    ]})


def test_a_config_above_grpc_default_limit_is_sent(sim_fleet_factory: Any) -> None:
    device = sim_fleet_factory(["d1"])["d1"]
    text = _interfaces(20_000)
    assert 4 * 2**20 < len(text) < DEFAULT_MAX_MESSAGE_BYTES
    endpoint = Endpoint(device.name, device.host, device.port, plaintext=True, timeout=120)
    with Session(endpoint) as session:
        session.set(replace={IFACES: text})
    assert len(device.config[IFACES]["interface"]) == 20_000


def test_the_limit_is_a_setting(sim_fleet_factory: Any) -> None:
    device = sim_fleet_factory(["d1"])["d1"]
    endpoint = Endpoint(device.name, device.host, device.port, plaintext=True,
                        max_message_bytes=2**20)
    with pytest.raises(GnmiError) as caught, Session(endpoint) as session:
        session.set(replace={IFACES: _interfaces(8_000)})
    assert caught.value.code == "RESOURCE_EXHAUSTED"
