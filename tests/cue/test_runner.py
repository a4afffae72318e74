"""The cue runner against the real `cue` binary."""

from __future__ import annotations

import json
import os
import stat
import sys
import tempfile
from pathlib import Path

import pytest

from netdata import CueError, CueNotFoundError, CueTimeoutError, CueVersionError
from netdata.cue import Cue, CueDiagnostic, Position, check_cue, find_cue, locate_cue

PACKAGE = """\
package fleet

#Interface: {
\tname: string
\tmtu:  int & >=68 & <=9216 | *1500
}
interfaces: [Name=string]: #Interface & {name: Name}
interfaces: Ethernet1: {}
interfaces: Ethernet2: mtu: 9000
"""

# Takes well over 10 s in cue v0.17.1: 9 million iterations.
SLOW = """\
import "list"
x: len([for i in list.Range(0, 3000, 1) for j in list.Range(0, 3000, 1) if mod(i*j, 7) == 3 {i}])
"""


def _only(error: CueError, message: str) -> CueDiagnostic:
    """The one diagnostic of ``error`` whose message contains ``message``."""
    (found,) = [d for d in error.diagnostics if message in d.message]
    return found


@pytest.fixture
def module(tmp_path: Path) -> Path:
    (tmp_path / "cue.mod").mkdir()
    (tmp_path / "cue.mod" / "module.cue").write_text(
        'module: "example.test/fleet@v0"\nlanguage: version: "v0.17.1"\n'
    )
    (tmp_path / "fleet.cue").write_text(PACKAGE)
    return tmp_path


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make the runner's temporary files land in a folder the test can inspect."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_export_of_a_package_in_its_module(module: Path) -> None:
    cue = Cue(workdir=module)
    assert cue.export_json(["."], expression="interfaces") == {
        "Ethernet1": {"name": "Ethernet1", "mtu": 1500},
        "Ethernet2": {"name": "Ethernet2", "mtu": 9000},
    }


def test_conflict_is_mapped_to_both_source_positions(module: Path) -> None:
    (module / "override.cue").write_text("package fleet\n\ninterfaces: Ethernet2: mtu: 9100\n")
    with pytest.raises(CueError) as caught:
        Cue(workdir=module).export(["."])
    diagnostic = _only(caught.value, "conflicting values 9100 and 9000")
    assert diagnostic.path == ("interfaces", "Ethernet2", "mtu")
    assert {(Path(p.file).name, p.line, p.column) for p in diagnostic.positions} == {
        ("fleet.cue", 9, 29),
        ("override.cue", 3, 29),
    }
    assert caught.value.returncode == 1
    assert "override.cue:3:29" in str(caught.value)


def test_error_inside_yaml_data_file_points_at_its_line(module: Path) -> None:
    hosts = "interfaces:\n  Ethernet1:\n    mtu: 1500\n  Ethernet3:\n    mtu: 20000\n"
    with pytest.raises(CueError) as caught:
        Cue(workdir=module).export(["."], files={"hosts.yaml": hosts})
    diagnostic = _only(caught.value, "out of bound <=9216")
    assert diagnostic.path == ("interfaces", "Ethernet3", "mtu")
    assert Position("hosts.yaml", 5, 10) in diagnostic.positions
    assert "hosts.yaml:5:10" in str(caught.value)


def test_yaml_syntax_error_names_file_and_line(module: Path) -> None:
    with pytest.raises(CueError) as caught:
        Cue(workdir=module).export(["."], files={"hosts.yaml": "a: 1\n b: 2\n"})
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.positions == (Position("hosts.yaml", 2, 0),)


