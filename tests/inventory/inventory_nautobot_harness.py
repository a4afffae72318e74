"""Start a real Nautobot on loopback (PostgreSQL + Redis: ``inventory_harness``).

Used by the inventory test fixture and by ``bench/inventory_nautobot.py``.
Nautobot is installed with pip into its own venv under
``${XDG_CACHE_HOME:-~/.cache}/netdata-tests/nautobot-<version>/venv`` (once) and
served by ``nautobot-server start`` (uWSGI, 2 processes x 2 threads).
"""

from __future__ import annotations

import secrets
import shutil
import sys
from pathlib import Path

from inventory_harness import AppServer, run

NAUTOBOT_VERSION = "3.2.7"
SUPERUSER = "netdata-admin"


class NautobotServer(AppServer):
    """One Nautobot with its own PostgreSQL and Redis, all on loopback."""

    name = "nautobot"
    version = NAUTOBOT_VERSION

    def __init__(self, database_dump: Path | None = None) -> None:
        super().__init__(database_dump)
        self.token = secrets.token_hex(20)
        self.server = self.cache_dir() / "venv" / "bin" / "nautobot-server"
        self._secret_key = secrets.token_hex(32)

    def install(self) -> None:
        """pip install Nautobot into the cached venv the first time."""
        venv = self.cache_dir() / "venv"
        marker = venv / ".netdata-installed"
        if marker.exists() and self.server.exists():
            return
        shutil.rmtree(venv, ignore_errors=True)
        venv.parent.mkdir(parents=True, exist_ok=True)
        run([sys.executable, "-m", "venv", str(venv)])
        run([str(venv / "bin" / "pip"), "install", "-q", f"nautobot=={NAUTOBOT_VERSION}"],
            timeout=1800)
        marker.write_text(NAUTOBOT_VERSION + "\n")

    def _env(self) -> dict[str, str]:
        return {
            **self.pg_env(),
            "NAUTOBOT_ROOT": str(self.tmp / "root"),
            "NAUTOBOT_DB_HOST": "127.0.0.1",
            "NAUTOBOT_DB_PORT": str(self.pg_port),
            "NAUTOBOT_DB_USER": self.db_user,
            "NAUTOBOT_DB_PASSWORD": self.db_password,
            "NAUTOBOT_DB_NAME": self.db_name,
            "NAUTOBOT_REDIS_HOST": "127.0.0.1",
            "NAUTOBOT_REDIS_PORT": str(self.redis_port),
            "NAUTOBOT_SECRET_KEY": self._secret_key,
            "NAUTOBOT_ALLOWED_HOSTS": "127.0.0.1 localhost",
            "NAUTOBOT_INSTALLATION_METRICS_ENABLED": "false",
            "NAUTOBOT_LOG_LEVEL": "WARNING",
        }

    def _config(self) -> Path:
        path = self.tmp / "nautobot_config.py"
        if not path.exists():
            path.write_text("from nautobot.core.settings import *  # noqa: F403\n")
        return path

    def _manage(self, *args: str, timeout: float = 900) -> str:
        return run([str(self.server), "--config", str(self._config()), *args], env=self._env(),
                   timeout=timeout)

    def migrate(self) -> None:
        self._manage("migrate", "--no-input", timeout=1800)

    def bootstrap(self) -> None:
        self._manage("shell", "-c", (
            "from nautobot.users.models import User, Token\n"
            f"u, _ = User.objects.get_or_create(username={SUPERUSER!r})\n"
            "u.is_superuser = u.is_staff = True\n"
            f"u.set_password({secrets.token_hex(16)!r})\n"
            "u.save()\n"
            f"Token.objects.create(user=u, key={self.token!r})\n"
        ))

    def start_app(self) -> None:
        self.spawn([str(self.server), "--config", str(self._config()), "start",
                    "--http", f"127.0.0.1:{self.http_port}", "--processes", "2",
                    "--threads", "2", "--master", "--die-on-term", "--disable-logging",
                    "--http-timeout", "900"],
                   "nautobot.log", self._env())
        self.wait_until_up("/api/status/", "nautobot.log")


def cache_dir() -> Path:
    """Nautobot's cache folder (venv, database dumps)."""
    return NautobotServer.cache_dir()

