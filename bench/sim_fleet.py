"""Benchmark of `netdata sim`: 1,000 devices in one process.

Measures, with the server in its own process (`netdata sim`) and the gNMI
clients in this one:
  * start-up time of a fleet (ready line) and its parts (schema load, validation);
  * resident memory per device (RSS of the server: N devices vs 1 device);
  * Sets per second: full replace of a realistic 48-port leaf configuration
    (conformance corpus p015), validated by libyang on every Set;
  * the server's CPU per RPC (user + sys of the `netdata sim` process, the honest
    figure on a shared machine) for what `netdata push` sends a device: a Get of the
    managed roots, a replace of them with commit-confirmed, the confirm, and
    Capabilities;
and prints ratios against baselines (libyang validation alone in-process).

    python bench/sim_fleet.py [--devices 1000] [--sets 600] [--clients 4]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import grpc
from pygnmi.spec.v080 import gnmi_pb2, gnmi_pb2_grpc

from netdata.sim import commit_extension

REPO = Path(__file__).resolve().parents[1]
MODELS = Path(os.environ.get("NETDATA_YANG_PATH") or REPO.parent / "shared/yang/openconfig")
LEAF = REPO.parent / "shared/conformance/public/p015-large-leaf-switch.json"


def leaf_config(n: int) -> dict:
    doc = json.loads(LEAF.read_text())
    doc["openconfig-system:system"]["config"]["hostname"] = f"leaf{n}"
    return doc


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def serve(devices: int, startup: Path | None) -> tuple[subprocess.Popen[str], list[int], float]:
    args = [sys.executable, "-m", "netdata", "sim", "--models", str(MODELS)]
    args += ["--devices", str(devices)]
    if startup is not None:
        args += ["--startup-dir", str(startup)]
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    ports = []
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip() == "ready":
            return proc, ports, time.perf_counter() - start
        ports.append(int(line.rsplit(":", 1)[1]))
    raise SystemExit(f"netdata sim failed: exit {proc.wait()}")


def stop(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(2)
    proc.wait(timeout=60)


def set_request(n: int, i: int) -> gnmi_pb2.SetRequest:
    doc = leaf_config(n)
    ifaces = doc["openconfig-interfaces:interfaces"]["interface"]
    ifaces[0]["config"]["description"] = f"push {i}"
    value = gnmi_pb2.TypedValue(json_ietf_val=json.dumps(doc).encode())
    return gnmi_pb2.SetRequest(replace=[gnmi_pb2.Update(path=gnmi_pb2.Path(), val=value)])


def small_request(n: int, i: int) -> gnmi_pb2.SetRequest:
    """An update of one interface description (the device still validates the whole tree)."""
    path = gnmi_pb2.Path(
        origin="openconfig",
        elem=[
            gnmi_pb2.PathElem(name="interfaces"),
            gnmi_pb2.PathElem(name="interface", key={"name": "Ethernet1"}),
            gnmi_pb2.PathElem(name="config"),
            gnmi_pb2.PathElem(name="description"),
        ],
    )
    value = gnmi_pb2.TypedValue(json_ietf_val=json.dumps(f"small {n}.{i}").encode())
    return gnmi_pb2.SetRequest(update=[gnmi_pb2.Update(path=path, val=value)])


def run_sets(ports: list[int], total: int, clients: int, make: Any = None) -> float:
    """Sets per second with ``clients`` threads, each on its own devices."""
    make = make or set_request
    requests = [make(n, i) for i, n in enumerate(range(total))]
    errors: list[BaseException] = []

    def worker(k: int) -> None:
        channels = {}
        try:
            for i in range(k, total, clients):
                port = ports[i % len(ports)]
                if port not in channels:
                    channels[port] = gnmi_pb2_grpc.gNMIStub(
                        grpc.insecure_channel(f"127.0.0.1:{port}")
                    )
                channels[port].Set(requests[i], timeout=60)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise SystemExit(f"Set failed: {errors[0]}")
    return total / elapsed


def server_cpu(pid: int) -> float:
    """CPU seconds (user + sys) the process ``pid`` has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def root_path(member: str) -> gnmi_pb2.Path:
    return gnmi_pb2.Path(elem=[gnmi_pb2.PathElem(name=member)])


def push_requests(n: int) -> dict[str, Any]:
    """What `netdata push` sends device ``n`` (JSON_IETF, the managed roots)."""
    doc = leaf_config(n)
    get = gnmi_pb2.GetRequest(
        path=[root_path(m) for m in doc],
        type=gnmi_pb2.GetRequest.DataType.CONFIG,
        encoding=gnmi_pb2.Encoding.JSON_IETF,
    )
    replace = [
        gnmi_pb2.Update(
            path=root_path(m), val=gnmi_pb2.TypedValue(json_ietf_val=json.dumps(v).encode())
        )
        for m, v in doc.items()
    ]
    return {
        "Capabilities": gnmi_pb2.CapabilityRequest(),
        "Get of the 4 roots": get,
        "Set: replace of the 4 roots, commit-confirmed": gnmi_pb2.SetRequest(
            replace=replace, extension=[commit_extension(f"b{n}", "commit", 600)]
        ),
        "Set: confirm": gnmi_pb2.SetRequest(extension=[commit_extension(f"b{n}", "confirm")]),
    }


