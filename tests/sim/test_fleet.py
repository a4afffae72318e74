"""Fleets: concurrency, gateway by target, credentials, TLS, startup configurations."""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path
from typing import Any

import grpc
import pytest
from pygnmi.client import gNMIException
from sim_helpers import IFACE, MODELS, P001, client, corpus_text, iface_config, status_of

import netdata.sim
from netdata import DocumentError, SetupError
from netdata.sim import SimFleet


def test_public_api_is_complete() -> None:
    public = {n for n in dir(netdata.sim) if not n.startswith("_")} - {"testing"}
    assert set(netdata.sim.__all__) == public


def test_concurrent_sets_to_different_devices(sim_fleet_factory: Any) -> None:
    fleet = sim_fleet_factory(8)
    errors: list[BaseException] = []

    def push(dev: Any) -> None:
        try:
            with client(dev) as gc:
                for n in range(5):
                    name = f"Ethernet{n}"
                    gc.set(
                        update=[(IFACE.format(name), iface_config(name, description=dev.name))],
                        encoding="json_ietf",
                    )
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=push, args=(d,)) for d in fleet]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for dev in fleet:
        interfaces = dev.config["openconfig-interfaces:interfaces"]["interface"]
        assert {i["config"]["description"] for i in interfaces} == {dev.name}
        assert len(interfaces) == 5 and dev.commits == 5


def test_base_port_assigns_consecutive_ports(sim_fleet_factory: Any) -> None:
    probe = sim_fleet_factory(1)
    base = probe[0].port  # a port that was free a moment ago
    probe.stop()
    fleet = sim_fleet_factory(3, base_port=base)
    assert [d.port for d in fleet] == [base, base + 1, base + 2]
    with pytest.raises(SetupError, match=f"127.0.0.1:{base}"):
        SimFleet(1, base_port=base).start()


def test_gateway_selects_device_by_target(sim_fleet_factory: Any) -> None:
    fleet = sim_fleet_factory(["a", "b"], gateway_port=0, startup={"b": corpus_text(P001)})
    path = IFACE.format("Ethernet1") + "/config/mtu"
    with client(fleet.gateway_address) as gc:
        assert gc.capabilities()["supported_models"]
        entry = iface_config("Ethernet1", mtu=1234)
        gc.set(update=[(IFACE.format("Ethernet1"), entry)], target="a", encoding="json_ietf")
        for target, mtu in (("a", 1234), ("b", 9100)):
            value = gc.get(path=[path], target=target, encoding="json_ietf")
            assert value["notification"][0]["update"][0]["val"] == mtu
        code, details = status_of(lambda: gc.get(path=[path], target="zz", encoding="json_ietf"))
        assert code == grpc.StatusCode.NOT_FOUND and "zz" in details
        assert status_of(lambda: gc.get(path=[path], encoding="json_ietf"))[0] == (
            grpc.StatusCode.INVALID_ARGUMENT
        )
    assert (fleet["a"].commits, fleet["b"].commits) == (1, 0)
    with client(fleet["b"]) as gc:  # a device's own port refuses other targets
        code, _ = status_of(lambda: gc.get(path=[path], target="a", encoding="json_ietf"))
        assert code == grpc.StatusCode.NOT_FOUND


def test_username_and_password_are_checked(sim_fleet_factory: Any) -> None:
    dev = sim_fleet_factory(1, username="admin", password="s3cret")[0]
    with client(dev, username="admin", password="s3cret") as gc:
        assert gc.get(path=["/"], encoding="json_ietf")
    with pytest.raises(gNMIException) as info, client(dev, username="admin", password="wrong"):
        pass
    assert info.value.orig_exc.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "s3cret" not in str(info.value)


def test_tls_with_pygnmi(sim_fleet_factory: Any, tmp_path: Path) -> None:
    fleet = sim_fleet_factory(1, tls=True, tls_dir=tmp_path, username="u", password="p")
    dev = fleet[0]
    assert fleet.tls_files is not None and fleet.tls_files.cert.parent == tmp_path
    assert fleet.tls_files.key.stat().st_mode & 0o077 == 0
    cert = str(fleet.tls_files.cert)
    with client(dev, insecure=False, path_cert=cert, username="u", password="p") as gc:
        gc.set(
            replace=[(IFACE.format("Ethernet1"), iface_config("Ethernet1"))], encoding="json_ietf"
        )
    with client(dev, insecure=False, skip_verify=True, username="u", password="p") as gc:
        assert gc.get(path=[IFACE.format("Ethernet1")], encoding="json_ietf")
    with client(dev, insecure=False, username="u", password="p") as gc:  # fetches the cert
        assert gc.capabilities()["supported_models"]
    with pytest.raises(grpc.FutureTimeoutError), client(dev, insecure=True, gnmi_timeout=1):
        pass  # plain text to a TLS port fails


def test_startup_directory_names_devices(tmp_path: Path) -> None:
    (tmp_path / "leaf1.json").write_text(corpus_text(P001))
    (tmp_path / "leaf2.json").write_text("{}")
    fleet = SimFleet(models=MODELS, startup=tmp_path)
    assert [d.name for d in fleet] == ["leaf1", "leaf2"]
    assert fleet["leaf1"].config == json.loads(corpus_text(P001))
    assert fleet["leaf2"].config == {}
    # identical startup configurations share one string
    twins = SimFleet(["x", "y"], startup={"x": corpus_text(P001), "y": corpus_text(P001)})
    assert twins["x"].config_text is twins["y"].config_text


def test_invalid_startup_configuration_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "leaf9.json"
    bad.write_text(corpus_text(P001).replace("9100", '"jumbo"'))
    with pytest.raises(DocumentError, match=r"leaf9\.json.*config/mtu"):
        SimFleet(startup=tmp_path)
    bad.write_text("{not json")
    with pytest.raises(DocumentError, match=r"leaf9\.json.*not valid JSON"):
        SimFleet(startup=tmp_path)
    with pytest.raises(DocumentError, match="unknown device"):
        SimFleet(["a"], startup={"b": "{}"})


def test_missing_models_directory_is_a_schema_error(tmp_path: Path) -> None:
    with pytest.raises(SetupError, match="is not a directory"):
        SimFleet(1, models=tmp_path / "nope")


def test_capabilities_list_models_with_versions(sim_fleet: Any) -> None:
    with client(sim_fleet[0]) as gc:
        caps = gc.capabilities()
    models = {m["name"]: m for m in caps["supported_models"]}
    assert models["openconfig-interfaces"]["organization"] == "OpenConfig working group"
    assert models["openconfig-interfaces"]["version"].count(".") == 2  # openconfig-version
    assert caps["gnmi_version"] == "0.8.0"


def test_stop_closes_every_port_and_the_loop_thread() -> None:
    fleet = SimFleet(3, gateway_port=0).start()
    addresses = [d.address for d in fleet]
    assert fleet.gateway_address is not None
    addresses.append(fleet.gateway_address)
    for address in addresses:
        socket.create_connection(address, timeout=2).close()
    fleet.stop()
    for address in addresses:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(address, timeout=2).close()
    assert not [t for t in threading.enumerate() if t.name == "netdata-sim"]
    fleet.stop()  # idempotent
