"""The stored configuration: libyang's text by top-level member; Get answers kept per commit."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import grpc
from pygnmi.spec.v080 import gnmi_pb2, gnmi_pb2_grpc
from sim_helpers import P001, corpus_text

from netdata.sim import SimDevice, SimFleet, commit_extension

INTERFACES = "openconfig-interfaces:interfaces"
CONFIG, ALL = gnmi_pb2.GetRequest.DataType.CONFIG, gnmi_pb2.GetRequest.DataType.ALL


@contextmanager
def stub_of(dev: SimDevice) -> Iterator[Any]:
    with grpc.insecure_channel(f"{dev.host}:{dev.port}") as channel:
        yield gnmi_pb2_grpc.gNMIStub(channel)


def get(stub: Any, member: str, datatype: int = CONFIG) -> Any:
    """The value of top-level ``member`` as one Get answers it (JSON_IETF)."""
    request = gnmi_pb2.GetRequest(
        path=[gnmi_pb2.Path(elem=[gnmi_pb2.PathElem(name=member)])],
        type=datatype,
        encoding=gnmi_pb2.Encoding.JSON_IETF,
    )
    [notification] = stub.Get(request, timeout=5).notification
    return json.loads(notification.update[0].val.json_ietf_val)


def replace(member: str, value: Any, extension: Any) -> Any:
    """A push's SetRequest: a replace of one top-level member, commit-confirmed."""
    val = gnmi_pb2.TypedValue(json_ietf_val=json.dumps(value).encode())
    path = gnmi_pb2.Path(elem=[gnmi_pb2.PathElem(name=member)])
    return gnmi_pb2.SetRequest(replace=[gnmi_pb2.Update(path=path, val=val)], extension=[extension])


def test_get_answers_follow_every_commit(sim_fleet_factory: Any) -> None:
    dev = sim_fleet_factory(["d1"], startup={"d1": corpus_text(P001)})["d1"]
    with stub_of(dev) as stub:
        answers_follow_commits(dev, stub)


def answers_follow_commits(dev: SimDevice, stub: Any) -> None:
    before = get(stub, INTERFACES)
    assert get(stub, INTERFACES) == before == dev.config[INTERFACES]  # the second one is kept
    assert before["interface"][0]["config"]["mtu"] == 9100
    assert get(stub, INTERFACES, ALL)["interface"][0]["state"]["mtu"] == 9100
    changed = copy.deepcopy(before)
    changed["interface"][0]["config"]["mtu"] = 1400
    stub.Set(replace(INTERFACES, changed, commit_extension("c1", "commit", 60)), timeout=5)
    assert get(stub, INTERFACES) == changed == dev.config[INTERFACES]
    assert get(stub, INTERFACES, ALL)["interface"][0]["state"]["mtu"] == 1400
    stub.Set(gnmi_pb2.SetRequest(extension=[commit_extension("c1", "cancel")]), timeout=5)
    assert get(stub, INTERFACES) == before
    assert get(stub, INTERFACES, ALL)["interface"][0]["state"]["mtu"] == 9100


def test_the_stored_text_is_what_libyang_prints_for_the_whole_tree(sim_fleet_factory: Any) -> None:
    schema = sim_fleet_factory(["d1"]).schema
    valid = [c["file"] for c in json.loads(corpus_text("manifest.json")) if c["valid"]]
    assert len(valid) > 10
    for name in valid:
        text = corpus_text(name)
        tree = schema.ctx.parse_data_mem(
            text, "json", strict=True, no_state=True, validate_present=True
        )
        try:
            whole = tree.print_mem("json", with_siblings=True, pretty=False)
        finally:
            tree.free()
        config = schema.validate(text)
        assert config.text == whole, name
        assert {m: json.loads(t) for m, t in config.members.items()} == json.loads(whole), name


TOP_LEVEL_LIST = """
module t {
  yang-version 1.1;
  namespace "urn:netdata:test:t";
  prefix t;
  list item { key name; leaf name { type string; } leaf size { type uint8; } }
  leaf-list tag { type string; }
  container box { leaf label { type string; } }
}
"""


def test_top_level_lists_and_leaf_lists_are_kept_as_one_member(tmp_path: Path) -> None:
    (tmp_path / "t.yang").write_text(TOP_LEVEL_LIST, encoding="utf-8")
    doc = {
        "t:item": [{"name": "a", "size": 1}, {"name": "b"}],
        "t:tag": ["x", "y"],
        "t:box": {"label": "z"},
    }
    with SimFleet(["d1"], models=tmp_path, startup={"d1": json.dumps(doc)}) as fleet:
        dev = fleet["d1"]
        assert dev.config == doc
        with stub_of(dev) as stub:
            assert get(stub, "t:item") == doc["t:item"]
            assert get(stub, "t:tag") == doc["t:tag"]
            stub.Set(replace("t:box", {"label": "new"}, commit_extension("c", "commit")))
            assert get(stub, "t:box") == {"label": "new"}
            assert get(stub, "t:item") == doc["t:item"]
