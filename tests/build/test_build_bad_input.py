"""Bad input: each gets a message naming the device and the file; the other devices still build."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from netdata import InventoryError, build
from netdata.schema import SchemaBuild

Repo = Callable[..., Path]
DATA = Path(__file__).parent / "data"


def _text(result: Any, device: str) -> str:
    return result.devices[device].text()


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "build" not in p.relative_to(root).parts
    }


def test_a_group_file_with_a_yaml_syntax_error_fails_the_devices_it_applies_to(
    repo: Repo, schema_build: SchemaBuild
) -> None:
    root = repo({"groups/role/spine.yaml": "mtu: [9216\n"})
    result = build(root, schema=schema_build)
    assert result.failed == ["spine1"]
    assert "groups/role/spine.yaml" in _text(result, "spine1")


def test_duplicate_keys_in_a_group_file_are_an_error_naming_it(
    repo: Repo, schema_build: SchemaBuild
) -> None:
    root = repo({"groups/role/spine.yaml": "mtu: 9216\nmtu: 9000\n"})
    result = build(root, schema=schema_build)
    assert result.failed == ["spine1"]
    assert "groups/role/spine.yaml:2" in _text(result, "spine1")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("mtu: 9216\nmtu: 9216\n", 'spine.yaml:2:1: duplicate key "mtu" (first at line 1'),
        ("a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
            f"{c}: &{c} [{', '.join([f'*{p}'] * 10)}]\n" for p, c in zip("abcdefg", "bcdefgh",
                                                                       strict=True)
        ), "aliases expand to more than"),
        ('name: "x\\0"\n', "U+0000"),
    ],
)
def test_group_files_are_judged_by_the_reader_first(
    repo: Repo, schema_build: SchemaBuild, text: str, message: str
) -> None:
    root = repo({"groups/role/spine.yaml": text})
    result = build(root, schema=schema_build)
    assert result.failed == ["spine1"]
    assert message in _text(result, "spine1")


def test_a_host_file_that_does_not_parse_is_a_problem_and_the_others_build(
    repo: Repo, schema_build: SchemaBuild
) -> None:
    root = repo({
        "inventory/leaf1.yaml": "hosts:\n  leaf1: {role: leaf, interfaces: {}}\n",
        "inventory/leaf2.yaml": "hosts:\n  leaf2: {role: leaf, interfaces: {\n",
    })
    (root / "inventory" / "hosts.yaml").unlink()  # a folder inventory now
    result = build(root, schema=schema_build)
    assert sorted(result.devices) == ["leaf1"] and result.devices["leaf1"].ok
    assert not result.ok
    assert any("inventory/leaf2.yaml" in p for p in result.problems), result.problems


def test_unknown_keys_where_the_transform_closes_the_variables(
    repo: Repo, schema_build: SchemaBuild
) -> None:
    root = repo({
        "transforms/device.cue": (DATA / "device.cue").read_text().replace(
            "\t\t...\n", "\t\tlocation?: string\n\t\ttags?: [...string]\n\t\tprimary_ip4?: string\n"
        ),
        "groups/role/spine.yaml": "mtu: 9216\nmtuu: 1\n",
    })
    result = build(root, schema=schema_build)
    assert result.failed == ["spine1"]
    text = _text(result, "spine1")
    assert "mtuu" in text and "not allowed" in text and "groups/role/spine.yaml:2:1" in text


def test_a_wrong_type_is_a_conflict_with_its_position(
    repo: Repo, schema_build: SchemaBuild
) -> None:
    root = repo({"groups/role/spine.yaml": "mtu: big\n"})
    result = build(root, schema=schema_build)
    assert result.failed == ["spine1"]
    assert "groups/role/spine.yaml:1:6" in _text(result, "spine1")


def test_a_transform_that_does_not_evaluate_fails_every_device_with_its_position(
    repo: Repo, schema_build: SchemaBuild
) -> None:
    root = repo({"transforms/broken.cue": "package fabric\n\nx: {\n"})
    result = build(root, schema=schema_build)
    assert sorted(result.failed) == ["leaf1", "leaf2", "spine1"]
    assert "transforms/broken.cue:" in _text(result, "leaf1")


def test_a_role_without_group_file_is_an_error_and_other_levels_are_optional(
    repo: Repo, schema_build: SchemaBuild
) -> None:
    root = repo()
    (root / "groups" / "role" / "spine.yaml").unlink()
    result = build(root, schema=schema_build)
    assert result.failed == ["spine1"]
    assert "groups/role/ has no spine.yaml" in _text(result, "spine1")
    assert "inventory/hosts.yaml" in _text(result, "spine1")  # the file that gives the role


def test_a_host_group_file_for_a_device_the_inventory_does_not_list(
    repo: Repo, schema_build: SchemaBuild
) -> None:
    root = repo({"groups/host/leaf1.yaml": "{}\n", "groups/host/leaf9.yaml": "mtu: 1\n"})
    result = build(root, schema=schema_build)
    assert all(d.ok for d in result.devices.values())
    assert not result.ok
    (problem,) = result.problems
    assert "groups/host/leaf9.yaml" in problem and "leaf9" in problem
    manifest = json.loads((root / "build" / "build.json").read_text())
    assert manifest["problems"] == [problem]


@pytest.mark.parametrize(
    ("name", "file"),
    [("../x", "%2E.%2Fx.json"), ("/etc/x", "%2Fetc%2Fx.json"), ("a\nb", "a%0Ab.json"),
     ("nul", "%6Eul.json"), ("CON.x", "%43ON.x.json")],
)
def test_unsafe_device_names_are_written_inside_the_output_folder(
    repo: Repo, schema_build: SchemaBuild, name: str, file: str
) -> None:
    port = {"description": "x"}
    hosts = {"hosts": {name: {"role": "leaf", "hostname": "x", "interfaces": {"Ethernet1": port}}}}
    root = repo({"inventory/hosts.json": json.dumps(hosts), "netdata.yaml": "inventory: "
                 "inventory/hosts.json\n"})
    before = _snapshot(root)
    result = build(root, schema=schema_build)
    assert result.ok, result.devices[name].text()
    assert result.devices[name].file == file
    assert (root / "build" / file).is_file()
    assert sorted(p.name for p in (root / "build").iterdir()) == sorted(["build.json", file])
    assert _snapshot(root) == before


def test_a_device_name_holding_u0000_is_refused_by_the_reader(
    repo: Repo, schema_build: SchemaBuild
) -> None:
    hosts = {"hosts": {"nul\x00": {"role": "leaf"}}}
    root = repo({"inventory/hosts.json": json.dumps(hosts), "netdata.yaml": "inventory: "
                 "inventory/hosts.json\n"})
    with pytest.raises(InventoryError, match=r"hosts.json: at /hosts/nul\\x00: a member name"):
        build(root, schema=schema_build)


def test_names_that_differ_only_in_case_fail_both_devices(
    repo: Repo, schema_build: SchemaBuild
) -> None:
    port = {"role": "leaf", "hostname": "x", "interfaces": {"Ethernet1": {"description": "x"}}}
    hosts = {"hosts": {"Leaf1": port, "leaf1": port, "leaf2": port}}
    root = repo({"inventory/hosts.json": json.dumps(hosts), "netdata.yaml": "inventory: "
                 "inventory/hosts.json\n"})
    result = build(root, schema=schema_build)
    assert sorted(result.failed) == ["Leaf1", "leaf1"]
    assert "differ only in letter case" in _text(result, "leaf1")
    assert result.devices["leaf2"].ok
    assert not (root / "build" / "leaf1.json").exists()


def test_an_unreadable_inventory_file_stops_the_build_with_its_name(
    repo: Repo, schema_build: SchemaBuild
) -> None:
    root = repo({"inventory/hosts.yaml": "hosts: [\n"})
    with pytest.raises(InventoryError, match=r"inventory/hosts\.yaml"):
        build(root, schema=schema_build)
