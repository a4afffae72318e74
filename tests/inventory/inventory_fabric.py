"""The fabric the inventory tests seed into a real Nautobot and a real NetBox, as data.

:data:`DEVICES` describes a small leaf/spine fabric; :func:`bench_devices` a
large one in the same shape for the benchmarks.  :func:`expected_hosts` derives
from a description the host variables a correct inventory fetch must return,
independently of the code under test.  The seeders
(``inventory_nautobot_seed``, ``inventory_netbox_seed``) write a description
into their server through its REST API.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

NTP_CONTEXT = {"ntp": ["192.0.2.250"], "syslog": {"host": "192.0.2.251"}}
VLANS = {10: "users", 20: "voice"}
LOCATION, PLATFORM, MANUFACTURER, MODEL = "lab1", "eos", "Arista", "DCS-7050SX3"

# name -> device description; interfaces: name -> attributes (ips: addresses on it).
DEVICES: dict[str, dict[str, Any]] = {
    "leaf1": {
        "role": "leaf", "tags": ["evpn"], "custom_fields": {"rack_unit": 12},
        "local_context": {"asn": 65011}, "primary_ip4": "192.0.2.11/32",
        "primary_ip6": "2001:db8::11/128",
        "interfaces": {
            "Port-Channel1": {"type": "lag", "mtu": 9214, "description": "uplinks",
                              "ips": ["10.0.0.1/31"]},
            "Ethernet1": {"type": "10gbase-x-sfpp", "mtu": 9214, "description": "to spine1",
                          "lag": "Port-Channel1"},
            "Ethernet2": {"type": "10gbase-x-sfpp", "mode": "tagged", "untagged_vlan": 10,
                          "tagged_vlans": [20, 10]},
            "Ethernet3": {"type": "1000base-t", "enabled": False},
            "Loopback0": {"type": "virtual", "ips": ["192.0.2.11/32", "2001:db8::11/128"]},
        },
    },
    "leaf2": {
        "role": "leaf", "tags": [], "custom_fields": {}, "primary_ip4": "192.0.2.12/32",
        "interfaces": {
            "Ethernet1": {"type": "10gbase-x-sfpp", "mode": "access", "untagged_vlan": 20},
            "Loopback0": {"type": "virtual", "ips": ["192.0.2.12/32"]},
        },
    },
    "spine1": {
        "role": "spine", "tags": ["evpn", "core"], "custom_fields": {"rack_unit": 40},
        "primary_ip4": "192.0.2.1/32",
        "interfaces": {
            "Ethernet1": {"type": "10gbase-x-sfpp", "mtu": 9214, "ips": ["10.0.0.0/31"]},
            "Loopback0": {"type": "virtual", "ips": ["192.0.2.1/32"]},
        },
    },
}
ROLES, TAGS = ("leaf", "spine"), ("evpn", "core")
PREFIXES = ["192.0.2.0/24", "10.0.0.0/16", "2001:db8::/64"]
BENCH_PREFIXES = ["172.16.0.0/12", "100.64.0.0/10"]


@dataclass(frozen=True)
class Fabric:
    """What was seeded: object ids by kind and name."""

    ids: dict[str, dict[str, Any]]


def bench_devices(count: int) -> dict[str, dict[str, Any]]:
    """``count`` devices of 4 interfaces (a LAG, its member, a trunk, a loopback) and 3 IPs."""
    devices = {}
    for n in range(count):
        # canonical text (RFC 5952: 2001:db8:: for 0), as the sources return it
        v6 = ipaddress.IPv6Address("2001:db8::") + n
        loopback = [f"172.16.{n // 256}.{n % 256}/32", f"{v6}/128"]
        devices[f"leaf{n:04d}"] = {
            "role": "leaf" if n % 10 else "spine", "tags": ["evpn"], "serial": f"SN{n}",
            "custom_fields": {"rack_unit": n % 42},
            "primary_ip4": loopback[0], "primary_ip6": loopback[1],
            "interfaces": {
                "Port-Channel1": {"type": "lag", "mtu": 9214,
                                  "ips": [f"100.64.{(2 * n) // 256}.{(2 * n) % 256}/31"]},
                "Ethernet1": {"type": "10gbase-x-sfpp", "lag": "Port-Channel1",
                              "description": "uplink"},
                "Ethernet2": {"type": "10gbase-x-sfpp", "mode": "tagged", "untagged_vlan": 10,
                              "tagged_vlans": [10, 20]},
                "Loopback0": {"type": "virtual", "ips": loopback},
            },
        }
    return devices


def _address_key(address: str) -> tuple[int, int]:
    iface = ipaddress.ip_interface(address)
    return iface.version, int(iface.ip)


def expected_hosts(
    devices: dict[str, dict[str, Any]] | None = None, *, status: str = "Active"
) -> dict[str, dict[str, Any]]:
    """The host variables the seeded ``devices`` must produce (docs/inventory.md's shape).

    ``status`` is how the source names the seeded status: Nautobot's status name
    ``Active``, NetBox's choice value ``active``.
    """
    hosts = {}
    for name, spec in sorted((devices or DEVICES).items()):
        interfaces = {}
        for iname, i in spec["interfaces"].items():
            values: dict[str, Any] = {"type": i["type"], "enabled": i.get("enabled", True)}
            for key in ("mtu", "description", "lag", "mode"):
                if key in i:
                    values[key] = i[key]
            if "untagged_vlan" in i:
                values["untagged_vlan"] = {"vid": i["untagged_vlan"],
                                           "name": VLANS[i["untagged_vlan"]]}
            if i.get("tagged_vlans"):
                values["tagged_vlans"] = [{"vid": v, "name": VLANS[v]}
                                          for v in sorted(i["tagged_vlans"])]
            values["ip_addresses"] = sorted(i.get("ips", []), key=_address_key)
            interfaces[iname] = values
        host: dict[str, Any] = {
            "name": name, "role": spec["role"], "location": LOCATION, "platform": PLATFORM,
            "manufacturer": MANUFACTURER, "device_type": MODEL, "status": status,
            "serial": spec.get("serial", f"SN-{name}"), "primary_ip4": spec["primary_ip4"],
        }
        if "primary_ip6" in spec:
            host["primary_ip6"] = spec["primary_ip6"]
        host["interfaces"] = interfaces
        host["config_context"] = {**NTP_CONTEXT, **spec.get("local_context", {})}
        host["tags"] = sorted(spec["tags"])
        host["custom_fields"] = spec["custom_fields"]
        hosts[name] = host
    return hosts
