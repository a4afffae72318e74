"""Benchmark of `netdata push`: diff + push a 1,000-leaf fleet to simulated devices.

The devices are `netdata sim` processes (``--sims`` of them, devices split
evenly), separate from the pusher (this process). Each device gets a distinct
48-port leaf configuration (conformance corpus p015 with its own hostname),
written as a build output folder in the build contract's format.

Measured, each on freshly started (empty) devices:
  * netdata push (Get, diff, one Set, verify Get, commit-confirmed confirm,
    journal), wall time and per-device latency percentiles; then the second,
    no-change run (Get + diff only);
  * the same configs by what people use instead: a hand-written pygnmi script
    with a thread pool (connect, one Set with a replace per root), Nornir 3 with
    nornir-pygnmi's gnmi_set task (threaded runner), and `gnmi_cli -set` driven
    by `xargs -P` (raw Set throughput);
and the ratios. After each peer a `netdata diff` checks that every device holds
its config (not timed).

    python bench/push_fleet.py [--devices 1000] [--concurrency 100] [--sims 2]
                               [--peers pygnmi,nornir,gnmi_cli]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "push"))

from push_helpers import MODELS, corpus, with_hostname, write_build  # noqa: E402

import netdata  # noqa: E402
from netdata.push import Options, Policy  # noqa: E402

GNMI_CLI = REPO / ".venv" / "bin" / "gnmi_cli"


class Sims:
    """`netdata sim` processes serving the build's devices, started empty."""

    def __init__(self, names: list[str], count: int, folder: Path) -> None:
        self.names, self.count, self.folder = names, count, folder
        self.procs: list[subprocess.Popen[str]] = []
        self.targets = folder / "targets.json"

    def start(self) -> float:
        begin = time.perf_counter()
        chunks = [self.names[i :: self.count] for i in range(self.count)]
        files = []
        for index, chunk in enumerate(chunks):
            file = self.folder / f"targets-{index}.json"
            args = [sys.executable, "-m", "netdata", "sim", "--models", str(MODELS)]
            args += [arg for name in chunk for arg in ("--device", name)]
            args += ["--write-targets", str(file)]
            self.procs.append(subprocess.Popen(args, stdout=subprocess.PIPE, text=True))
            files.append(file)
        for proc in self.procs:
            assert proc.stdout is not None
            for line in proc.stdout:
                if line.strip() == "ready":
                    break
            else:
                raise SystemExit(f"netdata sim failed: exit {proc.wait()}")
        merged: dict[str, Any] = {"defaults": {}, "devices": {}}
        for file in files:
            part = json.loads(file.read_text())
            merged["defaults"] = {**part["defaults"], "timeout": 30}  # as long as the peers wait
            merged["devices"].update(part["devices"])
        self.targets.write_text(json.dumps(merged))
        return time.perf_counter() - begin

    def stop(self) -> None:
        for proc in self.procs:
            proc.send_signal(2)
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:  # 500 servers can be slow to close under load
                proc.kill()
                proc.wait()
        self.procs = []

    def addresses(self) -> dict[str, tuple[str, int]]:
        devices = json.loads(self.targets.read_text())["devices"]
        return {n: (d["address"], int(d["port"])) for n, d in devices.items()}


def percentiles(values: list[float]) -> str:
    cuts = statistics.quantiles(values, n=100)
    return (
        f"p50 {cuts[49]:.2f} s, p90 {cuts[89]:.2f} s, p99 {cuts[98]:.2f} s, max {max(values):.2f} s"
    )


def netdata_push(build: Path, sims: Sims, journal: Path, concurrency: int) -> Any:
    return netdata.push(
        build,
        targets=sims.targets,
        options=Options(),
        policy=Policy(concurrency=concurrency, max_failures=None),
        journal_dir=journal,
    )


def pygnmi_script(build: Path, sims: Sims, concurrency: int) -> None:
    """What most teams write by hand: a thread pool, one client and one Set per device."""
    from pygnmi.client import gNMIclient

    addresses = sims.addresses()

    def one(name: str) -> None:
        config = json.loads((build / f"{name}.json").read_text())
        with gNMIclient(target=addresses[name], insecure=True, gnmi_timeout=30) as gc:
            gc.set(replace=list(config.items()), encoding="json_ietf")

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, sorted(addresses)))


def nornir_run(build: Path, sims: Sims, concurrency: int) -> None:
    """Nornir 3 + nornir-pygnmi: gnmi_set per host on the threaded runner."""
    from nornir import InitNornir
    from nornir_pygnmi.tasks import gnmi_set

    folder = sims.folder / "nornir"
    folder.mkdir(exist_ok=True)
    hosts = {
        name: {
            "hostname": host,
            "port": port,
            "username": "",
            "password": "",
            "connection_options": {"pygnmi": {"extras": {"insecure": True, "gnmi_timeout": 30}}},
        }
        for name, (host, port) in sims.addresses().items()
    }
    (folder / "hosts.yaml").write_text(json.dumps(hosts))
    (folder / "groups.yaml").write_text("{}")
    nr = InitNornir(
        runner={"plugin": "threaded", "options": {"num_workers": concurrency}},
        inventory={
            "plugin": "SimpleInventory",
            "options": {
                "host_file": str(folder / "hosts.yaml"),
                "group_file": str(folder / "groups.yaml"),
            },
        },
        logging={"enabled": False},
    )

    def task(task: Any) -> Any:
        config = json.loads((build / f"{task.host.name}.json").read_text())
        return task.run(gnmi_set, replace=list(config.items()), encoding="json_ietf")

    result = nr.run(task=task)
    nr.close_connections()
    if result.failed:
        first = next(iter(result.failed_hosts.values()))
        raise SystemExit(f"nornir: {len(result.failed_hosts)} hosts failed: {first.exception}")


