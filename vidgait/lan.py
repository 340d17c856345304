"""Serving the dashboard on a clinic LAN: a self-signed HTTPS certificate for this computer.

Browsers give a page camera access only in a *secure context*: ``https://`` or ``localhost``. On
the clinic's network the Live page is opened as ``http://<this computer's address>:8501``, which
is not secure, so the browser refuses the camera. Serving the app over HTTPS with a certificate
for this computer's LAN address fixes that without any internet service: Streamlit serves TLS
itself (``--server.sslCertFile`` / ``--server.sslKeyFile``). The certificate is self-signed, so
each browser asks once to accept it (or the clinic's IT installs it as trusted).

Nothing here contacts another machine: :func:`lan_address` asks the operating system which local
interface it would route through (a UDP ``connect`` sends no packet).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
from pathlib import Path

CERT_NAME, KEY_NAME = "vidgait-lan.crt", "vidgait-lan.key"


def lan_address() -> str | None:
    """The computer's address on its LAN (None when it has only loopback)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))  # routing lookup only: UDP connect sends nothing
            addr = s.getsockname()[0]
        except OSError:
            return None
    return None if ipaddress.ip_address(addr).is_loopback else addr


def _san(hosts: list[str]):
    from cryptography import x509

    names: list[x509.GeneralName] = []
    for h in dict.fromkeys([*hosts, "localhost", "127.0.0.1"]):
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(h)))
        except ValueError:
            names.append(x509.DNSName(h))
    return x509.SubjectAlternativeName(names)


def make_certificate(outdir: str | os.PathLike[str], hosts: list[str], *,
                     days: int = 825) -> tuple[Path, Path]:
    """Write a self-signed certificate and its private key for ``hosts``.

    Parameters
    ----------
    outdir : path-like
        Folder for ``vidgait-lan.crt`` and ``vidgait-lan.key`` (created; the key is readable
        by its owner only).
    hosts : list of str
        IP addresses and/or host names the clinic's browsers will use; ``localhost`` and
        ``127.0.0.1`` are always added.
    days : int
        Validity (825 days: the longest that Apple's and Google's browsers accept).

    Returns
    -------
    (Path, Path)
        Certificate and key files (PEM).
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0] if hosts else "localhost"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "vidgait (self-signed)")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=days))
            .add_extension(_san(list(hosts)), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = out / CERT_NAME, out / KEY_NAME
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.touch(mode=0o600, exist_ok=True)
    key_path.chmod(0o600)
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def serve_command(cert: Path, key: Path, port: int = 8501) -> str:
    """The ``streamlit run`` command line that serves the dashboard over HTTPS on the LAN.

    Parameters
    ----------
    cert, key : Path
        The TLS certificate and private-key files (PEM).
    port : int
        The TCP port to serve on.
    """
    return (f"streamlit run app.py --server.address 0.0.0.0 --server.port {port} "
            f"--server.sslCertFile {cert} --server.sslKeyFile {key}")
