"""Fixtures of the build tests: small network repositories written per test, the schema build."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from netdata.schema import SchemaBuild, build_schema

DATA = Path(__file__).parent / "data"
TRANSFORM = (DATA / "device.cue").read_text()

HOSTS = """\
hosts:
  leaf1:
    role: leaf
    location: dc1
    primary_ip4: 192.0.2.11/32
    tags: [evpn]
    interfaces:
      Ethernet1: {description: to spine1}
      Ethernet2: {description: to spine2}
  leaf2:
    role: leaf
    location: dc2
    interfaces:
      Ethernet1: {description: to spine1}
  spine1:
    role: spine
    location: dc1
    interfaces:
      Ethernet1: {description: to leaf1}
"""


@pytest.fixture(scope="session")
def schema_build(models: Path) -> SchemaBuild:
    """The compiled pinned models (cached)."""
    return build_schema(models)





@pytest.fixture
def repo(
    tmp_path: Path, models: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Path]:
    """``repo({"path": "text", ...})`` writes a network repository (defaults: a 3-device fabric)."""
    monkeypatch.setenv("NETDATA_YANG_PATH", str(models))

    def write(files: dict[str, str] | None = None, *, base: bool = True) -> Path:
        root = tmp_path / "net"
        contents = {
            "transforms/device.cue": TRANSFORM,
            "inventory/hosts.yaml": HOSTS,
            "groups/all.yaml": "ntp: [192.0.2.100]\n",
            "groups/role/leaf.yaml": "mtu: 9214\n",
            "groups/role/spine.yaml": "mtu: 9216\n",
        } if base else {}
        contents.update(files or {})
        for name, text in contents.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text) if not text.startswith("package") else text)
        return root

    return write
