"""File source, credentials, normalisation edge cases and the CLI without a server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

import netdata.inventory as inventory
from netdata import InventoryError
from netdata.cli import main
from netdata.inventory import (
    FileSource,
    Filters,
    NautobotGraphQLSource,
    fetch_inventory,
    open_source,
)
from netdata.inventory._credentials import load_token
from netdata.inventory._nautobot import _joined, graphql_enum_name
from netdata.inventory._normalize import normalize_device

REPO = Path(__file__).resolve().parents[2]
LAB = REPO / "inventory" / "lab.yaml"


def test_all_is_complete_and_sorted() -> None:
    public = {n for n in dir(inventory) if not n.startswith("_") and n != "annotations"}
    assert set(inventory.__all__) == public
    assert inventory.__all__ == sorted(inventory.__all__, key=lambda n: (not n.isupper(), n))


def test_file_source_reads_the_sample_and_filters() -> None:
    hosts = fetch_inventory(FileSource(LAB))
    assert list(hosts) == ["leaf1", "spine1"]
    assert hosts["leaf1"]["name"] == "leaf1"
    assert hosts["leaf1"]["interfaces"]["Loopback0"]["ip_addresses"] == ["192.0.2.11/32"]
    assert list(fetch_inventory(FileSource(LAB), Filters(roles=("spine",)))) == ["spine1"]
    assert list(fetch_inventory(FileSource(LAB), Filters(tags=("evpn",)))) == ["leaf1"]
    assert fetch_inventory(FileSource(LAB), Filters(locations=("elsewhere",))) == {}


def test_file_source_accepts_a_json_device_list(tmp_path: Path) -> None:
    path = tmp_path / "devices.json"
    path.write_text(json.dumps([{"name": "b", "role": "x"}, {"name": "a"}]))
    assert list(fetch_inventory(FileSource(path))) == ["a", "b"]


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        ("bad.yaml", "hosts: [unclosed", "not valid YAML"),
        ("bad.json", "{", "not valid JSON"),
        ("scalar.yaml", "42", "expected {hosts"),
        ("noname.yaml", "- role: leaf", "must be a mapping with a 'name'"),
        ("mismatch.yaml", "hosts: {a: {name: b}}", "hosts.a has name 'b'"),
        ("dup.yaml", "- {name: a}\n- {name: a}", "two devices are named 'a'"),
        ("empty.yaml", "- {name: ''}", "empty name"),
    ],
)
def test_file_source_errors_name_the_file(
    tmp_path: Path, name: str, text: str, reason: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(InventoryError, match=reason) as err:
        fetch_inventory(FileSource(path))
    assert name in str(err.value) or "two devices" in str(err.value)


def test_missing_file() -> None:
    with pytest.raises(InventoryError, match=r"nope\.yaml: No such file"):
        FileSource("nope.yaml").fetch(Filters())


def test_token_from_file_wins_over_the_environment(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("NETDATA_TEST_TOKEN", " from-env \n")
    assert load_token("NETDATA_TEST_TOKEN") == "from-env"
    token_file = tmp_path / "token"
    token_file.write_text("from-file\n")
    assert load_token("NETDATA_TEST_TOKEN", token_file) == "from-file"
    monkeypatch.delenv("NETDATA_TEST_TOKEN")
    assert load_token("NETDATA_TEST_TOKEN") is None


def test_bad_token_files(tmp_path: Path) -> None:
    with pytest.raises(InventoryError, match=r"cannot read the token file .*missing"):
        load_token("X", tmp_path / "missing")
    two = tmp_path / "two"
    two.write_text("secret-one\nsecret-two\n")
    with pytest.raises(InventoryError, match="cannot be sent in an HTTP header") as err:
        load_token("X", two)
    assert "secret" not in str(err.value).replace(str(two), "")


def test_open_source_needs_a_url(monkeypatch: Any) -> None:
    monkeypatch.delenv("NETDATA_NETBOX_URL", raising=False)
    with pytest.raises(InventoryError, match="give --url or set NETDATA_NETBOX_URL"):
        open_source("netbox")
    with pytest.raises(InventoryError, match=r"only used by the GraphQL sources \(nautobot-"):
        open_source("netbox", url="https://nb.example.com", query="{ devices { name } }")


def test_graphql_enum_names_match_graphene() -> None:
    assert graphql_enum_name("10gbase-x-sfpp") == "A_10GBASE_X_SFPP"
    assert graphql_enum_name("tagged-all") == "TAGGED_ALL"
    assert graphql_enum_name("ieee802.11a") == "IEEE802_11A"


def test_graphql_enum_values_are_translated(mock_conn: Any) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "OPTIONS":
            choices = {"type": {"choices": [{"value": "ieee802.11a", "display": "a"},
                                            {"value": "1000base-t", "display": "1G"}]},
                       "mode": {"choices": [{"value": "tagged-all", "display": "all"}]}}
            return httpx.Response(200, json={"actions": {"POST": choices}})
        intf = {"name": "wlan0", "type": "IEEE802_11A", "mode": "TAGGED_ALL"}
        return httpx.Response(200, json={"data": {"devices": [{"name": "ap1",
                                                                "interfaces": [intf]}]}})

    [ap1] = NautobotGraphQLSource(mock_conn(handler)).fetch(Filters())
    assert ap1["interfaces"]["wlan0"]["type"] == "ieee802.11a"
    assert ap1["interfaces"]["wlan0"]["mode"] == "tagged-all"


def test_normalize_rejects_unnamed_devices_and_duplicate_interfaces() -> None:
    with pytest.raises(InventoryError, match="device 7f3 has no name"):
        normalize_device({"id": "7f3", "name": None})
    with pytest.raises(InventoryError, match="device r1: interface 'e1' appears twice"):
        normalize_device({"name": "r1", "interfaces": [{"name": "e1"}, {"name": "e1"}]})


def test_normalize_drops_nulls_and_rest_only_fields() -> None:
    host = normalize_device({
        "name": "r1", "platform": None, "url": "https://x/api/dcim/devices/1/",
        "custom_fields": {"a": None, "b": 0}, "local_config_context_data": {"x": 1},
        "tags": [{"name": "t2"}, {"name": "t1"}],
    })
    assert host == {"name": "r1", "config_context": {"x": 1}, "tags": ["t1", "t2"],
                    "custom_fields": {"b": 0}}


def test_cli_file_source_to_stdout_and_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["inventory", "fetch", "--source", "file", "--file", str(LAB), "--role",
                 "leaf"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert list(document["hosts"]) == ["leaf1"]
    out = tmp_path / "o"
    assert main(["inventory", "fetch", "--source", "file", "--file", str(LAB), "-o", str(out),
                 "--format", "json"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["leaf1.json", "spine1.json"]
    assert "wrote 2 host files" in capsys.readouterr().err


def test_cli_errors_exit_2_without_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inventory", "fetch", "--source", "file", "--file", "missing.yaml"]) == 2
    assert "missing.yaml: No such file" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--token", "abc-secret"], ["--token=abc-secret"],
                                  ["--password", "abc-secret"]])
def test_cli_refuses_secrets_without_echoing_them(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["inventory", "fetch", *argv])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and "abc-secret" not in err
    assert "not accepted on the command line" in err


def test_cli_default_query(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inventory", "default-query"]) == 0
    assert capsys.readouterr().out == inventory.DEFAULT_QUERY
    assert main(["inventory", "default-query", "--source", "netbox-graphql"]) == 0
    assert capsys.readouterr().out == inventory.NETBOX_DEFAULT_QUERY


def test_split_default_query_joins_config_contexts_only_for_the_same_devices() -> None:
    devices = [{"id": "a", "name": "r1"}, {"id": "b", "name": "r2"}]
    contexts = [{"id": "b", "config_context": {"x": 2}}, {"id": "a", "config_context": {}}]
    assert _joined(devices, contexts) == [
        {"id": "a", "name": "r1", "config_context": {}},
        {"id": "b", "name": "r2", "config_context": {"x": 2}},
    ]
    # A device created or deleted between the two queries: the caller falls back to one query.
    assert _joined(devices, contexts[:1]) is None
    assert _joined(devices[:1], contexts) is None
    assert _joined(devices, [*contexts[:1], {"id": "c", "config_context": {}}]) is None
