"""Benchmark: fetch 1,000 devices with interfaces and IPs from a real Nautobot.

    python bench/inventory_nautobot.py [--devices 1000]

Starts Nautobot 3.2.7 on loopback (the test harness; first run installs and
migrates, minutes), seeds DEVICES devices with 4 interfaces and 3 IP addresses
each through bulk REST POSTs (about 15 minutes on 2 cores; the seeded database
is then cached with pg_dump, so later runs start in seconds), then times:

* GraphQL, default query (two concurrent requests: devices and interfaces,
  config contexts; after one warm-up query), and the same query sent as one
  request (a custom query), as the baseline;
* REST with paging, concurrent lists and pages (4) and, as the baseline, one
  request at a time;
* pynautobot fetching the same lists (devices with config contexts, interfaces
  with their VLANs and IPs, IP addresses on interfaces, the related objects),
  with and without its ``threading`` option.

Goals (issue #4): GraphQL <= 1 s after warm-up; REST <= 3 s with concurrent pages.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "inventory"))

import pynautobot
from inventory_nautobot_harness import NautobotServer, cache_dir
from inventory_nautobot_seed import ACTIVE, seed_base

from netdata.inventory import (
    DEFAULT_QUERY,
    Connection,
    Filters,
    NautobotGraphQLSource,
    NautobotRESTSource,
    fetch_inventory,
)

CHUNK = 100
SEED_VERSION = 1  # bump when seed() changes: the seeded database is cached by it


def bulk(server: NautobotServer, path: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for start in range(0, len(items), CHUNK):
        answer = server.api("POST", path, items[start : start + CHUNK])
        assert isinstance(answer, list)
        out.extend(answer)
    return out


def seed(server: NautobotServer, count: int) -> None:
    ids = seed_base(server)
    for prefix in ("172.16.0.0/12", "100.64.0.0/10"):
        server.api("POST", "/api/ipam/prefixes/", {"prefix": prefix, "status": ACTIVE,
                                                   "namespace": {"name": "Global"}})
    devices = bulk(server, "/api/dcim/devices/", [
        {"name": f"leaf{n:04d}", "role": ids["role"]["leaf" if n % 10 else "spine"],
         "device_type": ids["device_type"]["DCS-7050SX3"], "location": ids["location"]["lab1"],
         "platform": ids["platform"]["eos"], "status": ACTIVE, "serial": f"SN{n}",
         "tags": [ids["tag"]["evpn"]], "custom_fields": {"rack_unit": n % 42}}
        for n in range(count)
    ])
    lags = bulk(server, "/api/dcim/interfaces/", [
        {"device": d["id"], "name": "Port-Channel1", "type": "lag", "status": ACTIVE, "mtu": 9214}
        for d in devices
    ])
    members = bulk(server, "/api/dcim/interfaces/", [
        body
        for d, lag in zip(devices, lags, strict=True)
        for body in (
            {"device": d["id"], "name": "Ethernet1", "type": "10gbase-x-sfpp", "status": ACTIVE,
             "lag": lag["id"], "description": "uplink"},
            {"device": d["id"], "name": "Ethernet2", "type": "10gbase-x-sfpp", "status": ACTIVE,
             "mode": "tagged", "untagged_vlan": ids["vlan"]["10"],
             "tagged_vlans": [ids["vlan"]["10"], ids["vlan"]["20"]]},
            {"device": d["id"], "name": "Loopback0", "type": "virtual", "status": ACTIVE},
        )
    ])
    loopbacks = members[2::3]
    addresses = []
    for n, (lag, lo) in enumerate(zip(lags, loopbacks, strict=True)):
        addresses += [(f"172.16.{n // 256}.{n % 256}/32", lo), (f"2001:db8::{n:x}/128", lo),
                      (f"100.64.{(2 * n) // 256}.{(2 * n) % 256}/31", lag)]
    ips = bulk(server, "/api/ipam/ip-addresses/", [
        {"address": a, "namespace": {"name": "Global"}, "status": ACTIVE, "type": "host"}
        for a, _ in addresses
    ])
    bulk(server, "/api/ipam/ip-address-to-interface/", [
        {"ip_address": ip["id"], "interface": intf["id"]}
        for ip, (_, intf) in zip(ips, addresses, strict=True)
    ])
    for start in range(0, count, CHUNK):
        server.api("PATCH", "/api/dcim/devices/", [
            {"id": devices[n]["id"], "primary_ip4": ips[3 * n]["id"],
             "primary_ip6": ips[3 * n + 1]["id"]}
            for n in range(start, min(count, start + CHUNK))
        ])


def pynautobot_fetch(server: NautobotServer, threading: bool) -> Callable[[], dict[str, Any]]:
    """The lists netdata's REST source reads, with pynautobot (its Records, by device name)."""

    def fetch() -> dict[str, Any]:
        nb = pynautobot.api(server.url, token=server.token, threading=threading, retries=3)
        devices = list(nb.dcim.devices.filter(include="config_context", limit=1000))
        interfaces = list(nb.dcim.interfaces.filter(exclude_m2m=False, limit=500))
        ips = list(nb.ipam.ip_addresses.filter(has_interface_assignments=True, limit=500))
        related = [list(ep.all(limit=500)) for ep in (
            nb.extras.roles, nb.dcim.locations, nb.dcim.platforms, nb.extras.statuses,
            nb.dcim.device_types, nb.dcim.manufacturers, nb.extras.tags, nb.ipam.vlans)]
        by_id = {d.id: {"device": d, "interfaces": []} for d in devices}
        for intf in interfaces:
            by_id[intf.device.id]["interfaces"].append(intf)
        assert len(ips) == 3 * len(devices) and all(related), len(ips)
        return {entry["device"].name: entry for entry in by_id.values()}

    return fetch