def gnmi_cli_xargs(build: Path, sims: Sims, concurrency: int) -> None:
    """`gnmi_cli -set` per device (a replace per root, text proto file) under `xargs -P`."""
    lines = []
    for name, (host, port) in sims.addresses().items():
        config = json.loads((build / f"{name}.json").read_text())
        proto = " ".join(
            f'replace: <path: <elem: <name: "{root}">> val: <json_ietf_val: '
            f"{json.dumps(json.dumps(value))}>>"
            for root, value in config.items()
        )
        file = sims.folder / "protos" / f"{name}.txt"
        file.parent.mkdir(exist_ok=True)
        file.write_text(proto)
        lines.append(f"-address {host}:{port} -insecure -set -timeout 30s -proto_file {file}")
    subprocess.run(
        ["xargs", "-P", str(concurrency), "-L", "1", str(GNMI_CLI)],
        input="\n".join(lines) + "\n",
        text=True,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def check_all_pushed(build: Path, sims: Sims, what: str) -> None:
    report = netdata.diff(build, targets=sims.targets, concurrency=100)
    unchanged = report.counts["unchanged"]
    if unchanged != len(report.results):
        raise SystemExit(f"{what}: only {unchanged} of {len(report.results)} devices in sync")


def expect(report: Any, status: str, devices: int) -> None:
    if report.counts[status] != devices:
        failed = next((r for r in report.results if r.status != status), None)
        print(f"  not all {status}: {report.counts}; e.g. {failed.device}: {failed.message}")


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def own_cpu() -> float:
    """CPU seconds (user + sys) of this process and its finished children (gnmi_cli)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


class Cpu:
    """CPU seconds of a phase: the client side (this process, gnmi_cli children) and the
    simulators (their /proc counters), the honest figure on a loaded machine."""

    def __init__(self, sims: Sims) -> None:
        self.sims = sims
        self.client, self.server = own_cpu(), self._sims()

    def _sims(self) -> float:
        total = 0
        for proc in self.sims.procs:
            with open(f"/proc/{proc.pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    def text(self) -> str:
        client, server = own_cpu() - self.client, self._sims() - self.server
        return f"CPU client {client:5.1f} s + simulators {server:5.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--sims", type=int, default=2, help="simulator processes")
    parser.add_argument("--peers", default="pygnmi,nornir,gnmi_cli")
    args = parser.parse_args()
    logging.getLogger("pygnmi").setLevel(logging.CRITICAL + 1)
    os.environ.setdefault("NETDATA_YANG_PATH", str(MODELS))
    names = [f"leaf{i:04d}" for i in range(args.devices)]
    if "gnmi_cli" in args.peers.split(",") and not GNMI_CLI.exists():
        parser.error(f"{GNMI_CLI} is missing: run 'bash scripts/setup.sh --test' first")
    leaf = corpus("p015")
    peers = {"pygnmi": pygnmi_script, "nornir": nornir_run, "gnmi_cli": gnmi_cli_xargs}
    with tempfile.TemporaryDirectory(prefix="netdata-bench-push-") as tmp:
        folder = Path(tmp)
        build = write_build(folder / "build", {n: with_hostname(leaf, n) for n in names})
        print(
            f"{args.devices} devices (p015, 48 ports, distinct hostnames), concurrency "
            f"{args.concurrency}, {args.sims} simulator processes; load average "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )
        sims = Sims(names, args.sims, folder)
        print(f"simulators ready in {sims.start():.1f} s")
        try:
            cpu = Cpu(sims)
            first, report = timed(lambda: netdata_push(build, sims, folder / "j", args.concurrency))
            expect(report, "changed", args.devices)
            latency = percentiles([r.seconds for r in report.results])
            print(f"netdata push (changes):   {first:6.2f} s  {cpu.text()}  per device {latency}")
            cpu = Cpu(sims)
            second, report = timed(
                lambda: netdata_push(build, sims, folder / "j", args.concurrency)
            )
            expect(report, "unchanged", args.devices)
            latency = percentiles([r.seconds for r in report.results])
            print(f"netdata push (no change): {second:6.2f} s  {cpu.text()}  per device {latency}")
        finally:
            sims.stop()
        for peer in filter(None, args.peers.split(",")):
            sims = Sims(names, args.sims, folder)
            sims.start()
            try:
                cpu = Cpu(sims)
                took, _ = timed(lambda: peers[peer](build, sims, args.concurrency))  # noqa: B023
                used = cpu.text()
                check_all_pushed(build, sims, peer)
            finally:
                sims.stop()
            print(f"{peer:24s}  {took:6.2f} s  {used}  netdata/{peer} = {first / took:.2f}")
        print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
