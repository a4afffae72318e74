"""Where and how to reach each device: the gNMI endpoint per built device.

Layers, least specific first (later ones win, key by key):

1. built-in defaults (port 9339, TLS, no credentials);
2. the ``push:`` settings: top-level target keys, then ``groups:`` by
   platform, location, role and tag (the build's order of specificity), then
   ``devices: {name: ...}``;
3. a targets file ``{defaults: {...}, devices: {name: {...}}}``
   (``netdata sim --write-targets`` writes one);
4. command-line overrides (``--plaintext``, ``--max-message-mb``).

The address is ``address`` if given, else the host part of the inventory's
``primary_ip4`` (or ``primary_ip6``) recorded in ``build.json``. Passwords and
usernames come from the environment (``username_env``/``password_env``, by
default ``NETDATA_GNMI_USERNAME``/``NETDATA_GNMI_PASSWORD``) or a
``password_file``, never from the files themselves.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from netdata._documents import read_document
from netdata._exceptions import PushError
from netdata.push._gnmi import DEFAULT_MAX_MESSAGE_BYTES, Endpoint

USERNAME_ENV, PASSWORD_ENV = "NETDATA_GNMI_USERNAME", "NETDATA_GNMI_PASSWORD"
TARGET_KEYS = frozenset(
    {
        "address",
        "port",
        "plaintext",
        "ca",
        "cert",
        "key",
        "tls_server_name",
        "username_env",
        "password_env",
        "password_file",
        "commit_confirmed",
        "timeout",
        "connect_timeout",
        "max_message_mb",
    }
)
MAX_MESSAGE_MB = 2047
"""gRPC message lengths are 32-bit signed: 2047 MiB is the largest whole limit."""
_NUMBERS: dict[str, tuple[type, float, float]] = {
    "port": (int, 1, 65535),
    "timeout": (float, 0.001, 86400),
    "connect_timeout": (float, 0.001, 86400),
    "max_message_mb": (int, 1, MAX_MESSAGE_MB),
}
"""Numeric target settings: type and inclusive range."""
DEFAULT_MAX_MESSAGE_MB = DEFAULT_MAX_MESSAGE_BYTES // 2**20
_PATH_KEYS = ("ca", "cert", "key", "password_file")
_GROUP_KINDS = ("platform", "location", "role", "tag")
_SECRET_KEYS = frozenset({"password", "username", "token"})
_SECTION_KEYS = frozenset({"devices", "groups", "targets"})
"""Keys of the ``push:`` settings (and of a targets file) that are not target settings."""


class Targets:
    """The endpoints of a fleet; ``Targets.load(...)`` merges the layers above."""

    def __init__(self, layers: list[tuple[str, Any]]) -> None:
        self._layers = layers  # (where, {device-independent or per-device rules})

    @classmethod
    def load(
        cls,
        *,
        settings: Mapping[str, Any] | None = None,
        settings_dir: str | Path | None = None,
        targets_file: str | Path | None = None,
        plaintext: bool | None = None,
        max_message_mb: int | None = None,
    ) -> Targets:
        layers: list[tuple[str, Any]] = []
        if settings:
            base = Path(settings_dir) if settings_dir is not None else Path.cwd()
            if targets_file is None and settings.get("targets"):
                targets_file = base / str(settings["targets"])
            layers.append(("push settings", _rules(settings, base, "push settings", groups=True)))
        if targets_file is not None:
            path = Path(targets_file)
            document = read_document(path)
            extra = sorted(set(document) - {"defaults", "devices"})
            if extra:
                raise PushError(
                    f"{path}: unknown key(s) {', '.join(extra)}; expected defaults, devices"
                )
            layers.append(
                (
                    str(path),
                    _rules(
                        {
                            **_keys(
                                document.get("defaults") or {}, path.parent, f"{path}: defaults"
                            ),
                            "devices": document.get("devices") or {},
                        },
                        path.parent,
                        str(path),
                        groups=False,
                    ),
                )
            )
        line = {"plaintext": plaintext, "max_message_mb": max_message_mb}
        line = {k: v for k, v in line.items() if v is not None}
        if line:
            layers.append(("command line", {"base": _keys(line, Path.cwd(), "command line")}))
        return cls(layers)

    def endpoint(self, name: str, host: Mapping[str, Any]) -> tuple[Endpoint, bool]:
        """The device's endpoint and whether it takes commit-confirmed Sets."""
        merged: dict[str, Any] = {}
        for _where, rules in self._layers:
            merged.update(rules.get("base", {}))
            for kind in _GROUP_KINDS:
                for value in _group_values(host, kind):
                    merged.update(rules.get("groups", {}).get(kind, {}).get(value, {}))
            merged.update(rules.get("devices", {}).get(name, {}))
        address = merged.get("address") or _inventory_address(host)
        if not address:
            raise PushError(
                f"{name}: no address: the inventory has no primary_ip4/primary_ip6 for it "
                "and no targets file or push setting gives one"
            )
        username, password = _credentials(name, merged)
        endpoint = Endpoint(
            name=name,
            host=str(address),
            port=int(merged.get("port", 9339)),
            plaintext=bool(merged.get("plaintext", False)),
            ca=merged.get("ca"),
            cert=merged.get("cert"),
            key=merged.get("key"),
            tls_server_name=merged.get("tls_server_name"),
            username=username,
            password=password,
            timeout=float(merged.get("timeout", 10.0)),
            connect_timeout=float(merged.get("connect_timeout", 5.0)),
            max_message_bytes=int(merged.get("max_message_mb", DEFAULT_MAX_MESSAGE_MB)) * 2**20,
        )
        return endpoint, bool(merged.get("commit_confirmed", False))


