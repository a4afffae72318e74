"""Schema build: cache, pyang plugin, CUE semantics on a small module, JSON Schema, patterns."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from netdata._exceptions import CueError
from netdata.cue import Cue
from netdata.schema import SchemaBuild, build_schema
from netdata.schema._build import compiler_files
from netdata.schema._patterns import UntranslatablePattern, xsd_to_re2
from netdata.validate import validate_documents

HERE = Path(__file__).parent

TINY = """
module tiny {
  yang-version 1.1;
  namespace "urn:tiny"; prefix t;
  identity KIND; identity A { base KIND; } identity B { base A; }
  typedef name { type string { length "1..8"; pattern '[a-z]+[0-9]*'; } }
  container top {
    list item {
      key "id";
      leaf id { type leafref { path "../config/id"; } }
      container config {
        leaf id { type uint8 { range "1..10 | 20"; } }
        leaf label { type name; }
        leaf kind { type identityref { base KIND; } mandatory true; }
        leaf odd { type string { pattern '\\i\\c*'; } }
        leaf size { type decimal64 { fraction-digits 2; range "0..1.5"; } default "0.5"; }
      }
    }
  }
}
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> SchemaBuild:
    root = tmp_path_factory.mktemp("tiny")
    (root / "models").mkdir()
    (root / "models" / "tiny.yang").write_text(TINY)
    return build_schema(root / "models", ["tiny"], cache_dir=root / "cache")


@pytest.mark.parametrize(
    ("config", "valid", "where"),
    [
        ({"kind": "B", "label": "ab12", "size": 1.5}, True, ""),
        ({"kind": "KIND"}, False, "config/kind"),  # the base itself is not derived from it
        ({"kind": "A", "label": "a" * 9}, False, "config/label"),  # length
        ({"kind": "A", "label": "9a"}, False, "config/label"),  # pattern, anchored
        ({"kind": "A", "size": 1.6}, False, "config/size"),
        ({"label": "ab"}, False, "config/kind"),  # mandatory
        ({"kind": "A", "odd": "anything goes"}, True, ""),  # untranslatable: reported gap
    ],
)
def test_small_module_semantics(
    tiny: SchemaBuild, config: dict[str, Any], valid: bool, where: str
) -> None:
    doc = {"top": {"item": {"20": {"config": config}}}}
    [result] = validate_documents([("doc", doc)], build=tiny)
    assert result.valid is valid, result.errors
    if where:
        assert any(e.path == f"/top/item[id=20]/{where}" for e in result.errors), result.errors


def test_range_alternatives_and_key_typing(tiny: SchemaBuild) -> None:
    docs = [(k, {"top": {"item": {k: {"config": {"kind": "A"}}}}}) for k in ("10", "15", "x")]
    results = validate_documents(docs, build=tiny)
    assert [r.valid for r in results] == [True, False, False]


def test_untranslatable_pattern_is_a_reported_gap(tiny: SchemaBuild) -> None:
    gaps = tiny.schema.gaps
    assert any(g["path"].endswith("/config/odd") and g["kind"] == "pattern" for g in gaps)
    coverage = json.loads(tiny.coverage_file.read_text())
    assert coverage["kinds"]["pattern"]["not_enforced"] == 1


def test_defaults_are_applied_with_the_defaults_tag(tiny: SchemaBuild) -> None:
    files = {
        "schema.cue": tiny.cue_file.read_text(),
        "defaults.cue": tiny.defaults_file.read_text(),
        "doc.cue": 'package netdata\n\nout: #Root & {top: item: "1": config: kind: "A"}\n',
    }
    plain = json.loads(Cue().run("export", ["-e", "out"], files=files).stdout)
    assert "size" not in plain["top"]["item"]["1"]["config"]
    filled = json.loads(Cue().run("export", ["-t", "defaults", "-e", "out"], files=files).stdout)
    assert filled["top"]["item"]["1"]["config"]["size"] == 0.5


def test_build_is_cached(tiny: SchemaBuild) -> None:
    before = tiny.cue_file.stat().st_mtime_ns
    again = build_schema(
        tiny.directory.parent.parent / "models", ["tiny"], cache_dir=tiny.directory.parent
    )
    assert again.directory == tiny.directory
    assert again.cue_file.stat().st_mtime_ns == before


def test_cache_key_hashes_only_the_compiler() -> None:
    names = {path.name for path in compiler_files()}
    assert {"_build.py", "_compile.py", "_emit_cue.py", "_ir.py", "_yang.py"} <= names
    assert all(path.parent.name == "schema" for path in compiler_files())
    assert "_wire.py" not in names  # the codec, like the validator and the CLI, is not hashed


def test_pyang_plugin_emits_the_same_cue(tiny: SchemaBuild, tmp_path: Path) -> None:
    models = tiny.directory.parent.parent / "models"
    pyang = Path(sys.executable).with_name("pyang")
    done = subprocess.run(
        [
            str(pyang),
            "-f",
            "cue",
            "--cue-meta",
            str(tmp_path / "meta.json"),
            "-p",
            str(models),
            str(models / "tiny.yang"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == tiny.cue_file.read_text()
    assert json.loads((tmp_path / "meta.json").read_text())["root"]["children"][0]["name"] == "top"


def test_generated_cue_rejects_unknown_fields(tiny: SchemaBuild) -> None:
    files = {
        "schema.cue": tiny.cue_file.read_text(),
        "doc.cue": "package netdata\n\nout: #Root & {top: extra: 1}\n",
    }
    with pytest.raises(CueError) as info:
        Cue().run("export", ["-e", "out"], files=files)
    assert any("not allowed" in d.message for d in info.value.diagnostics)


def test_json_schema_matches_the_authoring_form(build: SchemaBuild) -> None:
    schema = json.loads(build.jsonschema_file.read_text())
    doc = yaml.safe_load((HERE / "data" / "authoring-leaf.yaml").read_text())
    jsonschema.validate(doc, schema)
    doc["interfaces"]["interface"]["Ethernet1"]["config"]["mtu"] = 70000
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, schema)


@pytest.mark.parametrize(
    ("xsd", "re2"),
    [
        ("[a-z]+", "^(?:[a-z]+)$"),
        ("a$b^c", "^(?:a\\$b\\^c)$"),
        ("[$^a]", "^(?:[$^a])$"),
        ("\\d{1,3}(\\.\\d+)?", "^(?:\\d{1,3}(\\.\\d+)?)$"),
    ],
)
def test_xsd_to_re2(xsd: str, re2: str) -> None:
    assert xsd_to_re2(xsd) == re2


@pytest.mark.parametrize("xsd", ["\\i\\c*", "[a-z-[aeiou]]", "\\p{IsBasicLatin}", "a{1001}"])
def test_untranslatable_xsd(xsd: str) -> None:
    with pytest.raises(UntranslatablePattern):
        xsd_to_re2(xsd)
