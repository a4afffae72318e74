"""Pushing a built fleet to simulated devices through the API: Sets, policy, faults, journal."""

from __future__ import annotations

import gc
import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import pytest
from push_helpers import corpus, with_hostname, write_build, write_targets

from netdata.push import Options, Policy, Report, diff, diff_configs, push, resume, rollback
from netdata.sim import SimFleet


@dataclass
class Lab:
    fleet: SimFleet
    build: Path
    targets: Path
    configs: dict[str, dict[str, Any]]
    tmp: Path

    def push(self, **options: Any) -> Report:
        policy = Policy(**options.pop("policy", {}))
        return push(
            self.build,
            targets=self.targets,
            options=Options(**options),
            policy=policy,
            journal_dir=self.tmp / "journal",
        )

    def status(self, report: Report) -> dict[str, str]:
        return {r.device: r.status for r in report.results}

    def message(self, report: Report, name: str) -> str:
        return next(r.message for r in report.results if r.device == name)

    def holds_intended(self, name: str, schema: Any) -> bool:
        return diff_configs(self.configs[name], self.fleet[name].config, schema) == []


NAMES = ["leaf1", "leaf2", "leaf3", "leaf4"]


def make_lab(factory: Any, tmp: Path, document: str = "p015", **defaults: Any) -> Lab:
    configs = {n: with_hostname(corpus(document), n) for n in NAMES}
    fleet = factory(NAMES)
    build = write_build(tmp / "build", configs)
    return Lab(fleet, build, write_targets(tmp / "targets.json", fleet, **defaults), configs, tmp)


@pytest.fixture
def lab(sim_fleet_factory: Any, tmp_path: Path) -> Lab:
    return make_lab(sim_fleet_factory, tmp_path)


def test_push_then_a_second_push_sends_no_set(lab: Lab, schema: Any) -> None:
    report = lab.push()
    assert report.ok and lab.status(report) == dict.fromkeys(NAMES, "changed")
    for name in NAMES:
        device = lab.fleet[name]
        assert lab.holds_intended(name, schema)
        assert device.commits == 1 and device.pending_commit is None  # confirmed
    again = lab.push()
    assert lab.status(again) == dict.fromkeys(NAMES, "unchanged")
    assert [lab.fleet[n].commits for n in NAMES] == [1, 1, 1, 1]
    assert diff(lab.build, targets=lab.targets).counts["unchanged"] == 4


def test_dry_run_sends_no_set(lab: Lab) -> None:
    report = lab.push(dry_run=True)
    assert lab.status(report) == dict.fromkeys(NAMES, "would-change")
    assert all(r.changes for r in report.results)
    assert [lab.fleet[n].commits for n in NAMES] == [0, 0, 0, 0]
    assert report.journal is None


def test_a_rejected_set_stops_the_run_and_devices_are_old_or_new(lab: Lab, schema: Any) -> None:
    lab.fleet["leaf3"].reject_next_set(grpc.StatusCode.RESOURCE_EXHAUSTED, "TCAM full")
    report = lab.push(policy={"concurrency": 1})
    assert lab.status(report) == {
        "leaf1": "changed",
        "leaf2": "changed",
        "leaf3": "failed",
        "leaf4": "skipped",
    }
    failed = {r.device: r.message for r in report.results}
    assert "TCAM full" in failed["leaf3"] and "not attempted" in failed["leaf4"]
    assert report.stopped and not report.ok
    assert lab.holds_intended("leaf1", schema) and lab.holds_intended("leaf2", schema)
    assert lab.fleet["leaf3"].config == {} and lab.fleet["leaf4"].config == {}


def test_rollback_on_failure_leaves_every_device_old(lab: Lab) -> None:
    lab.fleet["leaf3"].reject_next_set()
    report = lab.push(rollback_on_failure=True, policy={"concurrency": 1})
    assert lab.status(report) == {
        "leaf1": "rolled-back",
        "leaf2": "rolled-back",
        "leaf3": "failed",
        "leaf4": "skipped",
    }
    assert all(lab.fleet[n].config == {} for n in NAMES)


def test_continue_on_error_pushes_the_others(lab: Lab, schema: Any) -> None:
    lab.fleet["leaf2"].reject_next_set()
    report = lab.push(policy={"concurrency": 2, "max_failures": None})
    assert lab.status(report)["leaf2"] == "failed"
    assert all(lab.holds_intended(n, schema) for n in NAMES if n != "leaf2")


