"""Targets: addresses from the inventory, layered overrides, credentials from env or file only."""

from __future__ import annotations

from pathlib import Path

import pytest

from netdata import PushError
from netdata.push import Targets

LEAF = {
    "role": "leaf",
    "location": "dc1",
    "platform": "eos",
    "tags": ["evpn"],
    "primary_ip4": "127.0.0.11/32",
    "primary_ip6": None,
}


def test_inventory_address_and_defaults() -> None:
    endpoint, confirmed = Targets.load().endpoint("leaf1", LEAF)
    assert (endpoint.host, endpoint.port, endpoint.plaintext) == ("127.0.0.11", 9339, False)
    assert not confirmed and endpoint.username is None and endpoint.password is None
    v6, _ = Targets.load().endpoint("leaf2", {"primary_ip6": "::1/128"})
    assert v6.address == "[::1]:9339"
    with pytest.raises(PushError, match="leaf3: no address"):
        Targets.load().endpoint("leaf3", {})


def test_layers_most_specific_last(tmp_path: Path) -> None:
    settings = {
        "port": 50051,
        "groups": {
            "platform": {"eos": {"port": 6030, "tls_server_name": "eos.lab"}},
            "role": {"leaf": {"port": 57400}},
            "tag": {"evpn": {"commit_confirmed": True}},
        },
        "devices": {"leaf1": {"ca": "ca.pem"}},
    }
    targets_file = tmp_path / "sub" / "targets.yaml"
    targets_file.parent.mkdir()
    targets_file.write_text("defaults: {timeout: 3}\ndevices: {leaf1: {address: 127.0.0.5}}\n")
    targets = Targets.load(
        settings=settings, settings_dir=tmp_path, targets_file=targets_file, plaintext=True
    )
    endpoint, confirmed = targets.endpoint("leaf1", LEAF)
    assert (endpoint.host, endpoint.port) == ("127.0.0.5", 57400)  # role beats platform
    assert endpoint.tls_server_name == "eos.lab" and confirmed
    assert endpoint.ca == (tmp_path / "ca.pem").resolve() and endpoint.timeout == 3
    assert endpoint.plaintext  # the command line wins
    other, _ = targets.endpoint("spine1", {"role": "spine", "primary_ip4": "127.0.0.21/32"})
    assert other.port == 50051 and other.ca is None


def test_message_limit_from_settings_file_or_command_line(tmp_path: Path) -> None:
    assert Targets.load().endpoint("leaf1", LEAF)[0].max_message_bytes == 256 * 2**20
    settings = {"max_message_mb": 64, "devices": {"leaf2": {"max_message_mb": 32}}}
    targets = Targets.load(settings=settings)
    assert targets.endpoint("leaf1", LEAF)[0].max_message_bytes == 64 * 2**20
    assert targets.endpoint("leaf2", LEAF)[0].max_message_bytes == 32 * 2**20
    targets_file = tmp_path / "targets.yaml"
    targets_file.write_text("defaults: {max_message_mb: 512}\n")
    on_file = Targets.load(settings=settings, targets_file=targets_file)
    assert on_file.endpoint("leaf2", LEAF)[0].max_message_bytes == 512 * 2**20
    line = Targets.load(settings=settings, targets_file=targets_file, max_message_mb=8)
    assert line.endpoint("leaf2", LEAF)[0].max_message_bytes == 8 * 2**20


def test_credentials_from_the_environment_or_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NETDATA_GNMI_USERNAME", "ops")
    monkeypatch.setenv("NETDATA_GNMI_PASSWORD", "from-env")
    endpoint, _ = Targets.load().endpoint("leaf1", LEAF)
    assert (endpoint.username, endpoint.password) == ("ops", "from-env")
    assert "from-env" not in repr(endpoint)
    (tmp_path / "pw").write_text("from-file\n")
    settings = {"password_file": "pw", "username_env": "LAB_USER"}
    monkeypatch.setenv("LAB_USER", "lab")
    endpoint, _ = Targets.load(settings=settings, settings_dir=tmp_path).endpoint("leaf1", LEAF)
    assert (endpoint.username, endpoint.password) == ("lab", "from-file")
    missing = Targets.load(settings={"password_env": "NOT_SET_ANYWHERE"})
    with pytest.raises(PushError, match=r"\$NOT_SET_ANYWHERE is not set"):
        missing.endpoint("leaf1", LEAF)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"password": "x"}, "may not be written in a file"),
        ({"devices": {"leaf1": {"token": "x"}}}, "may not be written in a file"),
        ({"prot": 1}, "unknown target setting"),
        ({"groups": {"site": {}}}, "unknown group kind"),
        ({"max_message_mb": 0}, "max_message_mb must be an integer from 1 to 2047, not 0"),
        ({"devices": {"leaf1": {"max_message_mb": 1.5}}}, "leaf1: max_message_mb must be"),
        ({"port": "x"}, "port must be an integer from 1 to 65535"),
        ({"timeout": float("nan")}, "timeout must be a number"),
    ],
)
def test_bad_settings_are_named(settings: dict[str, object], message: str) -> None:
    with pytest.raises(PushError, match=message) as info:
        Targets.load(settings=settings)
    assert "'x'" not in str(info.value)
