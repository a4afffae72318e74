"""`netdata validate`, `schema build|coverage`, `models fetch`: exit codes, output, bad input."""

from __future__ import annotations

import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from netdata.cli import main
from netdata.cue import Cue
from netdata.schema import SchemaBuild
from netdata.schema._fetch import install_models
from netdata.schema._manifest import Manifest

PUBLIC = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "public"
HERE = Path(__file__).parent


@pytest.fixture(autouse=True)
def _models_env(models: Path, build: SchemaBuild, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETDATA_YANG_PATH", str(models))
    # the session build lives in <cache>/<checksum>: the CLI reuses it through XDG
    monkeypatch.setenv("XDG_CACHE_HOME", str(build.directory.parent.parent))
    os.makedirs(build.directory.parent.parent / "netdata", exist_ok=True)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def test_valid_files_exit_0(capsys: pytest.CaptureFixture[str], build: SchemaBuild) -> None:
    files = [
        str(PUBLIC / "p001-interfaces-ethernet-loopback.json"),
        str(HERE / "data" / "authoring-leaf.yaml"),
    ]
    status, out, _ = run(["validate", "--cache-dir", str(build.directory.parent), *files], capsys)
    assert status == 0, out
    assert out.count(": valid") == 2


def test_json_output_one_object_per_file(
    capsys: pytest.CaptureFixture[str], build: SchemaBuild
) -> None:
    files = [
        str(PUBLIC / "p016-mtu-out-of-range.json"),
        str(PUBLIC / "p001-interfaces-ethernet-loopback.json"),
    ]
    status, out, _ = run(
        ["validate", "--json", "--cache-dir", str(build.directory.parent), *files], capsys
    )
    assert status == 1
    report = json.loads(out)
    assert [r["file"] for r in report] == files
    assert [r["valid"] for r in report] == [False, True]
    [error] = report[0]["errors"]
    assert set(error) == {"path", "message", "position"}
    assert error["path"] == "/interfaces/interface[name=Ethernet1]/config/mtu"
    lines = Path(files[0]).read_text().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if '"mtu": 70000' in text)
    column = lines[line - 1].index('"mtu"') + 1
    assert error["position"] == f"{files[0]}:{line}:{column}"


def test_positions_in_yaml_authoring_documents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], build: SchemaBuild
) -> None:
    text = (HERE / "data" / "authoring-leaf.yaml").read_text()
    bad = tmp_path / "leaf.yaml"
    bad.write_text(text.replace("prefix-length: 31", "prefix-length: 33"))
    status, out, _ = run(
        ["validate", "--json", "--cache-dir", str(build.directory.parent), str(bad)], capsys
    )
    [result] = json.loads(out)
    assert status == 1
    [error] = result["errors"]
    assert error["path"].endswith("/address[ip=10.0.0.1]/config/prefix-length")
    line = text.splitlines().index("                      prefix-length: 31") + 1
    assert error["position"] == f"{bad}:{line}:23"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        (b"{not json", "not valid JSON"),
        (b"a: [b\n", "not valid JSON or YAML"),
        (b"- 1\n- 2\n", "expected a mapping"),
        (b"\xff\xfe", "not UTF-8"),
    ],
    ids=["empty", "bad-json", "bad-yaml", "not-mapping", "binary"],
)
def test_bad_documents_are_invalid_with_a_clear_message(
    content: bytes,
    expected: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    build: SchemaBuild,
) -> None:
    bad = tmp_path / "doc.json"
    bad.write_bytes(content)
    status, out, err = run(
        ["validate", "--json", "--cache-dir", str(build.directory.parent), str(bad)], capsys
    )
    assert status == 1 and "Traceback" not in err
    [result] = json.loads(out)
    assert not result["valid"]
    assert str(bad) in result["errors"][0]["message"]
    assert expected in result["errors"][0]["message"]


def test_huge_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], build: SchemaBuild
) -> None:
    huge = tmp_path / "huge.json"
    with huge.open("wb") as out:
        out.truncate(50 * 1024 * 1024)  # sparse: 50 MB without writing them
    status, out_text, _ = run(
        ["validate", "--cache-dir", str(build.directory.parent), str(huge)], capsys
    )
    assert status == 1
    assert "too large" in out_text and str(huge) in out_text


def test_missing_file_is_its_own_invalid_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["validate", "/no/such/file.json"], capsys)
    assert status == 1 and "/no/such/file.json: invalid" in out and "No such file" in out, err


def test_missing_model_path_is_a_setup_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, _, err = run(
        ["schema", "build", "--models", str(tmp_path / "nope"), "--cache-dir", str(tmp_path)],
        capsys,
    )
    assert status == 2 and str(tmp_path / "nope") in err and "Traceback" not in err