def test_a_failing_canary_stops_before_the_rest(lab: Lab) -> None:
    lab.fleet["leaf1"].reject_next_set()
    report = lab.push(policy={"canary": 1, "max_failures": 3})
    assert lab.status(report) == {
        "leaf1": "failed",
        "leaf2": "skipped",
        "leaf3": "skipped",
        "leaf4": "skipped",
    }
    assert [lab.fleet[n].commits for n in NAMES] == [0, 0, 0, 0]


def test_the_garbage_collector_is_left_as_it_was_after_a_run(lab: Lab) -> None:
    assert gc.isenabled()
    assert lab.push().ok and gc.isenabled()  # paused during the run only
    gc.disable()
    try:
        assert lab.push().counts["unchanged"] == 4 and not gc.isenabled()
    finally:
        gc.enable()


def test_a_down_or_slow_device_fails_alone(
    sim_fleet_factory: Any, tmp_path: Path, schema: Any
) -> None:
    lab = make_lab(sim_fleet_factory, tmp_path, "p001", timeout=1, connect_timeout=1)
    lab.fleet["leaf2"].refuse_connections()
    lab.fleet["leaf3"].set_latency(30)
    start = time.monotonic()
    report = lab.push(policy={"max_failures": None})
    assert time.monotonic() - start < 15
    results = {r.device: r for r in report.results}
    assert results["leaf2"].status == "failed" and "UNAVAILABLE" in results["leaf2"].message
    assert results["leaf3"].status == "failed"
    assert "DEADLINE_EXCEEDED" in results["leaf3"].message and "leaf3" in results["leaf3"].message
    assert lab.holds_intended("leaf1", schema) and lab.holds_intended("leaf4", schema)


def test_a_connection_dropped_during_the_set_is_resolved_by_a_get(lab: Lab, schema: Any) -> None:
    lab.fleet["leaf1"].drop_next_set()  # before the commit: not applied
    lab.fleet["leaf2"].drop_next_set(committed=True)  # just after it: applied
    report = lab.push(policy={"max_failures": None})
    results = {r.device: r for r in report.results}
    assert results["leaf1"].status == "failed"
    assert "unchanged: the Set was not applied (not retried)" in results["leaf1"].message
    assert lab.fleet["leaf1"].commits == 0  # no blind retry
    assert results["leaf2"].status == "changed" and lab.holds_intended("leaf2", schema)
    assert lab.fleet["leaf2"].commits == 1 and lab.fleet["leaf2"].pending_commit is None


def test_commit_confirmed_device_that_stops_answering_rolls_back(
    sim_fleet_factory: Any, tmp_path: Path
) -> None:
    lab = make_lab(sim_fleet_factory, tmp_path, "p001", timeout=1)
    leaf1 = lab.fleet["leaf1"]
    leaf1.stall_after_next_set(30)
    report = lab.push(confirm_timeout=1.5, policy={"max_failures": None})
    result = {r.device: r for r in report.results}["leaf1"]
    assert result.status == "failed" and "rolls back by itself within 1.5 s" in result.message
    assert leaf1.commits == 1 and leaf1.pending_commit is not None
    deadline = time.monotonic() + 10
    while leaf1.pending_commit is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert leaf1.pending_commit is None and leaf1.config == {}  # the device rolled back


def test_failed_and_stale_builds_are_skipped(sim_fleet_factory: Any, tmp_path: Path) -> None:
    configs = {n: with_hostname(corpus("p001"), n) for n in NAMES[:2]}
    fleet = sim_fleet_factory(NAMES[:3])
    build = write_build(tmp_path / "build", configs, failed={"leaf3": "bad mtu"})
    (build / "leaf2.json").write_text(json.dumps(configs["leaf1"]))  # edited after the build
    targets = write_targets(tmp_path / "t.json", fleet)
    report = push(build, targets=targets, journal_dir=tmp_path / "j")
    results = {r.device: r for r in report.results}
    assert results["leaf1"].status == "changed"
    assert results["leaf2"].status == "skipped" and "stale" in results["leaf2"].message
    assert results["leaf3"].status == "skipped" and "'failed'" in results["leaf3"].message
    assert [fleet[n].commits for n in NAMES[:3]] == [1, 0, 0]


