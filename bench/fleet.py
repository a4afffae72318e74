"""Fleets of N leaves like examples/fabric's, written as a network repository on disk.

Each leaf has 48 server ports (access ports, trunks, two members of a LACP
port-channel to a dual-homed server), 4 routed /31 uplinks to 4 spines (4 BGP
neighbours), a loopback, 2 SVIs, and the example's system, LLDP and routing
policy. The group variables and transforms are the example's, copied as they
are (values shared by every leaf); host values are distinct per device
(hostname, addresses, AS, every port description).

The repository: ``netdata.yaml`` (``inventory: inventory/hosts``), one
host-variable file per device in ``inventory/hosts/`` (as ``netdata inventory
fetch -o`` writes them), ``groups/`` and ``transforms/`` from the example.

:func:`device_program` is the by-hand way to evaluate one device with ``cue``
(the benchmark's naive peer): one CUE file holding the device's host
variables, the group variables that apply to it and
``out: oc.#Root & (#Device & {vars: ...}).config``.
"""

from __future__ import annotations

import ipaddress
import json
import re
import shutil
from pathlib import Path
from typing import Any

import yaml

from netdata.build import IMPORT_PATH
from netdata.inventory import write_host_files

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "fabric"
SPINES = 4
PORTS = 48
_VLANS = {10: "servers", 20: "storage", 30: "hypervisor-mgmt"}
_P2P = ipaddress.ip_address("10.0.0.0")
_LOOPBACKS = ipaddress.ip_address("10.255.4.0")
_SVIS = ipaddress.ip_address("10.16.0.0")
_PACKAGE = re.compile(r"^package\s+\w+\s*$", re.MULTILINE)


def _vlan(vid: int) -> dict[str, Any]:
    return {"vid": vid, "name": _VLANS[vid]}


def leaf(index: int) -> dict[str, Any]:
    """The host variables of leaf ``index`` (0-based), in the inventory's shape."""
    name = f"leaf{index + 1:05d}"
    pair = index // 2
    interfaces: dict[str, dict[str, Any]] = {}
    for port in range(1, PORTS + 1):
        server = f"srv-{pair:05d}-{port:02d}"
        intf: dict[str, Any] = {"type": "25gbase-x-sfp28", "enabled": True}
        if port <= 40:
            intf |= {"description": f"{server} eth{index % 2}", "mode": "access",
                     "untagged_vlan": _vlan(10 if port % 4 else 20)}
        elif port <= 46:
            intf |= {"description": f"hv-{pair:05d}-{port:02d} eth{index % 2}", "mode": "tagged",
                     "untagged_vlan": _vlan(30), "tagged_vlans": [_vlan(v) for v in _VLANS]}
        else:
            intf |= {"description": f"srv-{pair:05d}-lag eth{port - 47}", "lag": "Port-Channel10"}
        intf["ip_addresses"] = []
        interfaces[f"Ethernet{port}"] = intf
    for spine in range(SPINES):
        link = _P2P + 2 * (index * SPINES + spine)
        interfaces[f"Ethernet{PORTS + 1 + spine}"] = {
            "type": "100gbase-x-qsfp28", "enabled": True,
            "description": f"spine{spine + 1} Ethernet{index + 1}",
            "ip_addresses": [f"{link + 1}/31"],
        }
    loopback = f"{_LOOPBACKS + index}/32"
    interfaces["Loopback0"] = {"type": "virtual", "enabled": True, "description": "router-id",
                               "ip_addresses": [loopback]}
    interfaces["Port-Channel10"] = {
        "type": "lag", "enabled": True, "description": f"srv-{pair:05d}-lag bond0",
        "mode": "tagged", "untagged_vlan": _vlan(10), "tagged_vlans": [_vlan(10), _vlan(20)],
        "ip_addresses": [],
    }
    for n, vid in enumerate((10, 20)):
        subnet = _SVIS + 256 * (2 * pair + n)
        interfaces[f"Vlan{vid}"] = {
            "type": "virtual", "enabled": True, "description": f"{_VLANS[vid]} gateway",
            "ip_addresses": [f"{subnet + 2 + index % 2}/24"],
        }
    return {
        "name": name, "role": "leaf", "location": "dc1", "platform": "eos",
        "manufacturer": "Arista", "device_type": "DCS-7050SX3-48YC8", "status": "Active",
        "serial": f"JPE3{index:07d}", "primary_ip4": loopback, "interfaces": interfaces,
        "config_context": {"bgp": {"asn": 4200000000 + pair}},
        "tags": [], "custom_fields": {"rack": f"R{pair:04d}"},
    }


def write_fleet(root: str | Path, count: int) -> dict[str, dict[str, Any]]:
    """Write a network repository of ``count`` leaves at ``root``; return the host variables."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    for part in ("groups", "transforms"):
        shutil.copytree(EXAMPLE / part, root / part, dirs_exist_ok=True)
    (root / "netdata.yaml").write_text("inventory: inventory/hosts\n", encoding="utf-8")
    hosts = {h["name"]: h for h in map(leaf, range(count))}
    write_host_files(hosts, root / "inventory" / "hosts", "yaml")
    return hosts


def group_files(repo: Path, host: dict[str, Any]) -> list[Path]:
    """The group files that apply to ``host``, least specific first (docs/build.md's order)."""
    levels = [repo / "groups" / "all"]
    for level in ("platform", "location", "role"):
        if level in host:
            levels.append(repo / "groups" / level / str(host[level]))
    levels += [repo / "groups" / "tag" / tag for tag in host.get("tags", [])]
    return [f for stem in levels for f in (stem.with_suffix(".yaml"), stem.with_suffix(".cue"))
            if f.exists()]


def device_program(repo: Path, host: dict[str, Any], package: str) -> str:
    """A CUE file of ``package`` whose ``out`` is ``host``'s config unified with ``oc.#Root``.

    YAML group files are inlined as JSON, CUE group files as a struct around
    their text without its package clause (so they may not have imports).
    """
    groups = []
    for f in group_files(repo, host):
        text = f.read_text("utf-8")
        if f.suffix == ".yaml":
            groups.append(json.dumps(yaml.safe_load(text)))
        else:
            groups.append("{\n" + _PACKAGE.sub("", text) + "\n}")
    unified = " & ".join([json.dumps(host), *groups])
    return (f'package {package}\n\nimport "{IMPORT_PATH}"\n\n'
            f"out: oc.#Root & (#Device & {{vars: {unified}}}).config\n")
