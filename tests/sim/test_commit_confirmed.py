"""The commit-confirmed extension: rollback unless confirmed, cancel, re-time, conflicts."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from pygnmi.create_gnmi_path import gnmi_path_generator
from pygnmi.spec.v080 import gnmi_pb2, gnmi_pb2_grpc
from sim_helpers import IFACE, P001, corpus_text

from netdata.sim import commit_extension

MTU_PATH = IFACE.format("Ethernet1") + "/config/mtu"


@pytest.fixture
def dev(sim_fleet_factory: Any) -> Any:
    return sim_fleet_factory(["d1"], startup={"d1": corpus_text(P001)})["d1"]


@pytest.fixture
def stub(dev: Any) -> Iterator[Any]:
    with grpc.insecure_channel(f"{dev.host}:{dev.port}") as channel:
        yield gnmi_pb2_grpc.gNMIStub(channel)


def mtu_request(mtu: int | None, extension: Any = None) -> Any:
    updates = []
    if mtu is not None:
        value = gnmi_pb2.TypedValue(json_ietf_val=json.dumps(mtu).encode())
        updates.append(gnmi_pb2.Update(path=gnmi_path_generator(MTU_PATH), val=value))
    return gnmi_pb2.SetRequest(update=updates, extension=[extension] if extension else [])


def mtu(dev: Any) -> int:
    return int(dev.config["openconfig-interfaces:interfaces"]["interface"][0]["config"]["mtu"])


def code_of(stub: Any, request: Any) -> grpc.StatusCode:
    with pytest.raises(grpc.RpcError) as info:
        stub.Set(request, timeout=5)
    return info.value.code()


def wait_for(predicate: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_unconfirmed_commit_rolls_back(dev: Any, stub: Any) -> None:
    stub.Set(mtu_request(1500, commit_extension("c1", "commit", 0.5)), timeout=5)
    assert mtu(dev) == 1500 and dev.pending_commit == "c1"
    assert wait_for(lambda: dev.pending_commit is None, 5)
    assert mtu(dev) == 9100


def test_confirmed_commit_stays(dev: Any, stub: Any) -> None:
    stub.Set(mtu_request(1500, commit_extension("c1", "commit", 0.5)), timeout=5)
    stub.Set(mtu_request(None, commit_extension("c1", "confirm")), timeout=5)
    assert dev.pending_commit is None
    time.sleep(0.8)
    assert mtu(dev) == 1500


def test_cancel_rolls_back_at_once(dev: Any, stub: Any) -> None:
    stub.Set(mtu_request(1500, commit_extension("c1", "commit", 60)), timeout=5)
    stub.Set(mtu_request(None, commit_extension("c1", "cancel")), timeout=5)
    assert mtu(dev) == 9100 and dev.pending_commit is None


def test_changes_wait_while_a_commit_awaits_confirmation(dev: Any, stub: Any) -> None:
    stub.Set(mtu_request(1500, commit_extension("c1", "commit", 60)), timeout=5)
    assert code_of(stub, mtu_request(1600)) == grpc.StatusCode.FAILED_PRECONDITION
    second = mtu_request(1600, commit_extension("c2", "commit", 60))
    assert code_of(stub, second) == grpc.StatusCode.FAILED_PRECONDITION
    wrong = mtu_request(None, commit_extension("c2", "confirm"))
    assert code_of(stub, wrong) == grpc.StatusCode.INVALID_ARGUMENT
    assert mtu(dev) == 1500 and dev.pending_commit == "c1"


def test_confirm_without_waiting_commit_is_a_precondition_failure(stub: Any) -> None:
    request = mtu_request(None, commit_extension("c1", "confirm"))
    assert code_of(stub, request) == grpc.StatusCode.FAILED_PRECONDITION


def test_set_rollback_duration(dev: Any, stub: Any) -> None:
    stub.Set(mtu_request(1500, commit_extension("c1", "commit", 0.5)), timeout=5)
    zero = mtu_request(None, commit_extension("c1", "set_rollback_duration", 0))
    assert code_of(stub, zero) == grpc.StatusCode.INVALID_ARGUMENT
    longer = mtu_request(None, commit_extension("c1", "set_rollback_duration", 60))
    stub.Set(longer, timeout=5)
    time.sleep(0.8)
    assert mtu(dev) == 1500 and dev.pending_commit == "c1"


def test_invalid_commit_changes_nothing_and_leaves_no_pending_commit(dev: Any, stub: Any) -> None:
    assert code_of(stub, mtu_request(70000, commit_extension("c1", "commit", 60))) == (
        grpc.StatusCode.INVALID_ARGUMENT
    )
    assert mtu(dev) == 9100 and dev.pending_commit is None
