"""The in-sync record: a device whose answer is byte for byte one that showed it holding its
built file is unchanged without decoding; any other answer is decoded and diffed."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from push_helpers import with_hostname, write_build
from pygnmi.spec.v080 import gnmi_pb2
from test_push import NAMES, Lab, make_lab

from netdata.push import _device, push
from netdata.push._gnmi import Answer
from netdata.push._insync import FILE, InSync

IFACES = "openconfig-interfaces:interfaces"
NI = "openconfig-network-instance:network-instances"


@pytest.fixture
def lab(sim_fleet_factory: Any, tmp_path: Path) -> Lab:
    return make_lab(sim_fleet_factory, tmp_path, "p001")


def record(lab: Lab) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((lab.tmp / "journal" / FILE).read_text())
    return document


class Diffs:
    """Counts the diffs push computes, by device (the in-sync path computes none)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[dict[str, Any]] = []
        real = _device.diff_configs

        def counting(intended: Any, running: Any, schema: Any, **kw: Any) -> Any:
            self.calls.append(running)
            return real(intended, running, schema, **kw)

        monkeypatch.setattr(_device, "diff_configs", counting)


def test_a_push_records_the_answers_and_the_next_run_decodes_none(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert lab.push().ok
    entries = record(lab)["devices"]
    assert sorted(entries) == NAMES
    assert all(e["answer"].startswith("sha256:") and e["mode"] == "replace"
               for e in entries.values())
    assert entries["leaf1"]["roots"] == list(lab.configs["leaf1"])
    diffs = Diffs(monkeypatch)
    again = lab.push()
    assert lab.status(again) == dict.fromkeys(NAMES, "unchanged")
    assert diffs.calls == []  # every device told by its answer's digest
    assert [lab.fleet[n].commits for n in NAMES] == [1, 1, 1, 1]
    assert again.journal is not None
    events = [json.loads(line) for line in again.journal.read_text().splitlines()]
    kinds = [e["event"] for e in events if e.get("device") == "leaf1"]
    assert kinds == ["diff", "result"]  # the journal as for any unchanged device


def test_a_device_changed_by_one_leaf_shows_that_leaf(
    lab: Lab, monkeypatch: pytest.MonkeyPatch, schema: Any
) -> None:
    assert lab.push().ok
    changed = copy.deepcopy(lab.configs["leaf2"])
    entry = changed[IFACES]["interface"][0]
    entry["config"]["mtu"] = 1234
    lab.fleet["leaf2"].load_config(changed)  # by hand, on the device
    diffs = Diffs(monkeypatch)
    report = lab.push()
    assert lab.status(report) == {**dict.fromkeys(NAMES, "unchanged"), "leaf2": "changed"}
    leaf2 = next(r for r in report.results if r.device == "leaf2")
    path = f"/interfaces/interface[name={entry['name']}]/config/mtu"
    assert [(c.op, c.path, c.old) for c in leaf2.changes] == [("~", path, 1234)]
    assert len(diffs.calls) == 2  # leaf2's Get and its verifying Get, no other device
    assert lab.holds_intended("leaf2", schema)


def test_another_list_order_on_the_device_is_diffed_and_no_change(lab: Lab) -> None:
    assert lab.push().ok
    before = record(lab)["devices"]["leaf3"]["answer"]
    reordered = copy.deepcopy(lab.configs["leaf3"])
    reordered[IFACES]["interface"].reverse()
    lab.fleet["leaf3"].load_config(reordered)
    report = lab.push()
    assert lab.status(report) == dict.fromkeys(NAMES, "unchanged")
    after = record(lab)["devices"]["leaf3"]["answer"]
    assert after != before  # other bytes: decoded, diffed (same entries), recorded


def test_a_rebuilt_file_is_diffed_against_the_device(lab: Lab) -> None:
    assert lab.push().ok
    lab.configs["leaf4"] = with_hostname(lab.configs["leaf4"], "renamed")
    write_build(lab.build, lab.configs)
    report = lab.push()
    leaf4 = next(r for r in report.results if r.device == "leaf4")
    assert leaf4.status == "changed"
    assert [(c.op, c.path, c.new) for c in leaf4.changes] == [
        ("~", "/system/config/hostname", "renamed")
    ]


def test_an_answer_in_sync_in_update_mode_does_not_hold_for_a_replace(
    sim_fleet_factory: Any, tmp_path: Path
) -> None:
    lab = make_lab(sim_fleet_factory, tmp_path, "p001")
    extra = copy.deepcopy(lab.configs["leaf1"])
    extra[IFACES]["interface"][0]["config"]["description"] = "set by hand"
    for name in NAMES:
        intended = lab.configs[name]
        intended[IFACES]["interface"][0]["config"].pop("description", None)
        lab.fleet[name].load_config({**extra, "openconfig-system:system": intended[
            "openconfig-system:system"]})
    write_build(lab.build, lab.configs)
    update = lab.push(mode="update")
    assert lab.status(update) == dict.fromkeys(NAMES, "unchanged")  # update keeps the extra
    assert {e["mode"] for e in record(lab)["devices"].values()} == {"update"}
    replace = lab.push()
    assert lab.status(replace) == dict.fromkeys(NAMES, "changed")
    assert all(c.op == "-" for r in replace.results for c in r.changes)


def test_a_record_of_another_schema_or_code_or_a_broken_one_is_ignored(lab: Lab) -> None:
    assert lab.push().ok
    file = lab.tmp / "journal" / FILE
    changed = copy.deepcopy(lab.configs["leaf1"])
    changed["openconfig-system:system"]["config"]["hostname"] = "by-hand"
    lab.fleet["leaf1"].load_config(changed)
    document = record(lab)
    forged = _answer_digest(lab, "leaf1")  # a false entry: this answer differs from the file
    document["devices"]["leaf1"]["answer"] = forged
    document["key"] = "another-version/another-schema"
    file.write_text(json.dumps(document))
    report = lab.push()
    assert lab.status(report)["leaf1"] == "changed"  # the entry of another key was dropped
    file.write_text('{"format": 1, "key": ')  # torn
    assert lab.status(lab.push()) == dict.fromkeys(NAMES, "unchanged")
    assert sorted(record(lab)["devices"]) == NAMES  # written again, whole


def test_no_record_without_a_journal_or_in_a_dry_run(lab: Lab) -> None:
    assert lab.push(dry_run=True).journal is None
    assert not (lab.tmp / "journal" / FILE).exists()


def test_answers_differing_in_order_prefix_or_number_form_have_other_digests() -> None:
    """The digest is of the bytes: an answer that equals another only once decoded (key
    order, an identity's prefix, a number as a string) has another digest, so it is
    decoded and diffed, never taken for the recorded one."""
    kind = "openconfig-network-instance-types:DEFAULT_INSTANCE"
    texts = [
        f'{{"config":{{"name":"default","type":"{kind}","mtu":9000}}}}',
        f'{{"config":{{"type":"{kind}","name":"default","mtu":9000}}}}',
        '{"config":{"name":"default","type":"DEFAULT_INSTANCE","mtu":9000}}',
        f'{{"config":{{"name":"default","type":"{kind}","mtu":"9000"}}}}',
        f'{{"config":{{"name":"default","type":"{kind}","mtu":9000}} }}',
    ]
    path = [gnmi_pb2.PathElem(name=NI)]
    digests = {
        Answer("d", [NI], [(path, gnmi_pb2.TypedValue(json_ietf_val=t.encode()))]).digest
        for t in texts
    }
    assert len(digests) == len(texts)
    same = Answer("d", [NI], [(path, gnmi_pb2.TypedValue(json_ietf_val=texts[0].encode()))])
    assert same.digest in digests
    at_slash = Answer("d", [NI], [([], gnmi_pb2.TypedValue(json_ietf_val=texts[0].encode()))])
    assert at_slash.digest not in digests  # the path is part of it
    as_json = Answer("d", [NI], [(path, gnmi_pb2.TypedValue(json_val=texts[0].encode()))])
    assert as_json.digest not in digests  # so is the encoding


def test_the_record_holds_only_for_its_file_answer_and_mode(tmp_path: Path) -> None:
    insync = InSync(tmp_path / FILE, "schema-1")
    insync.note("leaf1", "sha256:file", "sha256:answer", ["a:b"], "replace")
    insync.note("leaf2", "sha256:file", "sha256:answer", ["a:b"], "update")
    assert insync.expected("leaf1", "sha256:file", "replace") == "sha256:answer"
    assert insync.expected("leaf1", "sha256:file", "update") == "sha256:answer"
    assert insync.expected("leaf1", "sha256:other", "replace") is None  # another file
    assert insync.expected("leaf3", "sha256:file", "replace") is None
    assert insync.expected("leaf2", "sha256:file", "update") == "sha256:answer"
    assert insync.expected("leaf2", "sha256:file", "replace") is None  # update-mode entry
    assert insync.roots("leaf1", "sha256:file") == ["a:b"]
    assert insync.roots("leaf1", "sha256:other") is None
    insync.save({"leaf1", "leaf2"})
    assert InSync(tmp_path / FILE, "schema-1").expected("leaf1", "sha256:file", "replace")
    assert not InSync(tmp_path / FILE, "schema-2").expected("leaf1", "sha256:file", "replace")
    insync.save({"leaf2"})  # leaf1 left the build: its entry goes
    assert InSync(tmp_path / FILE, "schema-1").roots("leaf1", "sha256:file") is None
    assert InSync(tmp_path / FILE, "schema-1").roots("leaf2", "sha256:file") == ["a:b"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [FILE]  # no temporary file left


def _answer_digest(lab: Lab, name: str) -> str:
    from netdata.push._gnmi import Endpoint, Session

    device = lab.fleet[name]
    endpoint = Endpoint(name, device.host, device.port, plaintext=True)
    with Session(endpoint) as session:
        return session.answer(list(lab.configs[name])).digest


def test_a_push_of_some_devices_keeps_the_others_entries(lab: Lab) -> None:
    assert lab.push().ok
    report = push(lab.build, targets=lab.targets, devices=["leaf1"],
                  journal_dir=lab.tmp / "journal")
    assert lab.status(report) == {"leaf1": "unchanged"}
    assert sorted(record(lab)["devices"]) == NAMES
    lab.configs.pop("leaf4")
    write_build(lab.build, lab.configs)  # leaf4 left the build
    lab.push()
    assert sorted(record(lab)["devices"]) == NAMES[:3]


def test_without_sources_to_key_it_no_earlier_record_matches(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A frozen install has no module sources: the key is then one no saved record has."""
    from netdata.push import _diff, _insync

    saved = InSync(tmp_path / FILE, "schema-1")
    saved.note("leaf1", "sha256:file", "sha256:answer", ["a:b"], "replace")
    saved.save({"leaf1"})
    monkeypatch.setattr(_diff, "__file__", str(tmp_path / "gone.py"))
    _insync._code_key.cache_clear()
    try:
        unkeyed = InSync(tmp_path / FILE, "schema-1")
        assert unkeyed.key.startswith("unkeyed-")
        assert unkeyed.expected("leaf1", "sha256:file", "replace") is None
    finally:
        _insync._code_key.cache_clear()
