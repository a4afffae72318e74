"""Fixtures of the inventory tests: a real Nautobot and a real NetBox (session-scoped),
a loopback TLS certificate and HTTP doubles."""

from __future__ import annotations

import datetime
import ipaddress
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from netdata.inventory import Connection

HERE = Path(__file__).parent
# --import-mode=importlib does not put test folders on sys.path; the helpers live here.
sys.path.insert(0, str(HERE))

import inventory_nautobot_seed  # noqa: E402
import inventory_netbox_seed  # noqa: E402
from inventory_fabric import Fabric  # noqa: E402
from inventory_nautobot_harness import NautobotServer  # noqa: E402
from inventory_netbox_harness import NetBoxServer  # noqa: E402


@pytest.fixture(scope="session")
def nautobot() -> Iterator[NautobotServer]:
    """A real Nautobot 3.2.7 on loopback (first run: pip install + migrate, minutes)."""
    with NautobotServer() as server:
        yield server


@pytest.fixture(scope="session")
def fabric(nautobot: NautobotServer) -> Fabric:
    """A small leaf/spine fabric seeded through Nautobot's REST API."""
    return inventory_nautobot_seed.seed_fabric(nautobot)


@pytest.fixture(scope="session")
def netbox() -> Iterator[NetBoxServer]:
    """A real NetBox 4.6.8 on loopback (installed by scripts/setup.sh --test; first run:
    migrate, minutes)."""
    with NetBoxServer() as server:
        yield server


@pytest.fixture(scope="session")
def netbox_fabric(netbox: NetBoxServer) -> Fabric:
    """The same fabric as :func:`fabric`, seeded through NetBox's REST API."""
    return inventory_netbox_seed.seed_fabric(netbox)


@pytest.fixture(scope="session")
def tls_cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A fresh self-signed certificate for 127.0.0.1 (its own CA): (cert.pem, key.pem)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "netdata test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=6))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .sign(key, hashes.SHA256())
    )
    tmp = tmp_path_factory.mktemp("tls")
    cert_file, key_file = tmp / "cert.pem", tmp / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def mock_conn() -> Callable[..., Connection]:
    """``mock_conn(handler, **settings)``: a Connection whose network is ``handler``."""

    def make(handler: Handler, **settings: Any) -> Connection:
        settings.setdefault("token", "s3cr3t-token-value")
        settings.setdefault("backoff", 0.0)
        return Connection(
            url="https://sot.example.com", transport=httpx.MockTransport(handler), **settings
        )

    return make
