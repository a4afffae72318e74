"""`netdata diff` / `netdata push` as a user runs them, and interop with OpenConfig's gnmi_cli."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import text_format
from push_helpers import REPO, corpus, with_hostname, write_build, write_targets
from pygnmi.spec.v080 import gnmi_pb2

from netdata.push import diff_configs

GNMI_CLI = REPO / ".venv" / "bin" / "gnmi_cli"
IFACES = "openconfig-interfaces:interfaces"
NAMES = ["leaf1", "leaf2", "leaf3", "leaf4", "leaf5", "leaf6"]


def netdata(*args: str, cwd: Path, **options: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "netdata", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        **options,
    )


def netdata_process(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "netdata", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
    )


def gnmi_cli(device: Any, mode: str, proto: str) -> str:
    if not GNMI_CLI.is_file():
        pytest.fail(f"{GNMI_CLI} missing: run scripts/setup.sh --test", pytrace=False)
    address = f"{device.host}:{device.port}"
    proc = subprocess.run(
        [str(GNMI_CLI), "-address", address, "-insecure", mode, "-proto", proto, "-timeout", "10s"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def lab(
    factory: Any, tmp: Path, names: list[str], document: str = "p015"
) -> tuple[Any, dict[str, Any]]:
    configs = {n: with_hostname(corpus(document), n) for n in names}
    fleet = factory(names)
    write_build(tmp / "build", configs)
    write_targets(tmp / "targets.json", fleet)
    return fleet, configs


def test_diff_then_push_then_an_empty_diff(sim_fleet_factory: Any, tmp_path: Path) -> None:
    fleet, _ = lab(sim_fleet_factory, tmp_path, NAMES[:2], "p001")
    args = ["--build-dir", "build", "--targets", "targets.json"]
    before = netdata("diff", *args, "--exit-code", cwd=tmp_path)
    assert before.returncode == 1, before.stderr
    assert netdata("diff", *args, cwd=tmp_path).returncode == 0  # differs, no --exit-code
    assert "leaf1: " in before.stdout and "change(s)" in before.stdout
    assert "leaves added" in before.stdout  # every interface is new: folded per entry
    assert "0 changed, 0 unchanged, 2 would-change, 0 failed" in before.stdout
    pushed = netdata("push", *args, "--json", cwd=tmp_path)
    assert pushed.returncode == 0, pushed.stderr
    report = json.loads(pushed.stdout)
    assert report["counts"]["changed"] == 2 and Path(tmp_path, report["journal"]).is_file()
    assert [d.commits for d in fleet] == [1, 1]
    after = netdata("diff", *args, cwd=tmp_path)
    assert after.returncode == 0 and "2 unchanged" in after.stdout
    dry = netdata("push", *args, "--dry-run", cwd=tmp_path)
    assert dry.returncode == 0 and [d.commits for d in fleet] == [1, 1]


def test_gnmi_cli_reads_back_what_netdata_pushed_and_netdata_sees_its_sets(
    sim_fleet_factory: Any, tmp_path: Path, schema: Any
) -> None:
    fleet, configs = lab(sim_fleet_factory, tmp_path, ["leaf1"])
    args = ["--build-dir", "build", "--targets", "targets.json"]
    assert netdata("push", *args, cwd=tmp_path).returncode == 0
    text = gnmi_cli(
        fleet["leaf1"], "-get", f'path: <elem: <name: "{IFACES}">> type: CONFIG encoding: JSON_IETF'
    )
    response = text_format.Parse(text, gnmi_pb2.GetResponse())
    read_back = json.loads(response.notification[0].update[0].val.json_ietf_val)
    assert diff_configs({IFACES: configs["leaf1"][IFACES]}, {IFACES: read_back}, schema) == []
    first = configs["leaf1"][IFACES]["interface"][0]
    gnmi_cli(
        fleet["leaf1"],
        "-set",
        f'update: <path: <elem: <name: "{IFACES}"> '
        f'elem: <name: "interface" key: <key: "name" value: "{first["name"]}">> '
        'elem: <name: "config"> elem: <name: "mtu">> val: <uint_val: 1234>>',
    )
    seen = netdata("diff", *args, "--json", "--exit-code", cwd=tmp_path)
    assert seen.returncode == 1
    changes = json.loads(seen.stdout)["devices"][0]["changes"]
    assert changes == [
        {
            "op": "~",
            "path": f"/interfaces/interface[name={first['name']}]/config/mtu",
            "old": 1234,
            "new": first["config"]["mtu"],
        }
    ]


def test_bad_input_is_a_clear_error(tmp_path: Path) -> None:
    missing = netdata("push", "--build-dir", "nowhere", cwd=tmp_path)
    assert missing.returncode == 2 and "build.json" in missing.stderr
    write_build(tmp_path / "build", {"leaf1": corpus("p001")})
    (tmp_path / "t.yaml").write_text("defaults: {password: hunter2}\n")
    secret = netdata("diff", "--build-dir", "build", "--targets", "t.yaml", cwd=tmp_path)
    assert secret.returncode == 2 and "password_file" in secret.stderr
    assert "hunter2" not in secret.stderr
    for output in (missing.stderr, secret.stderr):
        assert "Traceback" not in output
    usage = netdata("push", "--concurrency", "0", cwd=tmp_path)
    assert usage.returncode == 2 and "--concurrency" in usage.stderr
    usage = netdata("diff", "--max-message-mb", "4096", cwd=tmp_path)
    assert usage.returncode == 2 and "--max-message-mb must be 1-2047" in usage.stderr


def test_a_killed_run_resumes_from_its_journal(
    sim_fleet_factory: Any, tmp_path: Path, schema: Any
) -> None:
    fleet, configs = lab(sim_fleet_factory, tmp_path, NAMES, "p001")
    for device in fleet:
        device.set_latency(0.15)  # about a second per device: time to kill the run midway
    run = netdata_process(
        "push",
        "--build-dir",
        "build",
        "--targets",
        "targets.json",
        "--concurrency",
        "1",
        cwd=tmp_path,
    )
    journal_dir = tmp_path / ".netdata" / "journal"
    deadline = time.monotonic() + 60
    journal: Path | None = None
    while time.monotonic() < deadline:
        found = sorted(journal_dir.glob("*.jsonl")) if journal_dir.is_dir() else []
        if found and found[0].read_text().count('"event": "result"') >= 2:
            journal = found[0]
            break
        time.sleep(0.05)
    assert journal is not None, "the run did not get two devices done"
    run.send_signal(signal.SIGKILL)
    run.wait()
    done = {
        json.loads(line)["device"]
        for line in journal.read_text().splitlines()
        if '"event": "result"' in line
    }
    assert 2 <= len(done) < len(NAMES)
    commits = {d.name: d.commits for d in fleet}
    for device in fleet:
        device.set_latency(0)
    resumed = netdata("push", "--resume", str(journal), "--json", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    results = {r["device"]: r for r in json.loads(resumed.stdout)["devices"]}
    for name in NAMES:
        assert diff_configs(configs[name], fleet[name].config, schema) == []
    for name in done:
        assert results[name]["message"] == "done before the resume"
        assert fleet[name].commits == commits[name] == 1  # not touched again
    assert all(fleet[n].commits == 1 for n in NAMES)  # a device the kill interrupted: one Set
    events = [json.loads(line)["event"] for line in journal.read_text().splitlines()]
    assert "resume" in events and events[-1] == "end"


def wait_for_journal(folder: Path, ready: Any) -> Path:
    """The run's journal once ``ready(events)`` holds (a minute at most)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = sorted(folder.glob("*.jsonl")) if folder.is_dir() else []
        if found:
            events = []
            for line in found[0].read_text().splitlines():
                try:
                    events.append(json.loads(line))
                except ValueError:  # a line being written
                    break
            if ready(events):
                return found[0]
        time.sleep(0.05)
    raise AssertionError("the run did not get there")


