"""load_settings: defaults, netdata.yaml and [tool.netdata] found upwards, environment, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from netdata import SetupError
from netdata.settings import load_settings


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("INVENTORY", "GROUPS", "TRANSFORMS", "OUTPUT", "MODELS"):
        monkeypatch.delenv(f"NETDATA_{name}", raising=False)


def test_defaults_without_a_settings_file(tmp_path: Path) -> None:
    settings = load_settings(tmp_path)
    assert settings.file is None and settings.root == tmp_path
    assert settings.inventory == tmp_path / "inventory" / "hosts.yaml"
    assert settings.groups == tmp_path / "groups"
    assert settings.transforms == tmp_path / "transforms"
    assert settings.output == tmp_path / "build"
    assert settings.models == ()
    (tmp_path / "inventory").mkdir()  # a folder of host files, as `inventory fetch -o` writes
    assert load_settings(tmp_path).inventory == tmp_path / "inventory"


def test_netdata_yaml_is_found_upwards_and_paths_are_relative_to_it(tmp_path: Path) -> None:
    (tmp_path / "netdata.yaml").write_text(
        "inventory: src/hosts.json\noutput: out\nmodels: [yang]\npush: {port: 6030}\n"
    )
    deep = tmp_path / "transforms" / "lib"
    deep.mkdir(parents=True)
    settings = load_settings(deep)
    assert settings.file == tmp_path / "netdata.yaml" and settings.root == tmp_path
    assert settings.inventory == tmp_path / "src" / "hosts.json"
    assert settings.output == tmp_path / "out"
    assert settings.models == (tmp_path / "yang",)
    assert settings.section("push") == {"port": 6030}
    assert settings.section("other") == {}


def test_pyproject_tool_netdata_and_a_live_inventory(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.netdata]\ngroups = "vars"\n'
        '[tool.netdata.inventory]\nsource = "nautobot-graphql"\nrole = ["leaf"]\n'
    )
    settings = load_settings(tmp_path)
    assert settings.groups == tmp_path / "vars"
    assert settings.inventory == {"source": "nautobot-graphql", "role": ["leaf"]}


def test_environment_over_file_and_flags_over_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "netdata.yaml").write_text("output: out\n")
    monkeypatch.setenv("NETDATA_OUTPUT", str(tmp_path / "env-out"))
    settings = load_settings(tmp_path)
    assert settings.output == tmp_path / "env-out"
    assert settings.replace(output=tmp_path / "flag-out").output == tmp_path / "flag-out"
    assert settings.replace(output=None).output == tmp_path / "env-out"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("outptu: x\n", "unknown setting 'outptu'"),
        ("output: [a]\n", "'output' must be a path"),
        ("inventory: {url: x}\n", "'inventory' must be a path or a mapping with a 'source'"),
        ("models: 3\n", "'models' must be a list"),
        ("output: [\n", "not valid YAML"),
        ("- a\n", "expected a mapping"),
    ],
)
def test_bad_settings_name_the_file(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "netdata.yaml").write_text(text)
    with pytest.raises(SetupError, match=r"netdata\.yaml") as info:
        load_settings(tmp_path)
    assert message in str(info.value)
