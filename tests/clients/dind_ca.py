"""Certificates the way docker:28.2-dind and later generate them (keyUsage on the CA,
serverAuth on the server certificate), next to tests.support.certs' pre-28.2 layout."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.support.certs import CertSet, san_string


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_dind_282_certs(root: Path, sans: tuple[str, ...] = ("docker", "localhost",
                                                             "127.0.0.1")) -> CertSet:
    for sub in ("ca", "server", "client"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    _openssl("genrsa", "-out", "ca/key.pem", "2048", cwd=root)
    _openssl("req", "-new", "-key", "ca/key.pem", "-out", "ca/cert.pem", "-subj",
             "/CN=docker:dind CA", "-x509", "-days", "30",
             "-addext", "keyUsage=critical,digitalSignature,keyCertSign", cwd=root)
    for name, ext in (("server", f"subjectAltName = {san_string(sans)}\n"
                                 "extendedKeyUsage = serverAuth\n"),
                      ("client", "extendedKeyUsage = clientAuth\n")):
        _openssl("genrsa", "-out", f"{name}/key.pem", "2048", cwd=root)
        _openssl("req", "-new", "-key", f"{name}/key.pem", "-out", f"{name}/csr.pem", "-subj",
                 f"/CN=docker:dind {name}", cwd=root)
        (root / name / "openssl.cnf").write_text(f"[ x509_exts ]\n{ext}")
        _openssl("x509", "-req", "-in", f"{name}/csr.pem", "-CA", "ca/cert.pem", "-CAkey",
                 "ca/key.pem", "-CAcreateserial", "-out", f"{name}/cert.pem", "-days", "30",
                 "-extfile", f"{name}/openssl.cnf", "-extensions", "x509_exts", cwd=root)
        (root / name / "ca.pem").write_bytes((root / "ca" / "cert.pem").read_bytes())
    (root / "client" / "key.pem").chmod(0o644)
    return CertSet(root)
