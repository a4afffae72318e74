"""A source-of-truth web application on loopback: PostgreSQL + Redis + the app's server.

Shared by the Nautobot and NetBox harnesses (``inventory_nautobot_harness``,
``inventory_netbox_harness``), the inventory test fixtures and the benchmarks.

* PostgreSQL (Debian's ``/usr/lib/postgresql/<major>/bin``) and ``redis-server``
  run from a temporary directory on free loopback ports.  PostgreSQL refuses to
  run as root, so as root it runs as the ``postgres`` user.
* Migrating an empty database takes minutes; the freshly migrated database is
  dumped with ``pg_dump`` into the app's cache folder, keyed by the app's version
  and the PostgreSQL major version, and restored in about a second on later runs.
* :meth:`AppServer.stop` stops every process it started, by PID, and removes the
  temporary directory; it is safe to call after a partial start.

A subclass says how to install, migrate, bootstrap (user and token) and start
the application itself.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path


class HarnessError(RuntimeError):
    """A component of the test server could not be installed or started."""


def tests_cache() -> Path:
    """``${XDG_CACHE_HOME:-~/.cache}/netdata-tests``: venvs and database dumps of the fixtures."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "netdata-tests"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def run(cmd: list[str], *, env: dict[str, str] | None = None, timeout: float = 900) -> str:
    """Run ``cmd``; its output, or a HarnessError with the end of its output."""
    proc = subprocess.run(
        cmd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if proc.returncode != 0:
        raise HarnessError(
            f"{' '.join(cmd[:3])} ... failed ({proc.returncode}):\n"
            f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        )
    return proc.stdout


def postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
    if not found:
        raise HarnessError(
            "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: "
            "apt-get install -y postgresql"
        )
    return Path(found[-1]).parent


def _exit_on_sigterm() -> None:
    """Turn SIGTERM (CI timeouts, ``kill``) into SystemExit so ``stop()`` still runs."""
    if (threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL):
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


class AppServer:
    """One application with its own PostgreSQL and Redis, all on loopback.

    Subclasses set :attr:`name` and :attr:`version` and implement :meth:`install`,
    :meth:`migrate`, :meth:`bootstrap` and :meth:`start_app`.
    """

    name = ""
    version = ""
    auth_scheme = "Token"
    """How :meth:`api` sends :attr:`token` (``Authorization: <scheme> <token>``)."""

    def __init__(self, database_dump: Path | None = None) -> None:
        """``database_dump``: start from this ``pg_dump -Fc`` file instead of a fresh database."""
        self.database_dump = database_dump
        self.tmp = Path(tempfile.mkdtemp(prefix=f"netdata-{self.name}-"))
        self.procs: list[subprocess.Popen[bytes]] = []
        self.pg_bin = postgres_bin()
        self.pg_data = self.tmp / "pgdata"
        self.pg_port = free_port()
        self.redis_port = free_port()
        self.http_port = free_port()
        self.db_user = self.db_name = self.name
        self.db_password = secrets.token_hex(12)
        self.token = ""
        self.url = f"http://127.0.0.1:{self.http_port}"
        self.as_root = os.geteuid() == 0
        self._pg_started = False

    @classmethod
    def cache_dir(cls) -> Path:
        """The app's cache folder: its venv, the migrated and seeded database dumps."""
        return tests_cache() / f"{cls.name}-{cls.version}"

    # -- what a subclass provides -----------------------------------------------
    def install(self) -> None:
        """Make sure the application is installed (may take minutes the first time)."""
        raise NotImplementedError

    def migrate(self) -> None:
        """Create the schema in the empty database :attr:`db_name`."""
        raise NotImplementedError

    def bootstrap(self) -> None:
        """Create a superuser and set :attr:`token` to an API token of it."""
        raise NotImplementedError

    def start_app(self) -> None:
        """Start the application server on :attr:`http_port` (with :meth:`spawn`)."""
        raise NotImplementedError

    # -- lifecycle ---------------------------------------------------------------
    def start(self) -> AppServer:
        _exit_on_sigterm()
        try:
            self.install()
            self._start_postgres()
            self._start_redis()
            self._prepare_database()
            self.bootstrap()
            self.start_app()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        self.procs.clear()
        if self._pg_started:
            with contextlib.suppress(Exception):
                self.stop_database()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> AppServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- database -------------------------------------------------------------------
    def migrated_dump_path(self) -> Path:
        """Where the freshly migrated database is cached (by app and PostgreSQL version)."""
        pg_major = self.pg_bin.parent.name
        return self.cache_dir() / f"migrated-{self.name}{self.version}-pg{pg_major}.dump"

    def _pg_args(self) -> list[str]:
        return ["-h", "127.0.0.1", "-p", str(self.pg_port), "-U", self.db_user]

    def pg_env(self) -> dict[str, str]:
        return {**os.environ, "PGPASSWORD": self.db_password}

    def _prepare_database(self) -> None:
        env = self.pg_env()
        run([str(self.pg_bin / "createdb"), *self._pg_args(), self.db_name], env=env)
        dump = self.database_dump or self.migrated_dump_path()
        if dump.exists():
            run([str(self.pg_bin / "pg_restore"), *self._pg_args(), "-d", self.db_name,
                 "--no-owner", str(dump)], env=env)
            return
        if self.database_dump is not None:
            raise HarnessError(f"database dump {dump} does not exist")
        self.migrate()
        self.dump_database(dump)

    def dump_database(self, path: Path) -> None:
        """``pg_dump`` the running database to ``path`` (written atomically)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".partial-{os.getpid()}")
        run([str(self.pg_bin / "pg_dump"), *self._pg_args(), "-Fc", "-f", str(partial),
             self.db_name], env=self.pg_env())
        partial.replace(path)

    # -- components -------------------------------------------------------------------
    def _as_pg(self, cmd: list[str]) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *cmd] if self.as_root else cmd

    def _start_postgres(self) -> None:
        self.tmp.chmod(0o755)
        self.pg_data.mkdir()
        pwfile = self.tmp / "pgpass"
        pwfile.write_text(self.db_password + "\n")
        if self.as_root:
            shutil.chown(self.pg_data, "postgres", "postgres")
            shutil.chown(pwfile, "postgres", "postgres")
        run(self._as_pg([str(self.pg_bin / "initdb"), "-D", str(self.pg_data), "-U", self.db_user,
                         "--auth=scram-sha-256", f"--pwfile={pwfile}", "-E", "UTF8"]))
        pwfile.unlink()
        self.start_database()

    def start_database(self) -> None:
        """Start PostgreSQL (again, after :meth:`stop_database`)."""
        log = self.pg_data / "server.log"
        opts = f"-p {self.pg_port} -c listen_addresses=127.0.0.1 -k {self.pg_data} -F"
        self._pg_started = True
        run(self._as_pg([str(self.pg_bin / "pg_ctl"), "-D", str(self.pg_data), "-l", str(log),
                         "-o", opts, "-w", "-t", "60", "start"]), timeout=90)

    def stop_database(self) -> None:
        """Stop PostgreSQL, leaving the application running (its requests then fail)."""
        run(self._as_pg([str(self.pg_bin / "pg_ctl"), "-D", str(self.pg_data),
                         "-m", "fast", "-w", "stop"]), timeout=60)
        self._pg_started = False

    def _start_redis(self) -> None:
        redis = shutil.which("redis-server")
        if redis is None:
            raise HarnessError("redis-server not found: apt-get install -y redis-server")
        self.spawn([redis, "--port", str(self.redis_port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--dir", str(self.tmp)], "redis.log")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(
                ("127.0.0.1", self.redis_port), timeout=1
            ):
                return
            time.sleep(0.1)
        raise HarnessError("redis-server did not start")

    def spawn(self, cmd: list[str], logname: str, env: dict[str, str] | None = None) -> None:
        """Start a long-running process of this server (stopped by :meth:`stop`)."""
        with open(self.tmp / logname, "wb") as log:
            self.procs.append(
                subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env,
                                 stdin=subprocess.DEVNULL)
            )

    def wait_until_up(
        self, path: str, logname: str, timeout: float = 180, base: str | None = None
    ) -> None:
        """Wait until the last spawned process answers ``GET path`` (with the token) at
        ``base`` (default :attr:`url`; an https one without verifying its certificate)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.procs[-1].poll() is not None:
                raise HarnessError(f"{self.name} exited:\n" + self.log(logname))
            with contextlib.suppress(OSError, urllib.error.URLError):
                self.api("GET", path, base=base)
                return
            time.sleep(0.5)
        raise HarnessError(f"{self.name} did not answer in {timeout:g} s:\n" + self.log(logname))

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time used so far by the application's processes (those started by
        :meth:`spawn` other than Redis, and their children) and by PostgreSQL's."""
        stats = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                # after the name: state ppid ... utime (14th field) stime (15th)
                stats[int(stat.parent.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
        postmaster = int((self.pg_data / "postmaster.pid").read_text().split()[0])
        roots = {"app": {p.pid for p in self.procs[1:]}, "postgres": {postmaster}}
        tick = os.sysconf("SC_CLK_TCK")
        result = {}
        for name, pids in roots.items():
            grown = True
            while grown:  # add children until none is new
                more = {pid for pid, (ppid, _) in stats.items() if ppid in pids} - pids
                pids |= more
                grown = bool(more)
            result[name] = sum(stats[pid][1] for pid in pids if pid in stats) / tick
        return result

    def log(self, name: str) -> str:
        with contextlib.suppress(OSError):
            return (self.tmp / name).read_text(errors="replace")[-5000:]
        return ""

    # -- a tiny REST client for seeding (stdlib only, independent of the code under test) --
    def api(self, method: str, path: str, body: object = None, base: str | None = None) -> object:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            (base or self.url) + path, data=data, method=method,
            headers={"Authorization": f"{self.auth_scheme} {self.token}",
                     "Accept": "application/json", "Content-Type": "application/json"},
        )
        try:
            unverified = ssl._create_unverified_context()  # the harness's own loopback TLS
            with urllib.request.urlopen(req, timeout=900, context=unverified) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")[:2000]
            raise HarnessError(f"{method} {path}: HTTP {exc.code}: {detail}") from None
        return json.loads(raw) if raw else None