def test_module_that_does_not_compile(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    broken = tmp_path / "models" / "broken.yang"
    broken.parent.mkdir()
    broken.write_text('module broken { namespace "urn:b"; prefix b; leaf x { type nosuchtype; } }')
    status, _, err = run(
        [
            "schema",
            "build",
            "--models",
            str(broken.parent),
            "--module",
            "broken",
            "--cache-dir",
            str(tmp_path / "cache"),
        ],
        capsys,
    )
    assert status == 2
    assert "broken.yang:1" in err and "nosuchtype" in err and "Traceback" not in err
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").iterdir())


def test_schema_build_prints_the_cached_folder(
    capsys: pytest.CaptureFixture[str], build: SchemaBuild
) -> None:
    status, out, _ = run(["schema", "build", "--cache-dir", str(build.directory.parent)], capsys)
    assert status == 0 and out.strip() == str(build.directory)


def test_coverage_lists_what_is_not_enforced(
    capsys: pytest.CaptureFixture[str], build: SchemaBuild
) -> None:
    status, out, _ = run(
        ["schema", "coverage", "--json", "--cache-dir", str(build.directory.parent)], capsys
    )
    assert status == 0
    report = json.loads(out)
    kinds = report["kinds"]
    assert kinds["pattern"]["enforced"] > 50 and kinds["when"]["enforced"] > 50
    assert all(k["not_enforced"] == len(k["gaps"]) for k in kinds.values())
    gaps = {g["path"] for k in kinds.values() for g in k["gaps"]}
    assert "/system/messages/debug-entries/debug-service/service" in gaps  # no identities
    assert kinds["binary"]["enforced"] >= 1 and not kinds["binary"]["gaps"]  # now checked
    total = sum(k["not_enforced"] for k in kinds.values())
    assert report["totals"]["not_enforced"] == total


def test_models_fetch_error_names_the_url(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = "http://127.0.0.1:9/openconfig.tar.gz"  # nothing listens on the discard port
    status, _, err = run(["models", "fetch", "--dest", str(tmp_path / "m"), "--url", url], capsys)
    assert status == 2 and url in err and "Traceback" not in err
    assert not (tmp_path / "m").exists()


def test_models_fetch_from_a_local_checkout(
    capsys: pytest.CaptureFixture[str], models: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "m"
    status, out, _ = run(["models", "fetch", "--from", str(models), "--dest", str(dest)], capsys)
    assert status == 0 and out.strip() == str(dest)
    names = {p.name for p in (dest / "release" / "models").rglob("*.yang")}
    assert names == {p.name for p in (models / "release" / "models").rglob("*.yang")}
    assert "openconfig-interfaces.yang" in names

    status, _, err = run(["models", "fetch", "--from", str(tmp_path), "--dest", str(dest)], capsys)
    assert status == 2 and "has no folder 'release/models'" in err
    assert "openconfig-interfaces.yang" in {p.name for p in dest.rglob("*.yang")}


def test_models_installs_at_once_all_succeed(tmp_path: Path) -> None:
    """Two set-ups at once (each replaces the cache's copy): every install succeeds and
    leaves a complete copy (moving the old copy aside, never deleting it in place)."""
    source = tmp_path / "checkout"
    (source / "release" / "models").mkdir(parents=True)
    for i in range(30):
        (source / "release" / "models" / f"m{i}.yang").write_text("x" * 2000)
    manifest = Manifest("openconfig/public", "v0", "0" * 40, ("release/models",), ())
    dest = tmp_path / "cache" / "models"
    for _ in range(10):
        with ThreadPoolExecutor(4) as pool:
            installs = [pool.submit(install_models, manifest, source, dest) for _ in range(4)]
            assert [install.result() for install in installs] == [dest] * 4
        assert len(list((dest / "release" / "models").glob("*.yang"))) == 30
    assert [p.name for p in dest.parent.iterdir()] == ["models"]  # nothing left aside


def test_missing_cue_is_a_setup_error(
    capsys: pytest.CaptureFixture[str],
    build: SchemaBuild,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("NETDATA_CUE", str(tmp_path / "no-cue"))
    status, _, err = run(
        [
            "validate",
            "--cache-dir",
            str(build.directory.parent),
            str(PUBLIC / "p001-interfaces-ethernet-loopback.json"),
        ],
        capsys,
    )
    assert status == 2 and "NETDATA_CUE" in err and "Traceback" not in err


def test_cue_cmd_task_from_the_docs(
    tmp_path: Path, build: SchemaBuild, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "schema.md").read_text()
    snippet = docs.split("```cue\n", 1)[1].split("```", 1)[0]
    (tmp_path / "validate_tool.cue").write_text(snippet)
    bad = PUBLIC / "p016-mtu-out-of-range.json"
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    out = Cue(workdir=tmp_path).run("cmd", ["-t", f"files={bad}", "validate"], timeout=120).stdout
    [result] = json.loads(out)
    assert result["file"] == str(bad) and result["valid"] is False