def cpu_per_rpc(pid: int, ports: list[int], clients: int) -> None:
    """Milliseconds of server CPU per RPC, each kind sent once to every device in turn."""
    devices = len(ports)
    requests = [push_requests(n + 1) for n in range(devices)]  # a hostname each has not
    stubs = [gnmi_pb2_grpc.gNMIStub(grpc.insecure_channel(f"127.0.0.1:{p}")) for p in ports]
    for kind in requests[0]:
        method = "Capabilities" if kind == "Capabilities" else kind.split(":")[0].split()[0]

        def send(i: int, kind: str = kind, method: str = method) -> None:
            getattr(stubs[i], method)(requests[i][kind], timeout=60)

        before = server_cpu(pid)
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(send, range(devices)))
        used = (server_cpu(pid) - before) / devices * 1000
        print(f"  {kind:48s} {used:6.2f} ms of server CPU per RPC")


def startup_dir(folder: Path, devices: int) -> Path:
    """``sim-NNNN.json`` startup files: the leaf config with each device's own hostname."""
    width = max(4, len(str(devices - 1)))
    for n in range(devices):
        (folder / f"sim-{n:0{width}d}.json").write_text(json.dumps(leaf_config(n)))
    return folder


def report_cpu(pid: int, ports: list[int], clients: int) -> None:
    print(
        f"server CPU per RPC, {len(ports)} devices, {clients} clients, "
        f"load average {os.getloadavg()[0]:.1f}:"
    )
    cpu_per_rpc(pid, ports, clients)
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


def validation_baseline(rounds: int = 100) -> tuple[float, float]:
    """(schema load seconds, libyang validations per second of the leaf config) in-process."""
    from netdata.sim._schema import load_schema

    start = time.perf_counter()
    schema = load_schema(MODELS.resolve())
    load = time.perf_counter() - start
    text = json.dumps(leaf_config(0))
    best = float("inf")
    for _ in range(3):  # best of three: the machine is shared
        start = time.perf_counter()
        for _ in range(rounds):
            schema.validate(text)
        best = min(best, time.perf_counter() - start)
    return load, rounds / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--sets", type=int, default=600)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument(
        "--cpu-only", action="store_true", help="only the server's CPU per RPC (quick)"
    )
    opts = parser.parse_args()
    print(f"cores: {os.cpu_count()}, config: {LEAF.name} ({LEAF.stat().st_size} bytes)")

    if opts.cpu_only:
        with tempfile.TemporaryDirectory() as tmp:
            proc, ports, _ = serve(opts.devices, startup_dir(Path(tmp), opts.devices))
        try:
            report_cpu(proc.pid, ports, opts.clients)
        finally:
            stop(proc)
        return

    load, validations = validation_baseline()
    print(f"schema load (libyang context, once per process): {load:.2f} s")
    print(f"baseline: libyang validation of the leaf config in-process: {validations:.0f}/s")

    proc, _, t_empty1 = serve(1, None)
    rss_one = rss_kib(proc.pid)
    stop(proc)
    print(f"1 device, empty config: ready in {t_empty1:.2f} s, RSS {rss_one / 1024:.1f} MiB")

    proc, _, t_empty = serve(opts.devices, None)
    rss_empty = rss_kib(proc.pid)
    stop(proc)
    per_empty = (rss_empty - rss_one) / (opts.devices - 1)
    print(
        f"{opts.devices} devices, empty config: ready in {t_empty:.2f} s, "
        f"RSS {rss_empty / 1024:.1f} MiB, {per_empty:.1f} KiB/device"
    )

    with tempfile.TemporaryDirectory() as tmp:
        proc, ports, t_leaf = serve(opts.devices, startup_dir(Path(tmp), opts.devices))
    try:
        rss_leaf = rss_kib(proc.pid)
        per_leaf = (rss_leaf - rss_one) / (opts.devices - 1)
        per_config = (t_leaf - t_empty) / opts.devices * 1000
        print(
            f"{opts.devices} devices, distinct 48-port configs: ready in {t_leaf:.2f} s "
            f"({per_config:.1f} ms per startup config more than empty devices; "
            f"{per_config * validations / 1000:.1f}x one in-process validation), "
            f"RSS {rss_leaf / 1024:.1f} MiB, {per_leaf:.1f} KiB/device"
        )
        one = run_sets(ports[:1], max(50, opts.sets // 4), 1)
        print(f"Sets/s, 1 client, 1 device (full 48-port replace): {one:.0f}")
        many = run_sets(ports, opts.sets, opts.clients)
        print(
            f"Sets/s, {opts.clients} clients over {min(opts.sets, len(ports))} devices: {many:.0f} "
            f"(ratio to in-process validation alone: {many / validations:.2f})"
        )
        small = run_sets(ports, opts.sets, opts.clients, small_request)
        print(f"Sets/s, {opts.clients} clients, one-leaf update on 48-port devices: {small:.0f}")
        print(f"RSS after Sets: {rss_kib(proc.pid) / 1024:.1f} MiB")
        report_cpu(proc.pid, ports, opts.clients)
    finally:
        stop(proc)


if __name__ == "__main__":
    main()