def test_stdin_data_with_in_memory_cue_files(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    transform = "hosts: [string]: mtu: int\ndevices: {for n, h in hosts {(n): mtu: h.mtu + 100}}\n"
    cue = Cue(workdir=deep)
    data = json.dumps({"hosts": {"leaf1": {"mtu": 9000}}})
    assert cue.export_json(expression="devices", stdin=data, files={"t.cue": transform}) == {
        "leaf1": {"mtu": 9100}
    }
    with pytest.raises(CueError) as caught:
        cue.export(stdin='{"hosts": {"leaf1": {"mtu": "x"}}}', files={"t.cue": transform})
    diagnostic = _only(caught.value, "conflicting values")
    assert diagnostic.positions == (Position("t.cue", 1, 23), Position("-", 1, 29))


def test_stdin_data_is_validated_with_positions(module: Path) -> None:
    data = json.dumps({"interfaces": {"Ethernet9": {"mtu": "big"}}})
    with pytest.raises(CueError) as caught:
        Cue(workdir=module).vet(["."], stdin=data)
    diagnostic = _only(caught.value, 'conflicting values "big" and int')
    assert diagnostic.path == ("interfaces", "Ethernet9", "mtu")
    assert any(p.file == "-" for p in diagnostic.positions)


def test_quoted_labels_are_unquoted_in_paths(module: Path) -> None:
    data = json.dumps({"interfaces": {"Ethernet1/1": {"mtu": 10}}})
    with pytest.raises(CueError) as caught:
        Cue(workdir=module).vet(["."], stdin=data)
    diagnostic = _only(caught.value, "out of bound >=68")
    assert diagnostic.path == ("interfaces", "Ethernet1/1", "mtu")


def test_escapes_in_quoted_labels_are_decoded(module: Path) -> None:
    data = json.dumps({"interfaces": {'a\nb"\u0000': {"mtu": 10}}})
    with pytest.raises(CueError) as caught:
        Cue(workdir=module).vet(["."], stdin=data)
    diagnostic = _only(caught.value, "out of bound >=68")
    assert diagnostic.path == ("interfaces", 'a\nb"\x00', "mtu")


def test_timeout_kills_cue_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "slow.cue").write_text(SLOW)
    with pytest.raises(CueTimeoutError, match=r"did not finish within 1 s"):
        Cue(workdir=tmp_path, timeout=1).export(["slow.cue"])


def test_large_data_via_stdin(tmp_path: Path) -> None:
    hosts = {
        f"leaf{i}": {f"Ethernet{j}": {"mtu": 1500 + j, "description": "d" * 60} for j in range(200)}
        for i in range(500)
    }
    data = json.dumps({"hosts": hosts})
    assert len(data) > 10_000_000
    assert Cue(workdir=tmp_path).export_json(stdin=data) == {"hosts": hosts}


def test_fmt_and_import_round_trip() -> None:
    cue = Cue()
    source = cue.import_('{"b": {"c": 2}, "a": 1}', package="x")
    assert cue.fmt(source) == source
    assert "package x" in source


def test_no_temporary_file_left_after_success_or_failure(module: Path, private_tmp: Path) -> None:
    cue = Cue(workdir=module)
    cue.export(["."], files={"hosts.yaml": "interfaces: {Ethernet3: {mtu: 1600}}\n"})
    with pytest.raises(CueError):
        cue.export(["."], files={"hosts.yaml": "interfaces: {Ethernet3: {mtu: 1}}\n"})
    with pytest.raises(CueTimeoutError):
        cue.export(
            ["."],
            expression="x",
            files={"slow.cue": "package fleet\n" + SLOW},
            timeout=1,
        )
    assert list(private_tmp.iterdir()) == []


def test_command_is_an_argument_list_with_the_pinned_binary(module: Path) -> None:
    result = Cue(workdir=module).run("export", [".", "--out", "yaml"])
    assert result.command[0] == str(find_cue().path)
    assert result.command[1:] == ("export", ".", "--out", "yaml")
    assert "name: Ethernet1" in result.stdout


def test_missing_binary_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NETDATA_CUE", str(tmp_path / "no-cue-here"))
    with pytest.raises(CueNotFoundError, match=r"go install cuelang.org/go/cmd/cue@v0.17.1"):
        locate_cue()


def test_missing_binary_on_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("NETDATA_CUE", raising=False)
    monkeypatch.delenv("GOBIN", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("GOPATH", str(tmp_path / "gopath"))
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    with pytest.raises(CueNotFoundError, match=r"not found on PATH.*go install"):
        Cue()


def _fake_cue(folder: Path, version_output: str) -> Path:
    """An executable that answers `version` like some other cue would."""
    script = folder / "cue"
    script.write_text(f"#!/bin/sh\necho '{version_output}'\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_too_old_version_is_refused(tmp_path: Path) -> None:
    old = _fake_cue(tmp_path, "cue version v0.6.0")
    with pytest.raises(CueVersionError, match=r"is cue v0\.6\.0; netdata needs cue >= v0\.17\.1"):
        check_cue(old)


def test_unreadable_version_is_refused(tmp_path: Path) -> None:
    odd = _fake_cue(tmp_path, "cue version (devel)")
    with pytest.raises(CueVersionError, match=r"did not report a release version"):
        check_cue(odd)


def test_real_binary_meets_the_pin() -> None:
    binary = find_cue()
    assert binary.version >= (0, 17, 1)
    assert os.access(binary.path, os.X_OK)