def test_a_built_file_that_is_not_rfc7951_fails_its_device_alone(
    sim_fleet_factory: Any, tmp_path: Path
) -> None:
    configs = {n: with_hostname(corpus("p001"), n) for n in NAMES[:3]}
    fleet = sim_fleet_factory(NAMES[:3])
    build = write_build(tmp_path / "build", configs)
    manifest = json.loads((build / "build.json").read_text())
    for name, text in (("leaf2", "{not json"), ("leaf3", '{"interfaces": {}}')):
        (build / f"{name}.json").write_text(text)  # build.json's digest says the build wrote it
        digest = "sha256:" + hashlib.sha256(text.encode()).hexdigest()
        manifest["devices"][name]["output_digest"] = digest
    (build / "build.json").write_text(json.dumps(manifest))
    targets = write_targets(tmp_path / "t.json", fleet)
    report = push(build, targets=targets, journal_dir=tmp_path / "j", policy=Policy(max_failures=5))
    results = {r.device: (r.status, r.message) for r in report.results}
    assert results["leaf1"][0] == "changed"
    assert results["leaf2"][0] == "failed" and "leaf2.json: not JSON" in results["leaf2"][1]
    assert results["leaf3"][0] == "failed" and "module-qualified" in results["leaf3"][1]
    assert [fleet[n].commits for n in NAMES[:3]] == [1, 0, 0]


def test_update_mode_merges(sim_fleet_factory: Any, tmp_path: Path, schema: Any) -> None:
    system = {"openconfig-system:system": {"config": {"hostname": "leaf1"}}}
    start = {"openconfig-system:system": {"config": {"hostname": "old", "domain-name": "lab"}}}
    fleet = sim_fleet_factory(["leaf1"], startup={"leaf1": start})
    build = write_build(tmp_path / "build", {"leaf1": system})
    targets = write_targets(tmp_path / "t.json", fleet)
    report = push(build, targets=targets, options=Options(mode="update"), journal_dir=None)
    assert report.ok and report.results[0].status == "changed"
    config = fleet["leaf1"].config["openconfig-system:system"]["config"]
    assert config == {"hostname": "leaf1", "domain-name": "lab"}
    push(build, targets=targets, journal_dir=None)  # replace: the domain name goes
    assert fleet["leaf1"].config["openconfig-system:system"]["config"] == {"hostname": "leaf1"}


