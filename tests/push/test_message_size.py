"""The push client's gRPC message limit: a setting of the endpoint, larger than gRPC's 4 MiB."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from push_helpers import write_build, write_targets

from netdata.push import GnmiError, push
from netdata.push._gnmi import DEFAULT_MAX_MESSAGE_BYTES, Endpoint, Session

IFACES = "openconfig-interfaces:interfaces"


def _interfaces(count: int) -> str:
    return json.dumps(
        {
            "interface": [
                {
                    "name": f"Ethernet{i}",
                    "config": {
                        "name": f"Ethernet{i}",
                        "description": "d" * 200,
                        "type": "iana-if-type:ethernetCsmacd",
                    },
                }
                for i in range(count)
            ]
        }
    )


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
    endpoint = Endpoint(
        device.name, device.host, device.port, plaintext=True, max_message_bytes=2**20
    )
    with pytest.raises(GnmiError) as caught, Session(endpoint) as session:
        session.set(replace={IFACES: _interfaces(8_000)})
    assert caught.value.code == "RESOURCE_EXHAUSTED"


def test_push_takes_the_limit_from_the_targets_or_the_caller(
    sim_fleet_factory: Any, tmp_path: Path
) -> None:
    fleet = sim_fleet_factory(["d1"])
    config = {IFACES: json.loads(_interfaces(8_000))}  # about 2 MiB
    build = write_build(tmp_path / "build", {"d1": config})
    targets = write_targets(tmp_path / "targets.json", fleet, max_message_mb=1)
    small = push(build, targets=targets, journal_dir=None)
    assert small.results[0].status == "failed" and "RESOURCE_EXHAUSTED" in small.results[0].message
    assert fleet["d1"].commits == 0
    large = push(build, targets=targets, max_message_mb=8, journal_dir=tmp_path / "j")
    assert large.results[0].status == "changed" and fleet["d1"].commits == 1
    assert large.journal is not None and '"max_message_mb": 8' in large.journal.read_text()
