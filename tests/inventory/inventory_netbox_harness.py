"""Start a real NetBox on loopback (PostgreSQL + Redis: ``inventory_harness``).

Used by the inventory test fixture and by ``bench/inventory_netbox.py``.
NetBox is not on PyPI: ``bash scripts/setup.sh --test`` unpacks its source
(``../shared/netbox/netbox-<version>.tar.gz``) into
``${XDG_CACHE_HOME:-~/.cache}/netdata-tests/netbox-<version>/src`` with its
requirements in ``venv/`` beside it (Python >= 3.12).  The server is gunicorn,
2 workers x 2 threads (as the Nautobot fixture's uWSGI), with a configuration
module of its own in the temporary directory that keeps NetBox from calling
anything outside (``ISOLATED_DEPLOYMENT``, no census, no release check).

The superuser gets a v2 token (``Bearer nbt_<key>.<token>``, NetBox's default)
and a v1 token (``Token <40 characters>``).
"""

from __future__ import annotations

import secrets
import string
from pathlib import Path

from inventory_harness import AppServer, HarnessError, free_port, run

NETBOX_VERSION = "4.6.8"
SUPERUSER = "netdata-admin"
_CONFIG_MODULE = "netdata_netbox_configuration"


def _random(length: int) -> str:
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(length))


class NetBoxServer(AppServer):
    """One NetBox with its own PostgreSQL and Redis, all on loopback."""

    name = "netbox"
    version = NETBOX_VERSION
    auth_scheme = "Bearer"

    def __init__(self, database_dump: Path | None = None) -> None:
        super().__init__(database_dump)
        self.src = self.cache_dir() / "src" / "netbox"
        self.python = self.cache_dir() / "venv" / "bin" / "python"
        self._v2_key, self._v2_secret = _random(12), _random(40)
        self.token = f"nbt_{self._v2_key}.{self._v2_secret}"
        """The v2 token (sent as ``Bearer <token>``)."""
        self.v1_token = _random(40)
        """A v1 token of the same user (sent as ``Token <token>``)."""

    def install(self) -> None:
        """Installed by ``scripts/setup.sh --test``: only checked here."""
        if not (self.cache_dir() / ".netdata-installed").exists() or not self.python.exists():
            raise HarnessError(
                f"NetBox {NETBOX_VERSION} is not installed in {self.cache_dir()}: "
                "run 'bash scripts/setup.sh --test' (it needs Python >= 3.12 and "
                f"../shared/netbox/netbox-{NETBOX_VERSION}.tar.gz)"
            )
        self._write_config()

    def _write_config(self) -> None:
        redis = {"HOST": "127.0.0.1", "PORT": self.redis_port, "USERNAME": "", "PASSWORD": "",
                 "SSL": False}
        settings = {
            "ALLOWED_HOSTS": ["127.0.0.1", "localhost"],
            "DATABASES": {"default": {
                "NAME": self.db_name, "USER": self.db_user, "PASSWORD": self.db_password,
                "HOST": "127.0.0.1", "PORT": str(self.pg_port), "CONN_MAX_AGE": 300,
                # a persistent connection is checked before reuse: after the tests restart
                # PostgreSQL, each worker thread reconnects instead of failing once
                "CONN_HEALTH_CHECKS": True,
            }},
            "REDIS": {"tasks": {**redis, "DATABASE": 0}, "caching": {**redis, "DATABASE": 1}},
            "SECRET_KEY": _random(60),
            "API_TOKEN_PEPPERS": {1: _random(60)},
            # nothing leaves the machine
            "ISOLATED_DEPLOYMENT": True,
            "CENSUS_REPORTING_ENABLED": False,
            "RELEASE_CHECK_URL": None,
            "LOGGING": {"version": 1, "disable_existing_loggers": True},
        }
        text = "".join(f"{key} = {value!r}\n" for key, value in settings.items())
        (self.tmp / f"{_CONFIG_MODULE}.py").write_text(text)

    def _env(self) -> dict[str, str]:
        return {**self.pg_env(), "NETBOX_CONFIGURATION": _CONFIG_MODULE,
                "PYTHONPATH": str(self.tmp), "PYTHONDONTWRITEBYTECODE": "1"}

    def _manage(self, *args: str, timeout: float = 900) -> str:
        return run([str(self.python), str(self.src / "manage.py"), *args], env=self._env(),
                   timeout=timeout)

    def migrate(self) -> None:
        self._manage("migrate", "--no-input", timeout=1800)

    def bootstrap(self) -> None:
        self._manage("shell", "-c", (
            "from users.models import User, Token\n"
            # get_or_create: a seeded dump (the benchmark's) already holds the user
            f"u, _ = User.objects.get_or_create(username={SUPERUSER!r})\n"
            "u.is_superuser = u.is_staff = True\n"
            f"u.set_password({_random(24)!r})\n"
            "u.save()\n"
            f"Token(user=u, version=2, key={self._v2_key!r}, token={self._v2_secret!r}).save()\n"
            f"Token(user=u, version=1, token={self.v1_token!r}).save()\n"
        ))

    def _gunicorn(self, port: int, workers: int, logname: str, *options: str) -> None:
        self.spawn([str(self.python.parent / "gunicorn"), "--chdir", str(self.src),
                    "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", "2",
                    "--timeout", "900", "--graceful-timeout", "5", "--log-level", "warning",
                    *options, "netbox.wsgi"],
                   logname, self._env())

    def start_app(self) -> None:
        self._gunicorn(self.http_port, 2, "netbox.log")
        self.wait_until_up("/api/status/", "netbox.log")

    def start_https(self, certfile: Path, keyfile: Path) -> str:
        """Serve the same NetBox over HTTPS too (another gunicorn); its base URL."""
        port = free_port()
        self._gunicorn(port, 1, "netbox-https.log", "--certfile", str(certfile),
                       "--keyfile", str(keyfile))
        url = f"https://127.0.0.1:{port}"
        self.wait_until_up("/api/status/", "netbox-https.log", base=url)
        return url