def _rules(section: Mapping[str, Any], base: Path, where: str, *, groups: bool) -> dict[str, Any]:
    """``{"base": {...}, "groups": {kind: {value: {...}}}, "devices": {name: {...}}}``."""
    own = {k: v for k, v in section.items() if k not in _SECTION_KEYS}
    out: dict[str, Any] = {"base": _keys(own, base, where)}
    devices = section.get("devices") or {}
    if not isinstance(devices, Mapping):
        raise PushError(f"{where}: 'devices' must be a mapping of device name to settings")
    out["devices"] = {str(n): _keys(v, base, f"{where}: devices.{n}") for n, v in devices.items()}
    if groups:
        kinds = section.get("groups") or {}
        bad = sorted(set(kinds) - set(_GROUP_KINDS))
        if bad:
            raise PushError(
                f"{where}: unknown group kind(s) {', '.join(bad)}; "
                f"expected {', '.join(_GROUP_KINDS)}"
            )
        out["groups"] = {
            kind: {str(v): _keys(s, base, f"{where}: groups.{kind}.{v}") for v, s in values.items()}
            for kind, values in kinds.items()
        }
    return out


def _keys(values: Any, base: Path, where: str) -> dict[str, Any]:
    if not isinstance(values, Mapping):
        raise PushError(f"{where}: expected a mapping of target settings")
    secret = sorted(set(values) & _SECRET_KEYS)
    if secret:
        raise PushError(
            f"{where}: {', '.join(secret)} may not be written in a file: name an environment "
            "variable (username_env, password_env) or a password_file instead"
        )
    unknown = sorted(set(values) - TARGET_KEYS)
    if unknown:
        raise PushError(f"{where}: unknown target setting(s) {', '.join(unknown)}")
    out = dict(values)
    for key, (kind, low, high) in _NUMBERS.items():
        if key in out:
            out[key] = _number(out[key], kind, low, high, f"{where}: {key}")
    for key in _PATH_KEYS:
        if out.get(key) is not None:
            out[key] = (base / str(out[key])).resolve()
    return out


def _number(value: Any, kind: type, low: float, high: float, where: str) -> Any:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    ok = number and (kind is float or float(value).is_integer()) and low <= value <= high
    if not ok:
        what = "an integer" if kind is int else "a number"
        got = repr(value) if number else f"a {type(value).__name__}"  # text is never echoed
        raise PushError(f"{where} must be {what} from {low:g} to {high:g}, not {got}")
    return kind(value)


def _group_values(host: Mapping[str, Any], kind: str) -> list[str]:
    if kind == "tag":
        return [str(t) for t in host.get("tags") or []]
    value = host.get(kind)
    return [str(value)] if value else []


def _inventory_address(host: Mapping[str, Any]) -> str | None:
    for key in ("primary_ip4", "primary_ip6"):
        value = host.get(key)
        if value:
            return str(value).partition("/")[0]
    return None


def _credentials(name: str, merged: Mapping[str, Any]) -> tuple[str | None, str | None]:
    user_env = merged.get("username_env") or USERNAME_ENV
    username = os.environ.get(user_env) or None
    if merged.get("username_env") and username is None:
        raise PushError(f"{name}: the username variable ${user_env} is not set")
    password_file = merged.get("password_file")
    if password_file is not None:
        try:
            password: str | None = Path(password_file).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise PushError(
                f"{name}: cannot read the password file {password_file}: {reason}"
            ) from None
        return username, password
    pass_env = merged.get("password_env") or PASSWORD_ENV
    password = os.environ.get(pass_env) or None
    if merged.get("password_env") and password is None:
        raise PushError(f"{name}: the password variable ${pass_env} is not set")
    return username, password
