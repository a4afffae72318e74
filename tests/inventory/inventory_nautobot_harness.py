"""Start a real Nautobot on loopback: PostgreSQL + Redis + ``nautobot-server``.

Used by the inventory test fixture and by ``bench/inventory_nautobot.py``.

* Nautobot is installed with pip into its own venv under
  ``${XDG_CACHE_HOME:-~/.cache}/netdata-tests/nautobot-<version>/venv`` (once).
* PostgreSQL (Debian's ``/usr/lib/postgresql/<major>/bin``) and ``redis-server``
  run from a temporary directory on free loopback ports.  PostgreSQL refuses to
  run as root, so as root it runs as the ``postgres`` user.
* ``nautobot-server migrate`` takes minutes; the freshly migrated database is
  dumped with ``pg_dump`` next to the venv, keyed by the Nautobot version and the
  PostgreSQL major version, and restored in seconds on later runs.
* :meth:`NautobotServer.stop` stops every process it started and removes the
  temporary directory; it is safe to call after a partial start.
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
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

NAUTOBOT_VERSION = "3.2.7"
SUPERUSER = "netdata-admin"


class HarnessError(RuntimeError):
    """A component of the test Nautobot could not be installed or started."""


def cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "netdata-tests" / f"nautobot-{NAUTOBOT_VERSION}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _run(cmd: list[str], *, env: dict[str, str] | None = None, timeout: float = 900) -> str:
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


def ensure_venv() -> Path:
    """The venv's ``nautobot-server``, installing Nautobot with pip the first time."""
    venv = cache_dir() / "venv"
    server = venv / "bin" / "nautobot-server"
    marker = venv / ".netdata-installed"
    if marker.exists() and server.exists():
        return server
    shutil.rmtree(venv, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    _run([sys.executable, "-m", "venv", str(venv)])
    _run([str(venv / "bin" / "pip"), "install", "-q", f"nautobot=={NAUTOBOT_VERSION}"],
         timeout=1800)
    marker.write_text(NAUTOBOT_VERSION + "\n")
    return server


def _exit_on_sigterm() -> None:
    """Turn SIGTERM (CI timeouts, ``kill``) into SystemExit so ``stop()`` still runs."""
    if (threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL):
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def migrated_dump_path(pg_bin: Path) -> Path:
    """Where the freshly migrated database is cached (by Nautobot and PostgreSQL version)."""
    return cache_dir() / f"migrated-nautobot{NAUTOBOT_VERSION}-pg{pg_bin.parent.name}.dump"


class NautobotServer:
    """One Nautobot with its own PostgreSQL and Redis, all on loopback."""

    def __init__(self, database_dump: Path | None = None) -> None:
        """``database_dump``: start from this ``pg_dump -Fc`` file instead of a fresh database."""
        self.database_dump = database_dump
        self.tmp = Path(tempfile.mkdtemp(prefix="netdata-nautobot-"))
        self.procs: list[subprocess.Popen[bytes]] = []
        self.pg_bin = postgres_bin()
        self.pg_data = self.tmp / "pgdata"
        self.pg_port = free_port()
        self.redis_port = free_port()
        self.http_port = free_port()
        self.db_password = secrets.token_hex(12)
        self.token = secrets.token_hex(20)
        self.url = f"http://127.0.0.1:{self.http_port}"
        self.as_root = os.geteuid() == 0
        self._pg_started = False

    # -- lifecycle ---------------------------------------------------------
    def start(self) -> NautobotServer:
        _exit_on_sigterm()
        try:
            server = ensure_venv()
            self._start_postgres()
            self._start_redis()
            env = self._env()
            self._prepare_database(server, env)
            _run([str(server), "--config", str(self._config()), "shell", "-c",
                  self._bootstrap_code()], env=env)
            self._start_nautobot(server, env)
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
                _run(self._as_pg([str(self.pg_bin / "pg_ctl"), "-D", str(self.pg_data),
                                  "-m", "fast", "-w", "stop"]), timeout=60)
            self._pg_started = False
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> NautobotServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- components ----------------------------------------------------------
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
        _run(self._as_pg([str(self.pg_bin / "initdb"), "-D", str(self.pg_data), "-U", "nautobot",
                          "--auth=scram-sha-256", f"--pwfile={pwfile}", "-E", "UTF8"]))
        pwfile.unlink()
        log = self.pg_data / "server.log"
        opts = f"-p {self.pg_port} -c listen_addresses=127.0.0.1 -k {self.pg_data} -F"
        self._pg_started = True
        _run(self._as_pg([str(self.pg_bin / "pg_ctl"), "-D", str(self.pg_data), "-l", str(log),
                          "-o", opts, "-w", "-t", "60", "start"]), timeout=90)

    def _start_redis(self) -> None:
        redis = shutil.which("redis-server")
        if redis is None:
            raise HarnessError("redis-server not found: apt-get install -y redis-server")
        self._spawn([redis, "--port", str(self.redis_port), "--bind", "127.0.0.1",
                     "--save", "", "--appendonly", "no", "--dir", str(self.tmp)], "redis.log")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(
                ("127.0.0.1", self.redis_port), timeout=1
            ):
                return
            time.sleep(0.1)
        raise HarnessError("redis-server did not start")

    def _env(self) -> dict[str, str]:
        return {
            **os.environ,
            "NAUTOBOT_ROOT": str(self.tmp / "root"),
            "NAUTOBOT_DB_HOST": "127.0.0.1",
            "NAUTOBOT_DB_PORT": str(self.pg_port),
            "NAUTOBOT_DB_USER": "nautobot",
            "NAUTOBOT_DB_PASSWORD": self.db_password,
            "NAUTOBOT_DB_NAME": "nautobot",
            "NAUTOBOT_REDIS_HOST": "127.0.0.1",
            "NAUTOBOT_REDIS_PORT": str(self.redis_port),
            "NAUTOBOT_SECRET_KEY": secrets.token_hex(32),
            "NAUTOBOT_ALLOWED_HOSTS": "127.0.0.1 localhost",
            "NAUTOBOT_INSTALLATION_METRICS_ENABLED": "false",
            "NAUTOBOT_LOG_LEVEL": "WARNING",
            "PGPASSWORD": self.db_password,
        }

    def _config(self) -> Path:
        path = self.tmp / "nautobot_config.py"
        if not path.exists():
            path.write_text("from nautobot.core.settings import *  # noqa: F403\n")
        return path

    def _prepare_database(self, server: Path, env: dict[str, str]) -> None:
        pg = ["-h", "127.0.0.1", "-p", str(self.pg_port), "-U", "nautobot"]
        _run([str(self.pg_bin / "createdb"), *pg, "nautobot"], env=env)
        dump = self.database_dump or migrated_dump_path(self.pg_bin)
        if dump.exists():
            _run([str(self.pg_bin / "pg_restore"), *pg, "-d", "nautobot", "--no-owner",
                  str(dump)], env=env)
            return
        if self.database_dump is not None:
            raise HarnessError(f"database dump {dump} does not exist")
        _run([str(server), "--config", str(self._config()), "migrate", "--no-input"],
             env=env, timeout=1800)
        self.dump_database(dump)

    def dump_database(self, path: Path) -> None:
        """``pg_dump`` the running database to ``path`` (written atomically)."""
        partial = path.with_suffix(f".partial-{os.getpid()}")
        _run([str(self.pg_bin / "pg_dump"), "-h", "127.0.0.1", "-p", str(self.pg_port),
              "-U", "nautobot", "-Fc", "-f", str(partial), "nautobot"], env=self._env())
        partial.replace(path)

    def _bootstrap_code(self) -> str:
        return (
            "from nautobot.users.models import User, Token\n"
            f"u, _ = User.objects.get_or_create(username={SUPERUSER!r})\n"
            "u.is_superuser = u.is_staff = True\n"
            f"u.set_password({secrets.token_hex(16)!r})\n"
            "u.save()\n"
            f"Token.objects.create(user=u, key={self.token!r})\n"
        )

    def _spawn(self, cmd: list[str], logname: str, env: dict[str, str] | None = None) -> None:
        with open(self.tmp / logname, "wb") as log:
            self.procs.append(
                subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env,
                                 stdin=subprocess.DEVNULL)
            )

    def _start_nautobot(self, server: Path, env: dict[str, str]) -> None:
        self._spawn([str(server), "--config", str(self._config()), "start",
                     "--http", f"127.0.0.1:{self.http_port}", "--processes", "2",
                     "--threads", "2", "--master", "--die-on-term", "--disable-logging",
                     "--http-timeout", "900"],
                    "nautobot.log", env)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.procs[-1].poll() is not None:
                raise HarnessError("nautobot-server exited:\n" + self.log("nautobot.log"))
            with contextlib.suppress(OSError, urllib.error.URLError):
                self.api("GET", "/api/status/")
                return
            time.sleep(0.5)
        raise HarnessError("nautobot-server did not answer in 180 s:\n" + self.log("nautobot.log"))

    def log(self, name: str) -> str:
        with contextlib.suppress(OSError):
            return (self.tmp / name).read_text(errors="replace")[-5000:]
        return ""

    # -- a tiny REST client for seeding (stdlib only, independent of the code under test) --
    def api(self, method: str, path: str, body: object = None) -> object:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.url + path, data=data, method=method,
            headers={"Authorization": f"Token {self.token}", "Accept": "application/json",
                     "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=300) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")[:2000]
            raise HarnessError(f"{method} {path}: HTTP {exc.code}: {detail}") from None
        return json.loads(raw) if raw else None
