"""netdata.build on small repositories: outputs, build.json, groups, errors with positions."""

from __future__ import annotations

import gc
import hashlib
import importlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from netdata import build
from netdata.build import Selection
from netdata.schema import SchemaBuild

Repo = Callable[..., Path]


def _manifest(root: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((root / "build" / "build.json").read_text())
    return data


def _errors(result: Any, device: str) -> list[Any]:
    return list(result.devices[device].errors)


def test_builds_every_device_to_rfc7951_that_libyang_accepts(
    repo: Repo, schema_build: SchemaBuild, oracle: Any
) -> None:
    root = repo()
    result = build(root, schema=schema_build)
    assert result.ok, [d.text() for d in result.devices.values()]
    assert sorted(result.devices) == ["leaf1", "leaf2", "spine1"]
    for name in result.devices:
        text = (root / "build" / f"{name}.json").read_bytes()
        doc = json.loads(text)
        expected = json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        assert text == expected.encode()
        assert oracle.check_doc(doc) == (True, "")
        assert doc["openconfig-system:system"]["config"]["hostname"] == name
    leaf1 = json.loads((root / "build" / "leaf1.json").read_text())
    ports = leaf1["openconfig-interfaces:interfaces"]["interface"]
    assert [p["config"]["mtu"] for p in ports] == [9214, 9214]  # groups/role/leaf.yaml
    assert leaf1["openconfig-system:system"]["ntp"]["servers"]["server"][0]["address"] == (
        "192.0.2.100"  # groups/all.yaml
    )
    manifest = _manifest(root)
    assert manifest["format"] == 1 and manifest["schema_digest"].startswith("sha256:")
    entry = manifest["devices"]["leaf1"]
    assert entry["status"] == "ok" and entry["file"] == "leaf1.json" and entry["errors"] == []
    digest = hashlib.sha256((root / "build" / "leaf1.json").read_bytes()).hexdigest()
    assert entry["output_digest"] == f"sha256:{digest}"
    assert entry["host"] == {
        "role": "leaf", "location": "dc1", "platform": None, "tags": ["evpn"],
        "primary_ip4": "192.0.2.11/32", "primary_ip6": None,
    }


def test_a_conflict_between_group_and_host_names_both_files_and_spares_the_others(
    repo: Repo, schema_build: SchemaBuild
) -> None:
    root = repo()
    assert build(root, schema=schema_build).ok
    before = (root / "build" / "leaf2.json").read_bytes()
    hosts = (root / "inventory" / "hosts.yaml").read_text()
    (root / "inventory" / "hosts.yaml").write_text(
        hosts.replace("    location: dc2\n", "    location: dc2\n    mtu: 9000\n")
    )
    result = build(root, schema=schema_build)
    assert not result.ok and result.failed == ["leaf2"]
    assert result.devices["leaf1"].ok and result.devices["spine1"].ok
    (error,) = _errors(result, "leaf2")
    assert "conflicting values" in error.message
    assert "9214" in error.message and "9000" in error.message
    assert "groups/role/leaf.yaml:1:6" in error.positions
    assert any(p == "inventory/hosts.yaml:13:10" for p in error.positions), error
    assert (root / "build" / "leaf2.json").read_bytes() == before  # the old file stays
    entry = _manifest(root)["devices"]["leaf2"]
    assert entry["status"] == "failed" and entry["output_digest"] is None
    assert entry["errors"][0]["positions"] == list(error.positions)


def test_a_value_the_schema_rejects_points_at_the_group_file(
    repo: Repo, schema_build: SchemaBuild
) -> None:
    root = repo({"groups/role/spine.yaml": "# spines\nmtu: 70000\n"})
    result = build(root, schema=schema_build)
    assert result.failed == ["spine1"]
    (error,) = _errors(result, "spine1")
    assert error.path == "/interfaces/interface[name=Ethernet1]/config/mtu"
    assert "70000" in error.message
    assert "groups/role/spine.yaml:2:6" in error.positions


def test_validating_in_chunks_gives_the_same_files_and_errors(
    repo: Repo, schema_build: SchemaBuild, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One device per chunk (validated while the other cue run goes on) against one chunk
    for all: leaf2 fails in the export, spine1 in the validator (its positions come from the
    second export), leaf1 builds."""
    root = repo({"groups/role/spine.yaml": "# spines\nmtu: 70000\n"})
    hosts = (root / "inventory" / "hosts.yaml").read_text()
    (root / "inventory" / "hosts.yaml").write_text(
        hosts.replace("    location: dc2\n", "    location: dc2\n    mtu: 9000\n")
    )
    module = importlib.import_module("netdata.build._build")
    calls: list[int] = []
    real = module.validate_documents

    def counted(documents: Any, **kwargs: Any) -> Any:
        calls.append(len(documents))
        return real(documents, **kwargs)

    monkeypatch.setattr(module, "validate_documents", counted)

    def outputs() -> tuple[dict[str, bytes], dict[str, Any]]:
        build(root, schema=schema_build, force=True, jobs=3)  # one device per cue run
        files = {p.name: p.read_bytes() for p in (root / "build").glob("*.json")}
        devices = json.loads(files.pop("build.json"))["devices"]
        for entry in devices.values():
            entry.pop("built_at")
        return files, devices

    whole = outputs()
    assert calls == [2]
    monkeypatch.setattr(module, "CHUNK_SIZE", 1)
    calls.clear()
    chunked = outputs()
    assert sorted(calls) == [1, 1]
    assert chunked == whole
    files, devices = chunked
    assert sorted(files) == ["leaf1.json"]
    assert {n: d["status"] for n, d in devices.items()} == {
        "leaf1": "ok", "leaf2": "failed", "spine1": "failed"}
    assert "groups/role/spine.yaml:2:6" in devices["spine1"]["errors"][0]["positions"]


def test_a_cue_group_file_default_yields_to_a_more_specific_level(
    repo: Repo, schema_build: SchemaBuild
) -> None:
    root = repo({
        "groups/all.cue": "package groups\n\nntp: [\"192.0.2.100\"]\nmtu: *1500 | int\n",
        "groups/role/spine.yaml": "{}\n",
    })
    (root / "groups" / "all.yaml").unlink()
    result = build(root, schema=schema_build)
    assert result.ok, [d.text() for d in result.devices.values()]
    mtus = {
        n: json.loads((root / "build" / f"{n}.json").read_text())[
            "openconfig-interfaces:interfaces"]["interface"][0]["config"]["mtu"]
        for n in result.devices
    }
    assert mtus == {"leaf1": 9214, "leaf2": 9214, "spine1": 1500}


def test_a_conflict_with_a_cue_group_file_names_its_position(
    repo: Repo, schema_build: SchemaBuild
) -> None:
    root = repo({"groups/location/dc2.cue": "package dc2\n\nmtu: 9100\n"})
    result = build(root, schema=schema_build)
    assert result.failed == ["leaf2"]
    (error,) = _errors(result, "leaf2")
    assert "groups/location/dc2.cue:3:6" in error.positions
    assert "groups/role/leaf.yaml:1:6" in error.positions


def test_a_leafref_without_target_fails_the_device_with_its_data_path(
    repo: Repo, schema_build: SchemaBuild
) -> None:
    root = repo()
    text = (root / "inventory" / "hosts.yaml").read_text()
    (root / "inventory" / "hosts.yaml").write_text(
        text.replace("{description: to spine2}", "{description: to spine2, lag: Port-Channel9}")
    )
    result = build(root, schema=schema_build)
    assert result.failed == ["leaf1"]
    paths = [e.path for e in _errors(result, "leaf1")]
    assert "/interfaces/interface[name=Ethernet2]/ethernet/config/aggregate-id" in paths
    assert build(root, schema=schema_build, leafrefs=False).ok


def test_up_to_date_devices_are_not_rebuilt_and_a_change_rebuilds_only_its_devices(
    repo: Repo, schema_build: SchemaBuild
) -> None:
    root = repo()
    first = build(root, schema=schema_build)
    assert all(d.built for d in first.devices.values())
    again = build(root, schema=schema_build)
    assert again.ok and not any(d.built for d in again.devices.values())
    (root / "groups" / "role" / "spine.yaml").write_text("mtu: 9100\n")
    changed = build(root, schema=schema_build)
    assert [n for n, d in changed.devices.items() if d.built] == ["spine1"]
    (root / "build" / "leaf1.json").write_text("{}\n")  # a stale file is rebuilt
    repaired = build(root, schema=schema_build)
    assert [n for n, d in repaired.devices.items() if d.built] == ["leaf1"]
    forced = build(root, schema=schema_build, force=True)
    assert all(d.built for d in forced.devices.values())
    (root / "transforms" / "device.cue").write_text(
        (root / "transforms" / "device.cue").read_text() + "\n// a comment\n"
    )
    assert all(d.built for d in build(root, schema=schema_build).devices.values())


def test_a_host_file_edited_after_a_build_is_read_again_even_at_the_same_size(
    repo: Repo, schema_build: SchemaBuild, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build's state trusts an unchanged host file's stat identity, never a changed one."""
    hosts = {
        name: {"hosts": {name: {"role": role, "interfaces": {"Ethernet1": {"description": d}}}}}
        for name, role, d in (("leaf1", "leaf", "to spine1"), ("spine1", "spine", "to leaf1"))
    }
    root = repo({f"inventory/{n}.json": json.dumps(h) for n, h in hosts.items()}
                | {"netdata.yaml": "inventory: inventory\n"})
    (root / "inventory" / "hosts.yaml").unlink()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    assert all(d.built for d in build(root, schema=schema_build).devices.values())
    again = build(root, schema=schema_build)
    assert again.ok and not any(d.built for d in again.devices.values())
    assert again.devices["leaf1"].host["role"] == "leaf"  # kept variables from the state
    state = _manifest(root)["state"]  # the one state file is build.json
    assert str(root / "inventory" / "leaf1.json") in state["hosts"]
    assert str(root / "build" / "leaf1.json") in state["outputs"]
    assert not (tmp_path / "home-cache").exists()  # nothing written into the user's home
    leaf = root / "inventory" / "leaf1.json"
    size = leaf.stat().st_size
    leaf.write_text(leaf.read_text().replace("to spine1", "to spine2"))
    assert leaf.stat().st_size == size
    changed = build(root, schema=schema_build)
    assert [n for n, d in changed.devices.items() if d.built] == ["leaf1"]
    config = json.loads((root / "build" / "leaf1.json").read_text())
    interface = config["openconfig-interfaces:interfaces"]["interface"][0]
    assert interface["config"]["description"] == "to spine2"


def test_selection_by_role_location_tag_device_and_shards(
    repo: Repo, schema_build: SchemaBuild
) -> None:
    root = repo()

    def names(selection: Selection) -> list[str]:
        return sorted(build(root, schema=schema_build, selection=selection, force=True).devices)

    assert names(Selection(roles=("leaf",))) == ["leaf1", "leaf2"]
    assert names(Selection(locations=("dc1",))) == ["leaf1", "spine1"]
    assert names(Selection(tags=("evpn",))) == ["leaf1"]
    assert names(Selection(devices=("spine1", "leaf2"))) == ["leaf2", "spine1"]
    parts = [names(Selection(shard=(i, 3))) for i in (1, 2, 3)]
    assert sorted(n for p in parts for n in p) == ["leaf1", "leaf2", "spine1"]
    assert parts == [names(Selection(shard=(i, 3))) for i in (1, 2, 3)]  # deterministic
    # entries of devices not selected stay in build.json
    assert sorted(_manifest(root)["devices"]) == ["leaf1", "leaf2", "spine1"]


def test_an_inventory_source_mapping_is_fetched_and_its_positions_are_named(
    repo: Repo, schema_build: SchemaBuild
) -> None:
    root = repo({
        "netdata.yaml": "inventory: {source: file, path: inventory/hosts.yaml, role: leaf}\n",
        "groups/location/dc2.yaml": "mtu: 9000\n",
    })
    result = build(root, schema=schema_build)
    assert sorted(result.devices) == ["leaf1", "leaf2"]  # the source's role filter
    assert result.failed == ["leaf2"]
    (error,) = _errors(result, "leaf2")
    assert "groups/location/dc2.yaml:1:6" in error.positions
    assert "groups/role/leaf.yaml:1:6" in error.positions


def test_an_inventory_file_that_lists_devices(repo: Repo, schema_build: SchemaBuild) -> None:
    root = repo({
        "inventory/hosts.yaml": "# a list of devices\n---\n- name: leaf1\n  role: leaf\n"
        "  interfaces: {Ethernet1: {description: x}}\n- name: leaf2\n  role: leaf\n  mtu: 1\n"
        "  interfaces: {}\n",
    })
    result = build(root, schema=schema_build)
    assert result.devices["leaf1"].ok
    assert "inventory/hosts.yaml:8:8" in _errors(result, "leaf2")[0].positions


def test_a_build_pauses_the_collector_and_leaves_it_no_cyclic_garbage(
    repo: Repo, schema_build: SchemaBuild
) -> None:
    """The collector is off during a build (docs/build.md "Performance"), so whatever a build
    leaves in reference cycles (held until the collector runs again) would pile up: a build
    with a device failing in the export and one in the validator leaves none."""
    root = repo({"groups/role/spine.yaml": "# spines\nmtu: 70000\n"})
    hosts = (root / "inventory" / "hosts.yaml").read_text()
    (root / "inventory" / "hosts.yaml").write_text(
        hosts.replace("    location: dc2\n", "    location: dc2\n    mtu: 9000\n")
    )
    build(root, schema=schema_build)  # imports and caches: once per process
    gc.collect()
    assert gc.isenabled()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what the collector finds is kept in gc.garbage
    try:
        result = build(root, schema=schema_build, force=True)
        assert gc.isenabled()
        gc.collect()
        left = [type(g).__name__ for g in gc.garbage]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert result.failed == ["leaf2", "spine1"] and left == []
    gc.disable()
    try:
        assert build(root, schema=schema_build, force=True).failed == ["leaf2", "spine1"]
        assert not gc.isenabled()
    finally:
        gc.enable()
