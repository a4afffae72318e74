"""`netdata validate` on hostile files: each gets its own verdict, never a traceback, none lost."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from netdata.cli import main
from netdata.schema import SchemaBuild

WIRE = '{"openconfig-interfaces:interfaces": {"interface": [{"name": "Ethernet1", "config": %s}]}}'
LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(8)
)


@pytest.fixture(autouse=True)
def _models_env(models: Path, build: SchemaBuild, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETDATA_YANG_PATH", str(models))
    monkeypatch.setenv("XDG_CACHE_HOME", str(build.directory.parent.parent))
    os.makedirs(build.directory.parent.parent / "netdata", exist_ok=True)


def _config(mtu: str = "9100", name: str = '"Ethernet1"') -> str:
    return f'{{"name": {name}, "type": "iana-if-type:ethernetCsmacd", "mtu": {mtu}}}'


def _files(tmp_path: Path) -> dict[str, tuple[Path, bool, str]]:
    """name -> (file, expected validity, a word the verdict must contain)."""
    def put(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    loop = tmp_path / "loop.json"
    loop.symlink_to(loop)
    folder = tmp_path / "folder.json"
    folder.mkdir()
    return {
        "valid": (put("good.json", WIRE % _config()), True, "valid"),
        "duplicate JSON": (
            put("dup.json", WIRE % _config().replace('"mtu": 9100', '"mtu": 70000,\n"mtu": 9100')),
            False,
            "duplicate key",
        ),
        "duplicate YAML": (
            put("dup.yaml", "interfaces:\n  interface:\n    e1:\n      config:\n"
                "        mtu: 70000\n        mtu: 9100\n"),
            False,
            "first at line 5",
        ),
        "deep": (put("deep.json", "[" * 100_000 + "]" * 100_000), False, "nested deeper"),
        "bigint": (put("big.json", WIRE % _config("1" * 5000)), False, "4300 digits"),
        "recursive alias": (put("rec.yaml", "a: &a [*a]\n"), False, "alias *a"),
        "laughs": (put("laughs.yaml", LAUGHS), False, "aliases expand"),
        "nan": (put("nan.yaml", "interfaces:\n  interface:\n    e1:\n      config:\n"
                    "        mtu: .nan\n"), False, ".nan"),
        "nul": (put("nul.json", WIRE % _config(name='"Ether\\u0000net1"')), False, "U+0000"),
        "bom": (put("bom.json", b"\xef\xbb\xbf" + (WIRE % _config()).encode()), True, "valid"),
        "newline name": (put("new\nline.json", WIRE % _config()), True, "valid"),
        "missing": (tmp_path / "missing.json", False, "No such file"),
        "directory": (folder, False, "is a directory"),
        "device": (Path("/dev/null"), False, "not a regular file"),
        "symlink loop": (loop, False, "symbolic links"),
    }


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def test_every_hostile_file_gets_its_own_json_verdict(
    tmp_path: Path, build: SchemaBuild, capsys: pytest.CaptureFixture[str]
) -> None:
    files = _files(tmp_path)
    argv = ["validate", "--json", "--cache-dir", str(build.directory.parent)]
    status, out, err = _run([*argv, *(str(f) for f, _, _ in files.values())], capsys)
    assert status == 1 and "Traceback" not in err, err
    results: list[dict[str, Any]] = json.loads(out)
    assert [r["file"] for r in results] == [str(f) for f, _, _ in files.values()]
    for (case, (_, valid, word)), result in zip(files.items(), results, strict=True):
        text = json.dumps(result["errors"])
        assert result["valid"] is valid, (case, result)
        assert valid or word in text, (case, word, text)


def test_text_verdicts_are_one_line_per_file_whatever_the_name(
    tmp_path: Path, build: SchemaBuild, capsys: pytest.CaptureFixture[str]
) -> None:
    files = _files(tmp_path)
    argv = ["validate", "--cache-dir", str(build.directory.parent)]
    _, out, _ = _run([*argv, *(str(f) for f, _, _ in files.values())], capsys)
    heads = [line for line in out.splitlines() if not line.startswith("  ")]
    assert len(heads) == len(files), out
    assert heads[list(files).index("newline name")].endswith("new\\nline.json: valid")


def test_duplicate_members_are_invalid_as_libyang_judges_them(
    tmp_path: Path, build: SchemaBuild, oracle: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    text = WIRE % _config().replace('"mtu": 9100', '"mtu": 70000, "mtu": 9100')
    ok, message = oracle.check_text(text)
    assert not ok, message
    path = tmp_path / "dup.json"
    path.write_text(text, encoding="utf-8")
    status, out, _ = _run(["validate", "--cache-dir", str(build.directory.parent), str(path)],
                          capsys)
    assert status == 1 and 'duplicate key "mtu"' in out and "first at line 1" in out
