"""Build through a real Dask cluster: the same bytes as the local executor."""

from __future__ import annotations

import json
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import netdata
from netdata._exceptions import SetupError
from netdata.cli import main

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from cluster_lab import Cluster  # noqa: E402
from fleet import write_fleet  # noqa: E402  (bench/fleet.py: the one fleet generator)

FABRIC = ROOT / "examples" / "fabric"
BAD = {  # a conflict cue reports at export, and a value the validator refuses (port 99999)
    "groups/host/leaf2.yaml": "lldp: {hello_timer: 31}\n",
    "groups/host/spine1.yaml": "syslog: {10.10.255.51: {port: 99999, facility: LOCAL7, "
    "severity: INFORMATIONAL}}\n",
}


@pytest.fixture(autouse=True)
def _models(models: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETDATA_YANG_PATH", str(models))


def _fabric(folder: Path) -> Path:
    shutil.copytree(FABRIC, folder)
    for name, text in BAD.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


def outputs(folder: Path) -> dict[str, Any]:
    """Every output file's bytes; build.json parsed, its build times and the stat
    identities of its files (``state``: they differ by run) left out."""
    found: dict[str, Any] = {p.name: p.read_bytes() for p in folder.glob("*.json")}
    manifest = json.loads(found.pop("build.json"))
    manifest.pop("state")
    for entry in manifest["devices"].values():
        entry.pop("built_at")
    found["build.json"] = manifest
    return found


def test_fabric_same_bytes_as_local(tmp_path: Path, cluster: Cluster) -> None:
    repo = _fabric(tmp_path / "fabric")
    local = netdata.build(repo, jobs=1)
    shutil.move(repo / "build", tmp_path / "local")
    remote = netdata.build(repo, executor=cluster.address)
    assert sorted(remote.failed) == sorted(local.failed) == ["leaf2", "spine1"]
    assert outputs(repo / "build") == outputs(tmp_path / "local")
    errors = {e.message for e in remote.devices["spine1"].errors}
    assert any("99999" in m for m in errors), errors
    assert remote.devices["leaf2"].errors[0].positions  # cue's positions, in the user's files


def test_fleet_of_500_same_bytes_and_a_worker_killed_midway(
    tmp_path: Path, cluster: Cluster
) -> None:
    """Shards of SHARD_SIZE on two one-thread workers; w2 is killed while it runs one."""
    write_fleet(tmp_path / "fleet", 500)
    repo = tmp_path / "fleet"
    netdata.build(repo, jobs=2)
    shutil.move(repo / "build", tmp_path / "local")
    try:
        with cluster.client() as client:
            killer = threading.Thread(target=_kill_when_busy, args=(cluster, client, "w2"))
            killer.start()
            try:
                result = netdata.build(repo, executor=client)
            finally:
                killer.join()
            assert "w2" not in cluster.workers(client)
        assert result.ok and len(result.devices) == 500
        assert outputs(repo / "build") == outputs(tmp_path / "local")
    finally:
        if "w2" not in cluster.processes:
            cluster.start_worker("w2", "site-fra=1")


def _kill_when_busy(cluster: Cluster, client: Any, name: str) -> None:
    """Kill worker ``name`` once it has a shard running (at most 120 s of waiting)."""
    address = cluster.workers(client)[name]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if client.processing(workers=[address]).get(address):
            time.sleep(0.5)  # inside the shard's cue run
            cluster.kill(name)
            return
        time.sleep(0.05)


def test_worker_without_cue_fails_like_doctor(tmp_path: Path, cluster: Cluster) -> None:
    """A worker whose cue is unusable fails the first job with doctor's message and its name."""
    broken = Cluster(tmp_path / "broken")
    broken.folder.mkdir()
    try:
        broken.start_scheduler()
        broken.start_worker("nocue", env={"NETDATA_CUE": str(tmp_path / "missing-cue")})
        with pytest.raises(SetupError) as caught:
            netdata.build(_fabric(tmp_path / "fabric"), executor=broken.address)
    finally:
        broken.close()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NETDATA_CUE", str(tmp_path / "missing-cue"))
        from netdata.cli.doctor import _cue

        with pytest.raises(SetupError) as doctor:
            _cue(None)  # type: ignore[arg-type]
    message = str(caught.value)
    assert message.startswith("worker tcp://127.0.0.1:") and str(doctor.value) in message


def test_validate_and_the_cli_through_the_cluster(tmp_path: Path, cluster: Cluster) -> None:
    """``netdata validate --executor`` gives the local verdicts; ``netdata build --executor``."""
    repo = _fabric(tmp_path / "fabric")
    assert main(["build", "--repo", str(repo), "--executor", cluster.address, "-q"]) == 1
    files = sorted(str(p) for p in (repo / "build").glob("*.json") if p.name != "build.json")
    bad = json.loads(Path(files[0]).read_text())
    bad["openconfig-system:system"]["config"]["hostname"] = 7
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    files.append(str(tmp_path / "bad.json"))
    local = netdata.validate(files)
    remote = netdata.validate(files, executor=cluster.address)
    assert remote == local and [r.valid for r in remote].count(False) == 1
    with pytest.raises(SystemExit) as usage:
        main(["validate", "--executor", "tcp://nowhere", *files])  # no port
    assert usage.value.code == 2
