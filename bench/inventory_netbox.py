"""Benchmark: fetch 1,000 devices with interfaces and IPs from a real NetBox, next to pynetbox.

    python bench/inventory_netbox.py [--devices 1000] [--runs 3]

Starts NetBox 4.6.8 on loopback (the test harness: gunicorn, 2 workers x 2
threads; installed by ``scripts/setup.sh --test``), seeds DEVICES devices with 4
interfaces and 3 IP addresses each (``inventory_fabric.bench_devices``) through
bulk REST POSTs (the seeded database is then cached with pg_dump, so later runs
start in seconds), then times, each after one warm-up fetch:

* netdata GraphQL (``NetBoxGraphQLSource``, pages of 500 and of 1,000);
* netdata REST (``NetBoxRESTSource``), lists and pages concurrent (4), and one
  request at a time;
* pynetbox fetching the same data (devices, interfaces, IP addresses on
  interfaces, pages of 500), with and without its ``threading`` option: what
  most NetBox users would write.

For each: wall time (min and median of the runs), and where the time went: CPU
of NetBox's processes, of PostgreSQL's and of this process (the client).
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

import pynetbox
from inventory_fabric import BENCH_PREFIXES, PREFIXES, bench_devices, expected_hosts
from inventory_netbox_harness import NetBoxServer
from inventory_netbox_seed import seed_fabric

from netdata.inventory import Connection, NetBoxGraphQLSource, NetBoxRESTSource, fetch_inventory

SEED_VERSION = 1  # bump when bench_devices() or the seeder change: the dump is cached by it


def pynetbox_fetch(server: NetBoxServer, threading: bool) -> Callable[[], dict[str, Any]]:
    """The same three lists with pynetbox (its Records, by device name)."""

    def fetch() -> dict[str, Any]:
        nb = pynetbox.api(server.url, token=server.token, threading=threading)
        devices = list(nb.dcim.devices.all(limit=500))
        interfaces = list(nb.dcim.interfaces.all(limit=500))
        ips = list(nb.ipam.ip_addresses.filter(assigned_object_type="dcim.interface", limit=500))
        by_name: dict[str, Any] = {d.name: {"device": d, "interfaces": []} for d in devices}
        for intf in interfaces:
            by_name[intf.device.name]["interfaces"].append(intf)
        assert len(ips) == 3 * len(devices), len(ips)
        return by_name

    return fetch


def timed(
    server: NetBoxServer, label: str, fn: Callable[[], dict[str, Any]], runs: int
) -> float:
    fn()  # warm-up
    times, cpu = [], []
    for _ in range(runs):
        before, client = server.cpu_seconds(), time.process_time()
        start = time.perf_counter()
        hosts = fn()
        times.append(time.perf_counter() - start)
        after = server.cpu_seconds()
        cpu.append((after["app"] - before["app"], after["postgres"] - before["postgres"],
                    time.process_time() - client))
    app, pg, own = (statistics.median(c[i] for c in cpu) for i in range(3))
    print(f"{label:<40} {len(hosts):5d} devices  min {min(times):6.2f} s  "
          f"median {statistics.median(times):6.2f} s   CPU: netbox {app:5.1f} s, "
          f"postgres {pg:4.1f} s, client {own:4.1f} s", flush=True)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    start = time.perf_counter()
    seeded = NetBoxServer.cache_dir() / f"bench-{args.devices}-devices-v{SEED_VERSION}.dump"
    devices = bench_devices(args.devices)
    with NetBoxServer(database_dump=seeded if seeded.exists() else None) as server:
        print(f"netbox up in {time.perf_counter() - start:.1f} s")
        if server.database_dump is None:
            start = time.perf_counter()
            seed_fabric(server, devices, PREFIXES + BENCH_PREFIXES)
            print(f"seeded {args.devices} devices in {time.perf_counter() - start:.1f} s")
            server.dump_database(seeded)
        else:
            print(f"restored the seeded database from {seeded}")
        conn = Connection(url=server.url, token=server.token, timeout=600)
        graphql = NetBoxGraphQLSource(conn)
        rest = NetBoxRESTSource(conn)
        expected = expected_hosts(devices, status="active")
        assert fetch_inventory(graphql) == expected, "GraphQL host variables differ"
        assert fetch_inventory(rest) == expected, "REST host variables differ"
        runs = args.runs
        g = timed(server, "netdata graphql (pages of 500)", lambda: fetch_inventory(graphql), runs)
        big = NetBoxGraphQLSource(Connection(url=server.url, token=server.token, timeout=600,
                                             page_size=1000))
        timed(server, "netdata graphql (pages of 1000)", lambda: fetch_inventory(big), runs)
        r = timed(server, "netdata rest, concurrent (4)", lambda: fetch_inventory(rest), runs)
        seq = NetBoxRESTSource(Connection(url=server.url, token=server.token, timeout=600,
                                          concurrency=1))
        s = timed(server, "netdata rest, one request at a time", lambda: fetch_inventory(seq),
                  runs)
        p = timed(server, "pynetbox (sequential pages)", pynetbox_fetch(server, False), runs)
        pt = timed(server, "pynetbox (threading=True)", pynetbox_fetch(server, True), runs)
        print(f"ratios: pynetbox/netdata-rest {p / r:.2f}x (threading: {pt / r:.2f}x); "
              f"pynetbox/netdata-graphql {p / g:.2f}x (threading: {pt / g:.2f}x); "
              f"rest/graphql {r / g:.2f}x; sequential/concurrent rest {s / r:.2f}x")


if __name__ == "__main__":
    main()
