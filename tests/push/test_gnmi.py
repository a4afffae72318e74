"""The gNMI adapter against simulated devices: deadlines, retries, TLS, credentials, Get, Set."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import grpc
import pytest
from push_helpers import corpus

from netdata.push import GnmiError
from netdata.push._gnmi import Commit, Endpoint, Session

IFACES = "openconfig-interfaces:interfaces"
SYSTEM = "openconfig-system:system"


def endpoint(device: Any, **options: Any) -> Endpoint:
    options.setdefault("plaintext", True)
    return Endpoint(device.name, device.host, device.port, **options)


def test_get_set_round_trip_in_json_ietf(sim_fleet_factory: Any) -> None:
    device = sim_fleet_factory(["d1"])["d1"]
    doc = corpus("p001")
    with Session(endpoint(device)) as session:
        assert "JSON_IETF" in session.capabilities()["encodings"]
        assert session.get([IFACES, SYSTEM]) == {}  # empty device: no data, no error
        session.set(replace={IFACES: json.dumps(doc[IFACES])})
        got = session.get([IFACES, SYSTEM])
    assert list(got) == [IFACES] and got[IFACES] == device.config[IFACES]
    assert device.commits == 1


def test_get_all_returns_state_too(sim_fleet_factory: Any) -> None:
    device = sim_fleet_factory(["d1"], startup={"d1": corpus("p001")})["d1"]
    with Session(endpoint(device)) as session:
        everything = session.get([IFACES], "all")[IFACES]
    assert "state" in everything["interface"][0]


def test_every_rpc_has_a_deadline(sim_fleet_factory: Any) -> None:
    device = sim_fleet_factory(["slow"])["slow"]
    device.set_latency(30)
    with Session(endpoint(device, timeout=0.5, connect_timeout=0.5)) as session:
        for call in (
            session.capabilities,
            lambda: session.get([IFACES]),
            lambda: session.set(replace={IFACES: "{}"}),
        ):
            start = time.monotonic()
            with pytest.raises(GnmiError) as info:
                call()
            assert time.monotonic() - start < 5
            assert info.value.code == "DEADLINE_EXCEEDED" and "within 0.5 s" in str(info.value)
    assert device.commits == 0


def test_a_channels_first_rpc_may_also_take_the_connect_timeout(sim_fleet_factory: Any) -> None:
    device = sim_fleet_factory(["slow"])["slow"]
    device.set_latency(30)
    with Session(endpoint(device, timeout=0.5, connect_timeout=0.7)) as session:
        for within in ("1.2", "0.5"):  # the first RPC connects: 0.7 s + 0.5 s, then 0.5 s
            with pytest.raises(GnmiError) as info:
                session.get([IFACES])
            assert info.value.code == "DEADLINE_EXCEEDED"
            assert f"within {within} s" in str(info.value)


def test_refused_connection_fails_after_bounded_retries(sim_fleet_factory: Any) -> None:
    device = sim_fleet_factory(["down"])["down"]
    device.refuse_connections()
    with Session(endpoint(device)) as session:
        start = time.monotonic()
        with pytest.raises(GnmiError) as info:
            session.capabilities()
    assert time.monotonic() - start < 5
    assert info.value.code == "UNAVAILABLE" and "down" in str(info.value)


def test_set_is_never_retried(sim_fleet_factory: Any) -> None:
    device = sim_fleet_factory(["d1"])["d1"]
    device.drop_next_set()
    with Session(endpoint(device)) as session, pytest.raises(GnmiError) as info:
        session.set(replace={IFACES: json.dumps(corpus("p001")[IFACES])})
    assert info.value.outcome_unknown and device.commits == 0
    device.reject_next_set(grpc.StatusCode.INVALID_ARGUMENT, "nope")
    with Session(endpoint(device)) as session, pytest.raises(GnmiError) as info:
        session.get([IFACES], wait=True)  # the device reopens its port after the drop
        session.set(replace={IFACES: json.dumps(corpus("p001")[IFACES])})
    assert not info.value.outcome_unknown and "nope" in info.value.details


def test_tls_by_default_with_a_ca_file(sim_fleet_factory: Any, tmp_path: Path) -> None:
    fleet = sim_fleet_factory(["tls1"], tls=True, tls_dir=tmp_path)
    device = fleet["tls1"]
    secure = Endpoint(device.name, device.host, device.port, ca=fleet.tls_files.cert)
    with Session(secure) as session:
        assert session.capabilities()["gnmi_version"]
    untrusted = Endpoint(device.name, device.host, device.port, connect_timeout=2)
    with Session(untrusted) as session, pytest.raises(GnmiError) as info:
        session.capabilities()  # the self-signed certificate is not in the system CAs
    assert info.value.code == "UNAVAILABLE"
    named = Endpoint(
        device.name,
        device.host,
        device.port,
        ca=fleet.tls_files.cert,
        tls_server_name="wrong.example",
    )
    with Session(named) as session, pytest.raises(GnmiError):
        session.capabilities()  # the override is checked against the certificate's names


def test_plaintext_against_a_tls_device_fails(sim_fleet_factory: Any) -> None:
    device = sim_fleet_factory(["tls1"], tls=True)["tls1"]
    with Session(endpoint(device, connect_timeout=2)) as session, pytest.raises(GnmiError):
        session.capabilities()


def test_credentials_go_in_metadata_never_in_errors(sim_fleet_factory: Any) -> None:
    device = sim_fleet_factory(["auth"], username="admin", password="right-one")["auth"]
    with Session(endpoint(device, username="admin", password="right-one")) as session:
        session.capabilities()
    wrong = endpoint(device, username="admin", password="wrong-secret")
    assert "wrong-secret" not in repr(wrong)
    with Session(wrong) as session, pytest.raises(GnmiError) as info:
        session.get([IFACES])
    assert info.value.code == "UNAUTHENTICATED"
    assert "wrong-secret" not in str(info.value) and "right-one" not in str(info.value)


def test_commit_confirmed_extension_is_understood_by_the_device(sim_fleet_factory: Any) -> None:
    device = sim_fleet_factory(["cc"])["cc"]
    doc = corpus("p001")
    with Session(endpoint(device)) as session:
        session.set(replace={IFACES: json.dumps(doc[IFACES])}, commit=Commit("c1", "commit", 60))
        assert device.pending_commit == "c1"
        session.set(commit=Commit("c1", "confirm"))
        assert device.pending_commit is None and IFACES in device.config
        session.set(replace={IFACES: "{}"}, commit=Commit("c2", "commit", 60))
        session.set(commit=Commit("c2", "cancel"))
        assert device.config[IFACES]["interface"]  # cancelled: the interfaces came back
        session.set(replace={IFACES: "{}"}, commit=Commit("c3", "commit", 0.3))
    time.sleep(1.0)
    assert device.pending_commit is None and device.config[IFACES]["interface"]