def timed(label: str, fn: Callable[[], dict[str, Any]], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        hosts = fn()
        times.append(time.perf_counter() - start)
    ifaces = sum(len(h.get("interfaces", {})) for h in hosts.values())
    print(f"{label:<38} {len(hosts):5d} devices {ifaces:5d} interfaces  "
          f"min {min(times):6.2f} s  median {statistics.median(times):6.2f} s")
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3, help="GraphQL runs")
    parser.add_argument("--rest-runs", type=int, default=1, help="REST runs (slow)")
    args = parser.parse_args()
    start = time.perf_counter()
    seeded = cache_dir() / f"bench-{args.devices}-devices-v{SEED_VERSION}.dump"
    with NautobotServer(database_dump=seeded if seeded.exists() else None) as server:
        print(f"nautobot up in {time.perf_counter() - start:.1f} s")
        if server.database_dump is None:
            start = time.perf_counter()
            seed(server, args.devices)
            print(f"seeded {args.devices} devices in {time.perf_counter() - start:.1f} s")
            server.dump_database(seeded)
        else:
            print(f"restored the seeded database from {seeded}")
        conn = Connection(url=server.url, token=server.token, timeout=600)
        graphql = NautobotGraphQLSource(conn)
        start = time.perf_counter()
        graphql.fetch(Filters(names=("leaf0000",)))
        print(f"graphql warm-up query                  {time.perf_counter() - start:6.2f} s")
        g = timed("graphql, default query", lambda: fetch_inventory(graphql), args.runs)
        one = NautobotGraphQLSource(conn, query=DEFAULT_QUERY + "\n")  # not split: a custom query
        o = timed("graphql, default query as one request", lambda: fetch_inventory(one), args.runs)
        lean = NautobotGraphQLSource(conn, query=DEFAULT_QUERY.replace("    config_context\n", ""))
        timed("graphql, without config_context", lambda: fetch_inventory(lean), args.runs)
        rest = NautobotRESTSource(conn)
        by_rest = fetch_inventory(rest)
        assert fetch_inventory(graphql) == by_rest, "GraphQL and REST answers differ"
        r = timed("rest, concurrent lists and pages", lambda: fetch_inventory(rest), args.rest_runs)
        seq = NautobotRESTSource(Connection(url=server.url, token=server.token, timeout=600,
                                            concurrency=1))
        s = timed("rest, one page at a time (baseline)", lambda: fetch_inventory(seq),
                  args.rest_runs)
        p = timed("pynautobot (sequential pages)", pynautobot_fetch(server, False),
                  args.rest_runs)
        pt = timed("pynautobot (threading=True)", pynautobot_fetch(server, True), args.rest_runs)
        print(f"ratios: rest/graphql {r / g:.1f}x; sequential/concurrent rest {s / r:.2f}x; "
              f"graphql one request/two concurrent {o / g:.2f}x; "
              f"pynautobot/netdata-rest {p / r:.2f}x (threading {pt / r:.2f}x); "
              f"pynautobot/netdata-graphql {p / g:.2f}x (threading {pt / g:.2f}x)")
        print(f"goals: graphql {g:.2f} s (<= 1 s: {'met' if g <= 1 else 'NOT met'}); "
              f"rest {r:.2f} s (<= 3 s: {'met' if r <= 3 else 'NOT met'})")


if __name__ == "__main__":
    main()
