"""Host files: safe names, nothing outside the output dir, nothing half-written, cue reads them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from netdata import InventoryError
from netdata.cue import Cue
from netdata.inventory import hosts_document, safe_filename, write_host_files

UNSAFE = ["../x", "a/b", "..", ".", ".hidden", "tab\there", "nl\nx", "nul\x00x", "back\\slash",
          "100%", "%2F", "é/ü", "CON"]


def host(name: str) -> dict[str, Any]:
    return {"name": name, "role": "leaf", "tags": [], "interfaces": {}}


@pytest.mark.parametrize("name", UNSAFE)
def test_safe_filename_has_no_separator_dot_start_or_control(name: str) -> None:
    safe = safe_filename(name)
    assert "/" not in safe and "\\" not in safe and not safe.startswith(".")
    assert all(c.isprintable() and c.isascii() for c in safe)


def test_safe_filename_is_injective_and_readable() -> None:
    assert safe_filename("leaf1.lab-a") == "leaf1.lab-a"
    assert safe_filename("../x") == "%2E.%2Fx"
    assert len({safe_filename(n) for n in UNSAFE}) == len(UNSAFE)
    assert safe_filename("%2F") != safe_filename("/")


def test_empty_and_overlong_names_are_errors() -> None:
    with pytest.raises(InventoryError, match="empty name"):
        safe_filename("")
    with pytest.raises(InventoryError, match="too long"):
        safe_filename("x" * 300)


def test_unsafe_names_stay_inside_the_output_directory(tmp_path: Path) -> None:
    out = tmp_path / "out" / "hosts"
    hosts = {name: host(name) for name in UNSAFE}
    written = write_host_files(hosts, out, "json")
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in written)
    assert all(p.parent == out for p in written)
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == sorted(
        p.name for p in written
    )
    for name, path in zip(hosts, written, strict=True):
        assert json.loads(path.read_text()) == {"hosts": {name: host(name)}}


def test_an_error_leaves_nothing_written(tmp_path: Path) -> None:
    out = tmp_path / "hosts"
    with pytest.raises(InventoryError, match="empty name"):
        write_host_files({"leaf1": host("leaf1"), "": host("")}, out)
    assert not out.exists()
    with pytest.raises(InventoryError, match="differ only in letter case"):
        write_host_files({"Leaf1": host("Leaf1"), "leaf1": host("leaf1")}, out)
    assert not out.exists()


def test_prune_removes_devices_that_left_the_inventory(tmp_path: Path) -> None:
    write_host_files({"a": host("a"), "b": host("b")}, tmp_path)
    (tmp_path / "notes.txt").write_text("kept")
    write_host_files({"a": host("a")}, tmp_path, prune=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "notes.txt"]


def test_symlink_in_the_way_is_replaced_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("precious\n")
    out = tmp_path / "hosts"
    out.mkdir()
    (out / "a.yaml").symlink_to(outside)
    write_host_files({"a": host("a")}, out)
    assert outside.read_text() == "precious\n"
    assert not (out / "a.yaml").is_symlink()


def test_cue_export_of_the_files_equals_the_single_document(tmp_path: Path) -> None:
    tricky = {
        "leaf1": {**host("leaf1"), "config_context": {"yes": "no", "octal": "0o17", "on": True,
                                                      "version": "1.10", "null_ok": None,
                                                      "nums": ["1e3", "0x1F", ".5", "+12", "-.inf",
                                                               "1_000", "017", "~", "Null"]}},
        "a/b": host("a/b"),
        "sp ine": {**host("sp ine"), "custom_fields": {"n": 1.5, "s": "ünï"}},
    }
    for fmt in ("yaml", "json"):
        files = write_host_files(tricky, tmp_path / fmt, fmt)  # type: ignore[arg-type]
        assert Cue(workdir=tmp_path).export_json(files) == hosts_document(tricky)
