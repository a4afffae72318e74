"""Build on a Dask cluster vs the local executor: overhead per shard and per device, and
the estimated wall time of a 100,000-device build on 10 and 50 workers.

A fleet of N leaves (bench/fleet.py, default 5,000) is built with ``--force``
twice: with the local executor (``jobs=2``, this machine's 2 cores) and
through a Dask scheduler with W one-thread workers on loopback
(bench/cluster_lab.py: subprocesses, each with its own cache, warmed first
by a small build so the schema bundle is already on every worker). CPU time
is user+sys of every process involved and their children (cue): this
process (the coordinator), and for the cluster also the scheduler and the
workers, read with psutil before and after. On 2 shared cores the cluster
cannot be faster than local; what it costs more is the overhead, and the
per-shard CPU on a worker is what a bigger cluster divides:

    estimated wall(100k, W) = coordinator CPU per device * 100,000
                              + ⌈(100,000 / JOB_SIZE) shards / W⌉ * worker CPU per shard

(one core per worker thread; the coordinator's part, reading inputs and
writing files, is serial). Run under the bench lock; the load average is
printed with every number (above 3: pessimistic walls, CPU is the figure).

Run: python bench/cluster_build.py [--devices 5000] [--workers 2]
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from cluster_lab import Cluster  # noqa: E402
from fleet import write_fleet  # noqa: E402

import netdata  # noqa: E402
from netdata.build import Selection  # noqa: E402
from netdata.build._jobs import JOB_SIZE  # noqa: E402

TARGET = 100_000


def cpu(pids: Iterable[int]) -> float:
    """user+sys of the processes and their waited-for children (cue), in seconds."""
    total = 0.0
    for pid in pids:
        t = psutil.Process(pid).cpu_times()
        total += t.user + t.system + t.children_user + t.children_system
    return total


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--devices", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    n, shards = args.devices, math.ceil(args.devices / JOB_SIZE)
    with tempfile.TemporaryDirectory(prefix="netdata-cluster-bench-") as tmp:
        repo = Path(tmp) / "fleet"
        write_fleet(repo, n)
        netdata.build(repo, selection=Selection(shard=(1, max(1, n // 20))))  # schema warm
        print(f"{n} devices, {shards} shards of <= {JOB_SIZE}; {load()} at start")

        me = os.getpid()
        before, started = cpu([me]), time.monotonic()
        local = netdata.build(repo, force=True, jobs=2)
        local_wall, local_cpu = time.monotonic() - started, cpu([me]) - before
        assert local.ok, local.failed[:5]
        print(f"local (jobs=2): wall {local_wall:.1f} s, CPU {local_cpu:.1f} s "
              f"({1000 * local_cpu / n:.1f} ms/device); {load()}")

        cluster = Cluster(Path(tmp) / "dask")
        cluster.folder.mkdir()
        try:
            cluster.start_scheduler()
            names = [f"w{i + 1}" for i in range(args.workers)]
            for name in names:
                cluster.start_worker(name)
            netdata.build(repo, selection=Selection(shard=(1, max(1, n // 50))), force=True,
                          executor=cluster.address)  # the schema bundle onto every worker
            workers = [cluster.processes[w].pid for w in names]
            sched = [cluster.processes["scheduler"].pid]
            b_me, b_w, b_s = cpu([me]), cpu(workers), cpu(sched)
            started = time.monotonic()
            remote = netdata.build(repo, force=True, executor=cluster.address)
            wall = time.monotonic() - started
            c_me, c_w, c_s = cpu([me]) - b_me, cpu(workers) - b_w, cpu(sched) - b_s
        finally:
            cluster.close()
        assert remote.ok, remote.failed[:5]
    total = c_me + c_w + c_s
    print(f"cluster ({args.workers} workers x 1 thread): wall {wall:.1f} s, CPU {total:.1f} s: "
          f"coordinator {c_me:.1f}, workers {c_w:.1f}, scheduler {c_s:.1f}; {load()}")
    extra = total - local_cpu
    print(f"overhead vs local: {extra:+.1f} s CPU = {1000 * extra / shards:+.0f} ms per shard, "
          f"{1000 * extra / n:+.2f} ms per device ({100 * extra / local_cpu:+.0f} %)")
    per_shard, per_device = c_w / shards, c_me / n
    print(f"worker CPU per shard {per_shard:.2f} s; coordinator CPU per device "
          f"{1000 * per_device:.2f} ms")
    for count in (10, 50):
        estimate = per_device * TARGET + math.ceil(TARGET / JOB_SIZE / count) * per_shard
        print(f"estimated {TARGET:,} devices on {count} workers: {estimate / 60:.1f} min "
              f"(coordinator {per_device * TARGET / 60:.1f} min + shards "
              f"{math.ceil(TARGET / JOB_SIZE / count) * per_shard / 60:.1f} min)")


if __name__ == "__main__":
    main()
