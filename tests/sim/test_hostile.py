"""The simulator on hostile requests: the right gRPC status and a short message, never UNKNOWN."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from pygnmi.spec.v080 import gnmi_ext_pb2, gnmi_pb2, gnmi_pb2_grpc
from sim_helpers import MODELS, P001, corpus_text

from netdata._exceptions import DocumentError, SetupError
from netdata.sim import SimFleet
from netdata.sim._commit import commit_extension
from netdata.sim._errors import MAX_MESSAGE

INVALID, NOT_FOUND = grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.NOT_FOUND
IFACES = gnmi_pb2.Path(elem=[gnmi_pb2.PathElem(name="openconfig-interfaces:interfaces")])
IFACE1 = gnmi_pb2.Path(
    elem=[
        *IFACES.elem,
        gnmi_pb2.PathElem(name="interface", key={"name": "Ethernet1"}),
        gnmi_pb2.PathElem(name="config"),
    ]
)


@pytest.fixture
def dev(sim_fleet_factory: Any) -> Any:
    return sim_fleet_factory(1, startup={"sim-0000": corpus_text(P001)})[0]


@pytest.fixture
def stub(dev: Any) -> Iterator[Any]:
    with grpc.insecure_channel(f"{dev.host}:{dev.port}") as channel:
        yield gnmi_pb2_grpc.gNMIStub(channel)


def _status(call: Any, request: Any) -> tuple[grpc.StatusCode, str]:
    with pytest.raises(grpc.RpcError) as caught:
        call(request, timeout=10)
    return caught.value.code(), caught.value.details()


def _replace(path: Any, raw: bytes, ext: list[Any] | None = None) -> Any:
    update = gnmi_pb2.Update(path=path, val=gnmi_pb2.TypedValue(json_ietf_val=raw))
    return gnmi_pb2.SetRequest(replace=[update], extension=ext or [])


DEEP = b"[" * 100_000 + b"]" * 100_000
DUP = json.dumps({"interface": [{"name": "Ethernet1", "config": {"name": "Ethernet1"}}]}).replace(
    '"config": {"name": "Ethernet1"}', '"config": {"name": "Ethernet1", "mtu": 70000, "mtu": 1500}'
).encode()


@pytest.mark.parametrize(
    ("path", "raw", "word"),
    [
        (gnmi_pb2.Path(), b'{"x": "\xff"}', "UTF-8"),
        (IFACES, b'{"x": "\xff"}', "UTF-8"),
        (gnmi_pb2.Path(), DEEP, "nested deeper"),
        (IFACES, DEEP, "nested deeper"),
        (gnmi_pb2.Path(), b"", "empty"),
        (gnmi_pb2.Path(), b"  \n ", "empty"),
        (IFACES, b" ", "empty"),
        (IFACES, DUP, "duplicate key"),
        (gnmi_pb2.Path(), b'{"openconfig-interfaces:interfaces": {}, '
                          b'"openconfig-interfaces:interfaces": {}}', "duplicate key"),
        (IFACES, b'{"interface": NaN}', "not a finite number"),
    ],
)
def test_malformed_values_are_invalid_argument_and_change_nothing(
    dev: Any, stub: Any, path: Any, raw: bytes, word: str
) -> None:
    before = dev.config
    code, details = _status(stub.Set, _replace(path, raw))
    assert (code, word in details) == (INVALID, True), details
    assert len(details) <= MAX_MESSAGE and dev.config == before


def _port(name: str) -> dict[str, Any]:
    return {"name": name, "config": {"name": name, "type": "iana-if-type:ethernetCsmacd"}}


def test_a_list_given_twice_in_a_root_replace_is_the_readers_error(dev: Any, stub: Any) -> None:
    # libyang itself would take the entries of both arrays: the reader's rule must hold
    one = json.dumps({"interface": [_port("Ethernet1"), _port("Ethernet2")]})
    twice = one.replace('}}, {"name"', '}}], "interface": [{"name"')
    assert twice.count('"interface"') == 2
    before = dev.config
    code, details = _status(stub.Set, _replace(IFACES, twice.encode()))
    assert (code, "duplicate key" in details) == (INVALID, True), details
    assert dev.config == before
    stub.Set(_replace(IFACES, one.encode()), timeout=10)
    names = [i["name"] for i in dev.config["openconfig-interfaces:interfaces"]["interface"]]
    assert names == ["Ethernet1", "Ethernet2"]


def test_a_value_replaced_by_a_later_one_in_the_same_set_is_still_read(stub: Any) -> None:
    good = json.dumps({"interface": [_port("Ethernet1")]}).encode()
    updates = [
        gnmi_pb2.Update(path=IFACES, val=gnmi_pb2.TypedValue(json_ietf_val=raw))
        for raw in (b'{"interface": NaN}', good)
    ]
    code, details = _status(stub.Set, gnmi_pb2.SetRequest(replace=updates))
    assert (code, "not a finite number" in details) == (INVALID, True), details


@pytest.mark.parametrize("path", [gnmi_pb2.Path(), IFACES])
def test_utf8_text_beyond_the_bmp_is_accepted_by_replace_of_root_and_of_a_member(
    dev: Any, stub: Any, path: Any
) -> None:
    port = _port("Ethernet1")
    port["config"]["description"] = "caf\u00e9 \U0001f600"
    value = {"interface": [port]}
    if not path.elem:
        value = {"openconfig-interfaces:interfaces": value}
    stub.Set(_replace(path, json.dumps(value, ensure_ascii=False).encode()), timeout=10)
    [stored] = dev.config["openconfig-interfaces:interfaces"]["interface"]
    assert stored["config"]["description"] == "caf\u00e9 \U0001f600"
    mtu = gnmi_pb2.Path(elem=[*IFACE1.elem, gnmi_pb2.PathElem(name="mtu")])
    update = gnmi_pb2.Update(path=mtu, val=gnmi_pb2.TypedValue(uint_val=1500))
    stub.Set(gnmi_pb2.SetRequest(update=[update]), timeout=10)  # the step-by-step path
    [stored] = dev.config["openconfig-interfaces:interfaces"]["interface"]
    assert stored["config"] == {**port["config"], "mtu": 1500}


def test_a_corrupt_commit_extension_is_invalid_argument(stub: Any) -> None:
    bad = gnmi_ext_pb2.Extension()
    bad.MergeFromString(b"\x22\x03\x12\xff\xff")  # field 4 (commit) holding garbage
    code, details = _status(stub.Set, _replace(IFACES, b"{}", [bad]))
    assert code == INVALID and "malformed" in details


def test_a_negative_rollback_duration_is_refused(dev: Any, stub: Any) -> None:
    before = dev.config
    ext = commit_extension("c1", "commit", rollback_duration=-5)
    code, details = _status(stub.Set, _replace(IFACES, b"{}", [ext]))
    assert code == INVALID and "rollback duration must be positive" in details
    assert dev.config == before


def test_an_unknown_origin_is_not_found(stub: Any) -> None:
    path = gnmi_pb2.Path(origin="no-such-module", elem=[gnmi_pb2.PathElem(name="interfaces")])
    code, details = _status(stub.Get, gnmi_pb2.GetRequest(path=[path], encoding=4))
    assert code == NOT_FOUND and "unknown origin" in details


@pytest.mark.parametrize(
    ("request_", "word"),
    [
        (gnmi_pb2.GetRequest(path=[IFACES], encoding=4, type=9), "unknown data type 9"),
        (gnmi_pb2.GetRequest(path=[IFACES], encoding=77), "unknown encoding number 77"),
    ],
)
def test_unknown_get_enums_are_invalid_argument(stub: Any, request_: Any, word: str) -> None:
    code, details = _status(stub.Get, request_)
    assert code == INVALID and word in details


@pytest.mark.parametrize(
    "path",
    [
        gnmi_pb2.Path(elem=[gnmi_pb2.PathElem(name="openconfig-interfaces:interfaces"),
                            gnmi_pb2.PathElem(name="interface", key={"name": "x" * 20_000}),
                            gnmi_pb2.PathElem(name="nope")]),
        gnmi_pb2.Path(elem=[gnmi_pb2.PathElem(name="nope")] * 5_000),
    ],
)
def test_echoed_paths_are_bounded(stub: Any, path: Any) -> None:
    code, details = _status(stub.Get, gnmi_pb2.GetRequest(path=[path], encoding=4))
    assert code == NOT_FOUND and len(details) <= MAX_MESSAGE


def test_a_whole_config_above_grpc_default_limit_is_taken(dev: Any, stub: Any) -> None:
    interfaces = [
        {"name": f"Ethernet{i}", "config": {"name": f"Ethernet{i}", "description": "d" * 200,
                                            "type": "iana-if-type:ethernetCsmacd"}}
        for i in range(20_000)
    ]
    doc = {"openconfig-interfaces:interfaces": {"interface": interfaces}}
    raw = json.dumps(doc).encode()
    assert len(raw) > 4 * 2**20
    stub.Set(_replace(gnmi_pb2.Path(), raw), timeout=120)
    assert len(dev.config["openconfig-interfaces:interfaces"]["interface"]) == 20_000


def test_the_message_limit_is_a_setting(sim_fleet_factory: Any) -> None:
    small = sim_fleet_factory(1, max_message_bytes=2**20)[0]
    with grpc.insecure_channel(f"{small.host}:{small.port}") as channel:
        raw = b'{"openconfig-interfaces:interfaces": {"x": "' + b"y" * 2**21 + b'"}}'
        code, _ = _status(gnmi_pb2_grpc.gNMIStub(channel).Set, _replace(gnmi_pb2.Path(), raw))
    assert code == grpc.StatusCode.RESOURCE_EXHAUSTED


def test_startup_configs_are_read_by_the_reader(tmp_path: Path) -> None:
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(DocumentError, match="nested deeper"):
        SimFleet(startup=tmp_path)
    (tmp_path / "deep.json").write_text('{"a": 1,\n "a": 2}')
    with pytest.raises(DocumentError, match=r'deep.json:2:2: duplicate key "a"'):
        SimFleet(startup=tmp_path)


@pytest.mark.parametrize("base_port", [70_000, -1, 65_535 + 1 - 1])
def test_base_ports_out_of_range_are_refused(base_port: int) -> None:
    with pytest.raises(SetupError, match="ports must be 1-65535"):
        SimFleet(2, base_port=base_port)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "netdata", "sim", "--models", str(MODELS), *args],
        capture_output=True, text=True, timeout=120, check=False,
    )


def test_cli_errors_are_clear(tmp_path: Path) -> None:
    file = tmp_path / "file"
    file.write_text("x")
    deep = tmp_path / "startup"
    deep.mkdir()
    (deep / "r1.json").write_text("{" + '"a": {' * 100_000 + "}" * 100_001)
    for args, word in [
        (["--base-port", "70000"], "ports must be 1-65535"),
        (["--tls-dir", str(file)], "is not a folder"),
        (["--startup-dir", str(deep)], "nested deeper"),
        (["--max-message-mb", "0"], "--max-message-mb"),
    ]:
        run = _cli(*args)
        assert run.returncode == 2 and word in run.stderr, (args, run.stderr)
        assert "Traceback" not in run.stderr


def test_a_python_exception_is_internal_never_unknown(
    stub: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any) -> Any:
        raise ValueError("secret internals /etc/passwd")

    monkeypatch.setattr("netdata.sim._service.answer_get", broken)
    code, details = _status(stub.Get, gnmi_pb2.GetRequest(path=[IFACES], encoding=4))
    assert code == grpc.StatusCode.INTERNAL and details == "internal error (ValueError)"
