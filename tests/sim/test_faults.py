"""Injected faults behave as specified, and nothing half-done is ever committed."""

from __future__ import annotations

import socket
import time
from typing import Any

import grpc
import pytest
from pygnmi.spec.v080 import gnmi_pb2, gnmi_pb2_grpc
from sim_helpers import IFACE, P001, client, corpus_text, status_of

from netdata import DocumentError
from netdata.sim import commit_extension

MTU = IFACE.format("Ethernet1") + "/config"


@pytest.fixture
def fleet(sim_fleet_factory: Any) -> Any:
    return sim_fleet_factory(
        ["d1", "d2"], startup={"d1": corpus_text(P001), "d2": corpus_text(P001)}
    )


@pytest.fixture
def dev(fleet: Any) -> Any:
    return fleet["d1"]


def set_mtu(gc: Any, mtu: int) -> Any:
    return gc.set(update=[(MTU, {"mtu": mtu})], encoding="json_ietf")


def test_latency_delays_every_rpc(dev: Any) -> None:
    with client(dev) as gc:
        dev.set_latency(0.4)
        start = time.monotonic()
        gc.get(path=[MTU], encoding="json_ietf")
        set_mtu(gc, 1500)
        assert time.monotonic() - start >= 0.8
        dev.set_latency(0)
        start = time.monotonic()
        gc.get(path=[MTU], encoding="json_ietf")
        assert time.monotonic() - start < 0.4


def test_reject_next_set_once_with_the_chosen_code(dev: Any) -> None:
    before = dev.config_text
    dev.reject_next_set(grpc.StatusCode.RESOURCE_EXHAUSTED, "TCAM full")
    with client(dev) as gc:
        code, details = status_of(lambda: set_mtu(gc, 1500))
        assert code == grpc.StatusCode.RESOURCE_EXHAUSTED and "TCAM full" in details
        assert dev.config_text == before and dev.commits == 0
        assert set_mtu(gc, 1500)  # only the next Set was rejected
    assert dev.commits == 1


def test_default_rejection_is_aborted(dev: Any) -> None:
    dev.reject_next_set()
    with client(dev) as gc:
        assert status_of(lambda: set_mtu(gc, 1500))[0] == grpc.StatusCode.ABORTED


def test_drop_in_the_middle_of_a_set_commits_nothing(dev: Any) -> None:
    before = dev.config_text
    port = dev.port
    dev.drop_next_set()
    with client(dev) as gc:
        code, _ = status_of(lambda: set_mtu(gc, 1500))
        assert code == grpc.StatusCode.UNAVAILABLE
    assert dev.config_text == before and dev.commits == 0
    assert dev.port == port
    with client(dev) as gc:  # the device listens again on the same port
        assert set_mtu(gc, 1500)
    assert dev.commits == 1


def test_drop_just_after_the_commit_applies_the_set(dev: Any) -> None:
    dev.drop_next_set(committed=True)
    with client(dev) as gc:
        code, _ = status_of(lambda: set_mtu(gc, 1500))
        assert code == grpc.StatusCode.UNAVAILABLE
    assert dev.commits == 1
    ethernet1 = dev.config["openconfig-interfaces:interfaces"]["interface"][0]
    assert ethernet1["config"]["mtu"] == 1500


def test_stall_after_the_next_set(dev: Any) -> None:
    dev.stall_after_next_set(5)
    with client(dev) as gc:
        assert set_mtu(gc, 1500)  # the Set itself is answered at once
    assert dev.commits == 1
    with grpc.insecure_channel("{}:{}".format(*dev.address)) as channel:
        get = gnmi_pb2_grpc.gNMIStub(channel).Get
        with pytest.raises(grpc.RpcError) as info:  # pygnmi's get() takes no deadline
            get(gnmi_pb2.GetRequest(encoding=gnmi_pb2.Encoding.JSON_IETF), timeout=0.5)
        assert info.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    dev.clear_faults()
    assert dev.faults.latency == 0


def test_misapply_answers_the_set_but_keeps_the_old_config(dev: Any) -> None:
    before = dev.config_text
    dev.misapply_next_set()
    with client(dev) as gc:
        assert set_mtu(gc, 1500)  # answered as a success
        assert dev.config_text == before and dev.commits == 1
        set_mtu(gc, 1500)  # only the next Set was misapplied
    assert dev.config["openconfig-interfaces:interfaces"]["interface"][0]["config"]["mtu"] == 1500


def test_misapply_holds_another_validated_config(dev: Any) -> None:
    other = {"openconfig-system:system": {"config": {"hostname": "elsewhere"}}}
    with pytest.raises(DocumentError, match="misapply_next_set"):
        dev.misapply_next_set({"openconfig-system:system": {"config": {"mtu": 1}}})
    dev.misapply_next_set(other)
    with client(dev) as gc:
        assert set_mtu(gc, 1500)
    assert dev.config == other and dev.commits == 1


