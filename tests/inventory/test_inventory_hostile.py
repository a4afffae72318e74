"""The inventory on hostile input: clear errors, redacted tokens, all-or-nothing output."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import httpx
import pytest

from netdata import InventoryError
from netdata._documents import read_data
from netdata.cli import main
from netdata.inventory import Connection, FileSource, Filters, fetch_inventory, write_host_files
from netdata.inventory._credentials import load_token
from netdata.inventory._http import MESSAGE_CHARS, HttpClient
from netdata.inventory._nautobot import NautobotGraphQLSource
from netdata.inventory._normalize import normalize_device
from netdata.inventory._output import dumps, safe_filename

TOKEN = "s3cr3t-token-value-0123456789abcdef"
REPO = Path(__file__).resolve().parents[2]


def _fetch_file(tmp_path: Path, text: str, name: str = "inv.yaml") -> dict[str, Any]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return fetch_inventory(FileSource(path))


def test_a_device_named_twice_in_the_mapping_form_is_an_error(tmp_path: Path) -> None:
    message = r'inv.yaml:4:3: duplicate key "leaf1" \(first at line 2'
    with pytest.raises(InventoryError, match=message):
        _fetch_file(tmp_path, "hosts:\n  leaf1: {role: leaf}\n  spine1: {role: spine}\n"
                    "  leaf1: {role: spine}\n")


def test_a_device_named_twice_in_the_list_form_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InventoryError, match="two devices are named 'leaf1'"):
        _fetch_file(tmp_path, "- {name: leaf1}\n- {name: leaf1, role: x}\n")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- {name: a, role: [leaf]}\n", "device a: role must be text, not a list"),
        ("hosts: {a: {platform: {x: 1}}}\n", "device a: platform must be text, not a mapping"),
        ("- {name: a, tags: 5}\n", "device a: tags must be a list of names, not a number"),
        ("- {name: a, tags: evpn}\n", "device a: tags must be a list of names, not text"),
        ("- {name: a, tags: [[x]]}\n", "device a: tags must be a list of names, not a list"),
        ("- {name: a, interfaces: 5}\n", "interfaces must be a mapping, not a number"),
        ("- {name: a, custom_fields: [1]}\n", "custom_fields must be a mapping"),
        ("- {name: a, config_context: {x: .nan}}\n", "inv.yaml:1:33: .nan is not a number"),
        ("- {name: a, born: 2024-01-01, b: !!binary aGk=}\n", "the tag !!binary"),
        ("- {name: a, s: !!set {x}}\n", "the tag !!set"),
    ],
)
def test_wrong_types_and_values_json_cannot_hold_are_clear_errors(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(InventoryError) as caught:
        _fetch_file(tmp_path, text)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"role": ["leaf"]}, "device a: role has a value of the wrong type"),
        ({"tags": "evpn"}, "device a: tags must be a list of names, not text"),
        ({"tags": [{"name": 5}]}, "device a: tags has a value of the wrong type"),
        ({"interfaces": {"e1": {}}}, "device a: interfaces must be a list"),
        ({"interfaces": [{"name": "e1", "untagged_vlan": {"vid": "x"}}]}, "untagged_vlan"),
        ({"interfaces": [{"name": "e1", "ip_addresses": "10.0.0.1/31"}]}, "ip_addresses"),
        ({"primary_ip4": 5}, "primary_ip4 has a value of the wrong type"),
    ],
)
def test_wrong_types_from_an_api_are_clear_errors(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(InventoryError, match=message):
        normalize_device({"name": "a", **raw})


def test_dates_are_strings_and_the_output_is_valid_json(tmp_path: Path) -> None:
    hosts = _fetch_file(tmp_path, "- {name: a, config_context: {born: 2024-01-01, on: yes}}\n")
    assert hosts["a"]["config_context"] == {"born": "2024-01-01", "on": "yes"}
    out = tmp_path / "out"
    write_host_files(hosts, out, "json")
    assert read_data(out / "a.json")["hosts"]["a"]["config_context"]["born"] == "2024-01-01"


def test_a_string_tag_does_not_match_its_letters(tmp_path: Path) -> None:
    with pytest.raises(InventoryError):
        fetch_inventory(FileSource(_write(tmp_path, "- {name: a, tags: evpn}\n")),
                        Filters(tags=("e",)))


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "inv.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_values_no_writer_can_hold_leave_nothing_behind(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "out"
    hosts = {"a": {"name": "a"}, "b": {"name": "b", "x": float("nan")}, "c": {"name": "c",
             "when": object()}}
    with pytest.raises(InventoryError, match=f"cannot write the host variables as {fmt.upper()}"):
        write_host_files(hosts, out, fmt)  # type: ignore[arg-type]
    assert not out.exists() or list(out.iterdir()) == []


def test_a_folder_in_the_way_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_host_files({"a": {"name": "a", "v": 1}, "c": {"name": "c", "v": 1}}, out)
    (out / "b.yaml").mkdir()
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    hosts = {n: {"name": n, "v": 2} for n in ("a", "b", "c", "d")}
    with pytest.raises(InventoryError, match="nothing was changed"):
        write_host_files(hosts, out)
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before


def test_a_failed_rename_restores_the_renamed_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    write_host_files({"a": {"name": "a", "v": 1}, "b": {"name": "b", "v": 1}}, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real, calls = os.replace, []

    def failing(src: Any, dst: Any) -> None:
        calls.append(dst)
        if len(calls) == 3:  # a.yaml, b.yaml renamed; c.yaml fails
            raise PermissionError(13, "Permission denied", str(dst))
        real(src, dst)

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(InventoryError, match="Permission denied"):
        write_host_files({n: {"name": n, "v": 2} for n in "abc"}, out)
    monkeypatch.setattr(os, "replace", real)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


KILLER = textwrap.dedent(
    """
    import os, signal, sys, tempfile
    from netdata.inventory import write_host_files
    phase, after, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    calls = []
    def hook(real):
        def wrapped(*args, **kwargs):
            calls.append(1)
            if len(calls) > after:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(*args, **kwargs)
        return wrapped
    if phase == "write":
        tempfile.mkstemp = hook(tempfile.mkstemp)
    else:
        os.replace = hook(os.replace)
    write_host_files({f"d{i}": {"name": f"d{i}", "v": "new" * 500} for i in range(40)}, out)
    """
)


@pytest.mark.parametrize(("phase", "after"), [("write", 7), ("rename", 0), ("rename", 13)])
def test_killed_midway_no_host_file_is_half_written(
    tmp_path: Path, phase: str, after: int
) -> None:
    out = tmp_path / "out"
    old = {f"d{i}": {"name": f"d{i}", "v": "old"} for i in range(40)}
    write_host_files(old, out)
    run = subprocess.run(
        [sys.executable, "-c", KILLER, phase, str(after), str(out)], capture_output=True,
        cwd=REPO, timeout=120, check=False,
    )
    assert run.returncode == -signal.SIGKILL, run.stderr
    for i in range(40):
        value = read_data(out / f"d{i}.yaml")["hosts"][f"d{i}"]["v"]
        assert value in ("old", "new" * 500)
    assert sorted(p.name for p in out.glob("*.yaml")) == sorted(f"d{i}.yaml" for i in range(40))


@pytest.mark.parametrize("name", ["CON", "nul", "Aux.txt", "com1", "LPT9.yaml"])
def test_reserved_device_names_are_encoded(name: str) -> None:
    encoded = safe_filename(name)
    assert encoded.partition(".")[0].upper() not in ("CON", "NUL", "AUX", "COM1", "LPT9")
    assert encoded.startswith("%")
    assert safe_filename("console") == "console"


# --- tokens -----------------------------------------------------------------------------------


def _client(handler: Any, token: str = TOKEN) -> HttpClient:
    conn = Connection(
        url="https://sot.example.com", token=token, transport=httpx.MockTransport(handler),
        retries=0, backoff=0.0,
    )
    return HttpClient(conn)


@pytest.mark.parametrize(
    "body",
    [
        {"detail": "x" * 290 + TOKEN},  # straddles a 300-character cut
        {"detail": "bad token " + TOKEN.replace("", "")},
        ["quoted: " + TOKEN],
    ],
)
def test_the_token_never_reaches_a_message_not_even_in_part(body: Any) -> None:
    with pytest.raises(InventoryError) as caught, _client(
        lambda r: httpx.Response(400, json=body)
    ) as http:
        http.get_json(http.url("/api/x/"))
    text = str(caught.value)
    assert len(text) <= MESSAGE_CHARS
    assert not any(TOKEN[i : i + 8] in text for i in range(len(TOKEN) - 8)), text


def test_a_non_json_body_quoting_the_token_is_redacted() -> None:
    page = "<html>" + " " * 100 + "your token is " + TOKEN + "</html>"
    with pytest.raises(InventoryError) as caught, _client(
        lambda r: httpx.Response(200, text=page, headers={"Content-Type": "text/html"})
    ) as http:
        http.get_json(http.url("/x"))
    assert "not JSON" in str(caught.value) and TOKEN[:8] not in str(caught.value)


def test_graphql_errors_quoting_the_token_are_redacted() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"errors": [{"message": f"bad {TOKEN} " * 50}]})

    conn = Connection(url="https://sot.example.com", token=TOKEN,
                      transport=httpx.MockTransport(handler), retries=0)
    with pytest.raises(InventoryError) as caught:
        NautobotGraphQLSource(conn, "query { devices: devices { name } }").fetch(Filters())
    assert "GraphQL errors" in str(caught.value) and TOKEN[:8] not in str(caught.value)


def test_a_nan_in_an_answer_is_an_error_not_invalid_json() -> None:
    with pytest.raises(InventoryError, match="not a finite number"), _client(
        lambda r: httpx.Response(200, text='{"a": NaN}')
    ) as http:
        http.get_json(http.url("/x"))


@pytest.mark.parametrize("token", ["abc\ndef", "abc def", "t\u00f6ken", "abc\x00"])
def test_unusable_tokens_are_refused_from_every_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, token: str
) -> None:
    monkeypatch.setenv("NETDATA_TEST_TOKEN", token) if "\x00" not in token else None
    file = tmp_path / "token"
    file.write_text(token, encoding="utf-8")
    attempts = [lambda: load_token("X", file), lambda: Connection(url="https://x", token=token)]
    if "\x00" not in token:
        attempts.append(lambda: load_token("NETDATA_TEST_TOKEN"))
    for attempt in attempts:
        with pytest.raises(InventoryError, match="cannot be sent in an HTTP header") as caught:
            attempt()
        text = str(caught.value)
        assert "abc" not in text and "ken" not in text.replace("token", "")


@pytest.mark.parametrize(
    "flags", [["--retries", "-1"], ["--timeout", "-5"], ["--timeout", "nan"], ["--timeout", "inf"],
              ["--timeout", "0"]],
)
def test_bad_retries_and_timeouts_are_usage_errors(
    flags: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["inventory", "fetch", "--source", "file", "--file", str(REPO / "inventory"
                   / "lab.yaml"), "--stdout", *flags])
    err = capsys.readouterr().err
    assert status == 2 and "usage error" in err and "Traceback" not in err


def test_the_yaml_writer_and_the_reader_agree_on_tricky_strings() -> None:
    tricky = ["0X1F", "017", "yes", "1_000", "\u2028", "a\x85b", "~", "", "1."]
    from netdata._documents import parse_data

    assert parse_data(dumps({"v": tricky}, "yaml"), "x.yaml") == {"v": tricky}
