"""A Dask cluster on loopback for the tests and benchmarks: ``dask scheduler`` and
``dask worker`` processes (not a LocalCluster in this process), stopped by PID.

Each worker has its own cache folder (``XDG_CACHE_HOME``), so the compiled
schema has to travel to it as it would to another machine.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from distributed import Client

DASK = str(Path(sys.executable).with_name("dask"))


@dataclass
class Cluster:
    """The scheduler and workers of one test cluster."""

    folder: Path
    address: str = ""
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start_scheduler(self) -> None:
        info = self.folder / "scheduler.json"
        self._spawn("scheduler", [DASK, "scheduler", "--host", "127.0.0.1", "--port", "0",
                                  "--no-dashboard", "--scheduler-file", str(info)], {})
        deadline = time.monotonic() + 60
        while not info.is_file() or not info.read_text().strip():
            if time.monotonic() > deadline or self.processes["scheduler"].poll() is not None:
                raise RuntimeError(f"dask scheduler did not start: {self._log('scheduler')}")
            time.sleep(0.1)
        self.address = json.loads(info.read_text())["address"]

    def start_worker(self, name: str, resources: str = "", env: dict[str, str] | None = None
                     ) -> None:
        """A worker of one thread, its cache in its own folder (nothing shared with us)."""
        cache = self.folder / f"{name}-cache"
        args = [DASK, "worker", self.address, "--name", name, "--host", "127.0.0.1",
                "--nthreads", "1", "--no-nanny", "--no-dashboard",
                "--local-directory", str(self.folder / f"{name}-dir")]
        if resources:
            args += ["--resources", resources]
        self._spawn(name, args, {"XDG_CACHE_HOME": str(cache), **(env or {})})
        with self.client() as client:
            deadline = time.monotonic() + 60
            while name not in self.workers(client):
                if time.monotonic() > deadline or self.processes[name].poll() is not None:
                    raise RuntimeError(f"dask worker {name} did not start: {self._log(name)}")
                time.sleep(0.1)

    def client(self) -> Client:
        return Client(self.address, timeout="20s", set_as_default=False)

    @staticmethod
    def workers(client: Client) -> dict[str, str]:
        """Worker name -> address."""
        info = client.scheduler_info(n_workers=-1)["workers"]
        return {w["name"]: address for address, w in info.items()}

    def kill(self, name: str) -> None:
        """SIGKILL one process (a worker lost without a goodbye)."""
        process = self.processes.pop(name)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def stop(self, name: str) -> None:
        process = self.processes.pop(name)
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=20)

    def close(self) -> None:
        for name in [n for n in self.processes if n != "scheduler"]:
            self.stop(name)
        if "scheduler" in self.processes:
            self.stop("scheduler")

    def _spawn(self, name: str, args: list[str], env: dict[str, str]) -> None:
        log = (self.folder / f"{name}.log").open("wb")
        self.processes[name] = subprocess.Popen(
            args, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **env},
            cwd=self.folder,
        )

    def _log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")[-2000:]
