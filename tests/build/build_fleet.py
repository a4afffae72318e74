"""A generated network repository of N 48-port leaves, like conformance p015 (for tests and
measurements): group values shared, host values (names, addresses, descriptions) distinct."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TRANSFORM = (Path(__file__).parent / "data" / "fleet.cue").read_text()

GROUP_ALL = {
    "ntp": ["10.0.0.5", "10.0.0.6"],
    "dns": ["10.0.0.53"],
    "domain": "dc1.example.net",
}
GROUP_LEAF = {"mtu": 9214, "spine_asn": 65000}


def leaf(index: int) -> dict[str, Any]:
    """Host variables of leaf ``index`` (0-based)."""
    name = f"leaf{index + 1:04d}"
    a, b = divmod(index, 250)
    ports = {
        f"Ethernet{p}": {"description": f"server {name} port {p}", "vlan": 10 + p % 4}
        for p in range(1, 45)
    }
    uplinks = {
        f"Ethernet{44 + s}": {
            "address": f"10.{a + 1}.{b}.{2 * (s - 1) + 1}",
            "peer": f"10.{a + 1}.{b}.{2 * (s - 1)}",
            "description": f"uplink to spine{s}",
        }
        for s in range(1, 5)
    }
    return {
        "name": name,
        "role": "leaf",
        "location": "dc1",
        "tags": ["evpn"],
        "primary_ip4": f"10.255.{a}.{b}/32",
        "asn": 65100 + index,
        "loopback": f"10.255.{a}.{b}",
        "uplinks": uplinks,
        "ports": ports,
    }


def write_fleet(root: Path, count: int, *, folder: bool = True) -> Path:
    """Write a repository of ``count`` leaves (host files in inventory/, or one hosts.json)."""
    (root / "transforms").mkdir(parents=True, exist_ok=True)
    (root / "transforms" / "device.cue").write_text(TRANSFORM)
    (root / "groups" / "role").mkdir(parents=True, exist_ok=True)
    (root / "groups" / "all.json").write_text(json.dumps(GROUP_ALL, indent=1))
    (root / "groups" / "role" / "leaf.json").write_text(json.dumps(GROUP_LEAF, indent=1))
    hosts = [leaf(i) for i in range(count)]
    inventory = root / "inventory"
    inventory.mkdir(exist_ok=True)
    if folder:
        for host in hosts:
            doc = {"hosts": {host["name"]: host}}
            (inventory / f"{host['name']}.json").write_text(json.dumps(doc, indent=1))
    else:
        doc = {"hosts": {h["name"]: h for h in hosts}}
        (inventory / "hosts.json").write_text(json.dumps(doc, indent=1))
        (root / "netdata.yaml").write_text("inventory: inventory/hosts.json\n")
    return root
