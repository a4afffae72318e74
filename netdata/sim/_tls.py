"""A self-signed server certificate for the simulator (for 127.0.0.1 and localhost)."""

from __future__ import annotations

import datetime
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from netdata._exceptions import SetupError


@dataclass(frozen=True)
class TlsFiles:
    """PEM files of the simulator's certificate; clients trust ``cert`` as their root."""

    cert: Path
    key: Path


def ensure_certificate(directory: Path, host: str) -> TlsFiles:
    """Reuse ``cert.pem``/``key.pem`` in ``directory``, or generate them (valid one year)."""
    files = TlsFiles(directory / "cert.pem", directory / "key.pem")
    if directory.exists() and not directory.is_dir():
        raise SetupError(f"the TLS folder {directory} is not a folder")
    if files.cert.is_file() and files.key.is_file():
        return files
    try:
        directory.mkdir(parents=True, exist_ok=True)
        return _generate(files, host)
    except OSError as exc:
        raise SetupError(f"cannot write the TLS files into {directory}: {exc.strerror}") from None


def _generate(files: TlsFiles, host: str) -> TlsFiles:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "netdata-sim")])
    names: list[x509.GeneralName] = [x509.DNSName("localhost")]
    for candidate in {host, "127.0.0.1"}:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(candidate)))
        except ValueError:
            names.append(x509.DNSName(candidate))
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(files.key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    files.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return files