@pytest.mark.parametrize("expired", [False, True], ids=["still-pending", "timer-expired"])
def test_a_set_of_unknown_outcome_is_checked_by_a_get_on_resume(
    sim_fleet_factory: Any, tmp_path: Path, schema: Any, expired: bool
) -> None:
    names = NAMES[:4]
    fleet, configs = lab(sim_fleet_factory, tmp_path, names, "p001")
    fleet["leaf2"].stall_after_next_set(60)  # committed, then no answer: the verify Get hangs
    timeout = "2" if expired else "120"
    run = netdata_process(
        "push",
        "--targets",
        "targets.json",
        "--concurrency",
        "1",
        "--confirm-timeout",
        timeout,
        cwd=tmp_path,
    )

    def leaf2_set_sent(events: list[dict[str, Any]]) -> bool:
        return any(e["event"] == "set" and e.get("device") == "leaf2" for e in events)

    journal = wait_for_journal(tmp_path / ".netdata" / "journal", leaf2_set_sent)
    deadline = time.monotonic() + 10
    while fleet["leaf2"].commits == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    run.send_signal(signal.SIGKILL)  # the Set is committed, its verification not answered
    run.wait()
    leaf2 = fleet["leaf2"]
    assert leaf2.commits == 1 and leaf2.pending_commit is not None
    leaf2.clear_faults()
    if expired:  # the device rolled itself back: the old config, so the Set is sent again
        deadline = time.monotonic() + 10
        while leaf2.pending_commit is not None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert leaf2.config == {}
    resumed = netdata("push", "--resume", str(journal), "--json", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    results = {r["device"]: r for r in json.loads(resumed.stdout)["devices"]}
    assert results["leaf1"]["message"] == "done before the resume"
    assert results["leaf2"]["status"] == "changed"
    assert all(diff_configs(configs[n], fleet[n].config, schema) == [] for n in names)
    assert [fleet[n].commits for n in names] == [1, 2 if expired else 1, 1, 1]
    assert all(fleet[n].pending_commit is None for n in names)  # confirmed
    events = [json.loads(line) for line in journal.read_text().splitlines()]
    leaf2_events = [e["event"] for e in events if e.get("device") == "leaf2"]
    if expired:
        assert results["leaf2"]["message"] == ""
        assert leaf2_events == ["diff", "set", "diff", "set", "verified", "result"]
    else:
        assert "applied (verified by Get on resume)" in results["leaf2"]["message"]
        assert leaf2_events == ["diff", "set", "verified", "result"]  # nothing sent again
    resume_event = next(e for e in events if e["event"] == "resume")
    assert resume_event["done"] == ["leaf1"] and resume_event["unknown"] == ["leaf2"]
    undone = netdata("push", "--rollback", str(journal), "--json", cwd=tmp_path)
    assert undone.returncode == 1  # rolled-back devices make the exit status 1
    assert all(fleet[n].config == {} for n in names)  # the run's first snapshots: all old


def test_sim_serves_a_build_and_writes_its_targets(tmp_path: Path) -> None:
    configs = {n: with_hostname(corpus("p001"), n) for n in NAMES[:3]}
    write_build(tmp_path / "build", configs)
    env = {**os.environ, "NETDATA_SIM_PASSWORD": "pw", "NETDATA_SIM_USERNAME": "ops"}
    sim = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "netdata",
            "sim",
            "--devices-from",
            "build",
            "--username",
            "ops",
            "--write-targets",
            "targets.json",
            "--refuse-config-gets",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    try:
        assert sim.stdout is not None
        for line in sim.stdout:
            if line.strip() == "ready":
                break
        pushed = netdata(
            "push", "--build-dir", "build", "--targets", "targets.json", cwd=tmp_path, env=env
        )
        assert pushed.returncode == 0, pushed.stdout + pushed.stderr
        assert "3 changed" in pushed.stdout
        again = netdata(
            "diff", "--build-dir", "build", "--targets", "targets.json", cwd=tmp_path, env=env
        )
        assert again.returncode == 0 and "3 unchanged" in again.stdout
        assert "read with datatype ALL: the device refused CONFIG (UNIMPLEMENTED)" in again.stdout
        as_json = netdata("diff", "--targets", "targets.json", "--json", cwd=tmp_path, env=env)
        devices = json.loads(as_json.stdout)["devices"]
        assert [d["datatype"] for d in devices] == ["all"] * 3
        assert "pw" not in (tmp_path / "targets.json").read_text()
    finally:
        sim.kill()
        sim.wait()


def test_the_repository_settings_give_the_build_folder_and_targets(
    sim_fleet_factory: Any, tmp_path: Path
) -> None:
    configs = {n: with_hostname(corpus("p001"), n) for n in NAMES[:2]}
    fleet = sim_fleet_factory(NAMES[:2])
    write_build(tmp_path / "out", configs)
    (tmp_path / "lab").mkdir()
    write_targets(tmp_path / "lab" / "targets.json", fleet)  # its device ports beat port: 1
    (tmp_path / "netdata.yaml").write_text(
        "output: out\npush:\n  targets: lab/targets.json\n  port: 1\n"
    )
    work = tmp_path / "somewhere" / "below"
    work.mkdir(parents=True)
    pushed = netdata("push", "--json", cwd=work)
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    report = json.loads(pushed.stdout)
    assert report["counts"]["changed"] == 2
    assert Path(report["journal"]).parent == tmp_path / ".netdata" / "journal"
    again = netdata("diff", cwd=work)
    assert again.returncode == 0 and "2 unchanged" in again.stdout