def test_a_misapplied_commit_confirmed_set_cancels_to_the_old_config(dev: Any) -> None:
    before = dev.config_text
    dev.misapply_next_set({"openconfig-system:system": {"config": {"hostname": "x"}}})
    update = gnmi_pb2.Update(
        path=gnmi_pb2.Path(elem=[gnmi_pb2.PathElem(name="openconfig-system:system")]),
        val=gnmi_pb2.TypedValue(json_ietf_val=b'{"config": {"hostname": "y"}}'),
    )
    with grpc.insecure_channel("{}:{}".format(*dev.address)) as channel:
        set_ = gnmi_pb2_grpc.gNMIStub(channel).Set
        set_(gnmi_pb2.SetRequest(update=[update], extension=[commit_extension("c1")]), timeout=5)
        assert dev.config == {"openconfig-system:system": {"config": {"hostname": "x"}}}
        set_(gnmi_pb2.SetRequest(extension=[commit_extension("c1", "cancel")]), timeout=5)
    assert dev.config_text == before and dev.pending_commit is None


def test_refuse_config_gets_until_cleared(dev: Any) -> None:
    dev.refuse_config_gets()
    with grpc.insecure_channel("{}:{}".format(*dev.address)) as channel:
        get = gnmi_pb2_grpc.gNMIStub(channel).Get

        def get_mtu(datatype: Any) -> Any:
            root = gnmi_pb2.PathElem(name="openconfig-interfaces:interfaces")
            request = gnmi_pb2.GetRequest(
                path=[gnmi_pb2.Path(elem=[root])],
                type=datatype,
                encoding=gnmi_pb2.Encoding.JSON_IETF,
            )
            return get(request, timeout=5)

        with pytest.raises(grpc.RpcError) as info:
            get_mtu(gnmi_pb2.GetRequest.DataType.CONFIG)
        assert info.value.code() == grpc.StatusCode.UNIMPLEMENTED
        assert "d1" in (info.value.details() or "") and "ALL" in (info.value.details() or "")
        for datatype in ("ALL", "STATE", "OPERATIONAL"):
            assert get_mtu(gnmi_pb2.GetRequest.DataType.Value(datatype)).notification
        dev.refuse_config_gets(grpc.StatusCode.INVALID_ARGUMENT, "no such datatype")
        with pytest.raises(grpc.RpcError) as info:
            get_mtu(gnmi_pb2.GetRequest.DataType.CONFIG)
        assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        dev.clear_faults()
        assert get_mtu(gnmi_pb2.GetRequest.DataType.CONFIG).notification


def test_refused_connections_then_accepted_again(dev: Any) -> None:
    dev.refuse_connections()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(dev.address, timeout=2).close()
    with pytest.raises(grpc.FutureTimeoutError), client(dev, gnmi_timeout=1):
        pass
    dev.accept_connections()
    with client(dev) as gc:
        assert gc.capabilities()["supported_encodings"] == ["json", "json_ietf"]


def test_faults_are_per_device(fleet: Any, dev: Any) -> None:
    dev.refuse_connections()
    dev.reject_next_set()
    dev.set_latency(5)
    other = fleet["d2"]
    with client(other) as gc:
        start = time.monotonic()
        assert set_mtu(gc, 1500)
        assert time.monotonic() - start < 5
    assert other.commits == 1


def test_clear_faults(dev: Any) -> None:
    dev.refuse_connections()
    dev.reject_next_set()
    dev.set_latency(5)
    dev.clear_faults()
    with client(dev) as gc:
        start = time.monotonic()
        assert set_mtu(gc, 1500)
        assert time.monotonic() - start < 5


def test_faults_through_the_gateway(sim_fleet_factory: Any) -> None:
    fleet = sim_fleet_factory(["g1"], startup={"g1": corpus_text(P001)}, gateway_port=0)
    dev = fleet["g1"]
    before = dev.config_text
    with client(fleet.gateway_address) as gc:
        dev.drop_next_set()
        code, details = status_of(
            lambda: gc.set(update=[(MTU, {"mtu": 1500})], target="g1", encoding="json_ietf")
        )
        assert code == grpc.StatusCode.UNAVAILABLE and "dropped" in details
        dev.refuse_connections()
        code, _ = status_of(lambda: gc.get(path=[MTU], target="g1", encoding="json_ietf"))
        assert code == grpc.StatusCode.UNAVAILABLE
    assert dev.config_text == before and dev.commits == 0