def test_journal_records_every_step_and_rolls_a_run_back(
    sim_fleet_factory: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NETDATA_GNMI_USERNAME", "admin")
    monkeypatch.setenv("NETDATA_GNMI_PASSWORD", "pa55-w0rd")
    old = corpus("p001")
    fleet = sim_fleet_factory(
        NAMES[:2], startup=dict.fromkeys(NAMES[:2], old), username="admin", password="pa55-w0rd"
    )
    configs = {n: with_hostname(corpus("p015"), n) for n in NAMES[:2]}
    build = write_build(tmp_path / "build", configs)
    targets = write_targets(tmp_path / "t.json", fleet)
    report = push(build, targets=targets, journal_dir=tmp_path / "journal")
    assert report.ok and report.journal is not None
    text = report.journal.read_text()
    assert "pa55-w0rd" not in text
    events = [json.loads(line) for line in text.splitlines()]
    assert events[0]["event"] == "run" and events[-1]["event"] == "end"
    kinds = [e["event"] for e in events if e.get("device") == "leaf1"]
    assert kinds == ["diff", "set", "verified", "result"]
    diff_event = next(e for e in events if e["event"] == "diff" and e["device"] == "leaf1")
    assert diff_event["digest"].startswith("sha256:") and diff_event["changes"] > 0
    before = json.loads((report.journal.parent / diff_event["before"]).read_text())
    reference = SimFleet(["ref"], startup={"ref": old})["ref"]  # the canonical form of `old`
    assert before == {r: v for r, v in reference.config.items() if r in configs["leaf1"]}
    undone = rollback(report.journal)
    assert {r.device: r.status for r in undone.results} == dict.fromkeys(NAMES[:2], "rolled-back")
    assert all(fleet[n].config_text == reference.config_text for n in NAMES[:2])
    again = rollback(report.journal)
    assert {r.status for r in again.results} == {"unchanged"}
    assert "pa55-w0rd" not in report.journal.read_text()


@pytest.mark.parametrize("confirmed", [True, False], ids=["commit-confirmed", "restore"])
def test_a_device_holding_something_else_after_its_set_is_rolled_back(
    sim_fleet_factory: Any, tmp_path: Path, schema: Any, confirmed: bool
) -> None:
    lab = make_lab(sim_fleet_factory, tmp_path, commit_confirmed=confirmed)
    old = {"openconfig-system:system": {"config": {"hostname": "old"}}}
    for name in NAMES:
        lab.fleet[name].load_config(old)
    lab.fleet["leaf3"].misapply_next_set(with_hostname(corpus("p001"), "leaf3"))
    report = lab.push(rollback_on_failure=True, policy={"concurrency": 1})
    assert lab.status(report) == dict(zip(NAMES, [*["rolled-back"] * 3, "skipped"], strict=True))
    leaf3 = lab.message(report, "leaf3")
    assert leaf3.startswith("verification failed: ")
    assert leaf3.endswith("; commit cancelled" if confirmed else "; restored")
    assert report.stopped and not report.ok
    assert all(lab.fleet[n].config == old for n in NAMES)  # the whole fleet is old
    assert all(lab.fleet[n].pending_commit is None for n in NAMES)


def test_a_failed_verification_without_rollback_is_reported_failed(
    sim_fleet_factory: Any, tmp_path: Path, schema: Any
) -> None:
    lab = make_lab(sim_fleet_factory, tmp_path, commit_confirmed=False)
    lab.fleet["leaf2"].misapply_next_set()  # answers the Set, keeps the old config
    report = lab.push(policy={"concurrency": 1})
    expected = ["changed", "failed", "skipped", "skipped"]
    assert lab.status(report) == dict(zip(NAMES, expected, strict=True))
    message = lab.message(report, "leaf2")
    assert message.startswith("verification failed: ") and "difference(s) after the Set" in message
    assert lab.fleet["leaf2"].commits == 1  # the Set was answered as a success
    assert lab.holds_intended("leaf1", schema)  # every device entirely new or entirely old
    assert all(lab.fleet[n].config == {} for n in NAMES[1:])


def test_a_target_refusing_config_gets_is_read_with_all(lab: Lab, schema: Any) -> None:
    for name in ("leaf2", "leaf4"):
        lab.fleet[name].refuse_config_gets()
    dry = lab.push(dry_run=True)
    assert lab.status(dry) == dict.fromkeys(NAMES, "would-change")
    datatypes = {r.device: r.datatype for r in dry.results}
    assert datatypes == {"leaf1": "config", "leaf2": "all", "leaf3": "config", "leaf4": "all"}
    leaf2 = {r.device: r for r in dry.results}["leaf2"]
    assert "datatype ALL" in leaf2.message and "UNIMPLEMENTED" in leaf2.message
    assert leaf2.to_json()["datatype"] == "all"
    report = lab.push()
    assert lab.status(report) == dict.fromkeys(NAMES, "changed")  # verified through ALL
    assert all(lab.holds_intended(n, schema) for n in NAMES)
    again = diff(lab.build, targets=lab.targets)
    assert again.counts["unchanged"] == 4  # ALL brings state data: the diff ignores it
    assert {r.device: r.datatype for r in again.results} == datatypes


def test_resume_confirms_a_commit_its_run_left_waiting(
    sim_fleet_factory: Any, tmp_path: Path, schema: Any
) -> None:
    lab = make_lab(sim_fleet_factory, tmp_path, "p001", timeout=1)
    lab.fleet["leaf2"].stall_after_next_set(30)  # committed, then the verify Get times out
    report = lab.push(policy={"concurrency": 1})
    assert lab.status(report)["leaf2"] == "failed" and report.journal is not None
    assert lab.fleet["leaf2"].pending_commit is not None  # would roll back in 120 s
    lab.fleet["leaf2"].clear_faults()
    resumed = resume(report.journal)
    results = {r.device: r for r in resumed.results}
    assert results["leaf2"].status == "changed" and "verified by Get on resume" in (
        results["leaf2"].message
    )
    assert lab.fleet["leaf2"].pending_commit is None and lab.fleet["leaf2"].commits == 1
    assert all(lab.holds_intended(n, schema) for n in NAMES)
