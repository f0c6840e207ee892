"""TLS material in the exact layout the official ``docker:dind`` image produces.

:func:`make_dind_certs` drives the ``openssl`` CLI with the same commands as
``_tls_generate_certs`` in ``dockerd-entrypoint.sh`` (docker-library/docker)::

    $D/ca/{key.pem,cert.pem}                      CN=docker:dind CA      (self-signed, -x509)
    $D/server/{key.pem,csr.pem,openssl.cnf,cert.pem,ca.pem}
                                                  CN=docker:dind server  subjectAltName=...
    $D/client/{key.pem,csr.pem,openssl.cnf,cert.pem,ca.pem}
                                                  CN=docker:dind client  extendedKeyUsage=clientAuth
    all valid 825 days; {server,client}/ca.pem are copies of ca/cert.pem;
    client/key.pem is chmod 0644.

The one deliberate difference: RSA keys default to 2048 bits (the image uses 4096)
because 4096-bit generation costs seconds per key on a 2-core box and no check
depends on the key size. Pass ``key_bits=4096`` for byte-for-byte realism.

The broken variants (unrelated CA, SAN missing a name, expired / not yet valid
certificates, garbage PEM) are made with the ``cryptography`` package.

Generation is cached per process: calling :func:`make_dind_certs` twice with the
same parameters copies the first result instead of generating again.
"""

from __future__ import annotations

import datetime as _dt
import ipaddress
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = [
    "DEFAULT_KEY_BITS",
    "DEFAULT_SANS",
    "VALID_DAYS",
    "CertSet",
    "IssuedCert",
    "clone_certset",
    "issue_cert",
    "make_ca",
    "make_client_cert",
    "make_dind_certs",
    "make_server_cert",
    "openssl_available",
    "read_sans",
    "read_sans_pem",
    "write_garbage_pem",
]

DEFAULT_SANS: tuple[str, ...] = ("docker", "localhost", "127.0.0.1")
DEFAULT_KEY_BITS = 2048
VALID_DAYS = 825

CA_CN = "docker:dind CA"
SERVER_CN = "docker:dind server"
CLIENT_CN = "docker:dind client"


# --------------------------------------------------------------------------- #
# Data types
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class CertSet:
    """A ``$DOCKER_TLS_CERTDIR``-shaped directory (``ca/``, ``server/``, ``client/``)."""

    root: Path

    @property
    def ca_dir(self) -> Path:
        return self.root / "ca"

    @property
    def server_dir(self) -> Path:
        return self.root / "server"

    @property
    def client_dir(self) -> Path:
        """What GitLab shares with the job as ``/certs/client`` (``DOCKER_CERT_PATH``)."""
        return self.root / "client"

    ca_key = property(lambda self: self.ca_dir / "key.pem")
    ca_cert = property(lambda self: self.ca_dir / "cert.pem")
    server_key = property(lambda self: self.server_dir / "key.pem")
    server_cert = property(lambda self: self.server_dir / "cert.pem")
    server_ca = property(lambda self: self.server_dir / "ca.pem")
    client_key = property(lambda self: self.client_dir / "key.pem")
    client_cert = property(lambda self: self.client_dir / "cert.pem")
    client_ca = property(lambda self: self.client_dir / "ca.pem")

    def dockerd_tls_args(self) -> list[str]:
        """The flags dockerd-entrypoint.sh passes (minus ``--host``)."""
        return [
            "--tlsverify",
            f"--tlscacert={self.server_ca}",
            f"--tlscert={self.server_cert}",
            f"--tlskey={self.server_key}",
        ]

    def client_env(self, host: str) -> dict[str, str]:
        """``DOCKER_HOST``/``DOCKER_TLS_VERIFY``/``DOCKER_CERT_PATH`` for a client."""
        return {
            "DOCKER_HOST": host,
            "DOCKER_TLS_VERIFY": "1",
            "DOCKER_CERT_PATH": str(self.client_dir),
        }

    def tls_config(self, *, client_cert: bool = True, verify: bool = True, **kw):
        """A :class:`docker.tls.TLSConfig` using the client side of this set."""
        import docker.tls

        return docker.tls.TLSConfig(
            client_cert=(str(self.client_cert), str(self.client_key)) if client_cert else None,
            ca_cert=str(self.client_ca) if verify else None,
            verify=verify,
            **kw,
        )


@dataclass(frozen=True)
class IssuedCert:
    """A key + certificate pair written to disk (and the CA that signed it)."""

    key: Path
    cert: Path
    ca_cert: Path


# --------------------------------------------------------------------------- #
# openssl CLI path (mirrors dockerd-entrypoint.sh)
# --------------------------------------------------------------------------- #


def openssl_available() -> str | None:
    """``None`` if the openssl CLI is usable, else a reason string."""
    if shutil.which("openssl") is None:
        return "openssl CLI not found in PATH"
    return None


def _openssl(*args: str, cwd: Path | None = None) -> None:
    proc = subprocess.run(
        ["openssl", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}")


def _san_entry(name: str) -> str:
    """``127.0.0.1`` -> ``IP:127.0.0.1``, ``docker`` -> ``DNS:docker``; keeps prefixed entries."""
    if name.startswith(("DNS:", "IP:", "email:", "URI:")):
        return name
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return f"DNS:{name}"
    return f"IP:{name}"


def san_string(sans: Iterable[str]) -> str:
    """OpenSSL ``subjectAltName`` value, sorted-unique like ``_tls_san`` does."""
    return ",".join(sorted({_san_entry(s) for s in sans}))


_cache_lock = threading.Lock()
_cache: dict[tuple, Path] = {}
_cache_root: Path | None = None


def _cache_dir() -> Path:
    global _cache_root
    if _cache_root is None:
        _cache_root = Path(tempfile.mkdtemp(prefix="dind-doctor-certcache-"))
        import atexit

        atexit.register(shutil.rmtree, _cache_root, True)
    return _cache_root


def make_dind_certs(
    certdir: Path | str,
    *,
    sans: Sequence[str] = DEFAULT_SANS,
    key_bits: int = DEFAULT_KEY_BITS,
    days: int = VALID_DAYS,
    use_cache: bool = True,
) -> CertSet:
    """Create a dind-layout certificate directory at *certdir* (created if needed).

    *sans* are plain names or IPs (``docker``, ``127.0.0.1``) or already-prefixed
    OpenSSL entries (``DNS:foo``, ``IP:10.0.0.1``).
    """
    certdir = Path(certdir)
    key = (tuple(sans), key_bits, days)
    if use_cache:
        with _cache_lock:
            cached = _cache.get(key)
            if cached is None:
                cached = _cache_dir() / f"set{len(_cache)}"
                _generate_with_openssl(cached, sans=sans, key_bits=key_bits, days=days)
                _cache[key] = cached
        certdir.mkdir(parents=True, exist_ok=True)
        shutil.copytree(cached, certdir, dirs_exist_ok=True)
        os.chmod(certdir / "client" / "key.pem", 0o644)
        return CertSet(certdir)
    _generate_with_openssl(certdir, sans=sans, key_bits=key_bits, days=days)
    return CertSet(certdir)


def _generate_with_openssl(d: Path, *, sans: Sequence[str], key_bits: int, days: int) -> None:
    if reason := openssl_available():
        raise RuntimeError(reason)
    d = Path(d)
    for sub in ("ca", "server", "client"):
        (d / sub).mkdir(parents=True, exist_ok=True)
    bits = str(key_bits)
    valid = str(days)
    # CA
    _openssl("genrsa", "-out", str(d / "ca/key.pem"), bits)
    _openssl(
        "req", "-new", "-key", str(d / "ca/key.pem"), "-out", str(d / "ca/cert.pem"),
        "-subj", f"/CN={CA_CN}", "-x509", "-days", valid,
    )  # fmt: skip
    # server
    _openssl("genrsa", "-out", str(d / "server/key.pem"), bits)
    _openssl(
        "req", "-new", "-key", str(d / "server/key.pem"), "-out", str(d / "server/csr.pem"),
        "-subj", f"/CN={SERVER_CN}",
    )  # fmt: skip
    (d / "server/openssl.cnf").write_text(f"[ x509_exts ]\nsubjectAltName = {san_string(sans)}\n")
    _openssl(
        "x509", "-req", "-in", str(d / "server/csr.pem"),
        "-CA", str(d / "ca/cert.pem"), "-CAkey", str(d / "ca/key.pem"), "-CAcreateserial",
        "-out", str(d / "server/cert.pem"), "-days", valid,
        "-extfile", str(d / "server/openssl.cnf"), "-extensions", "x509_exts",
        cwd=d,
    )  # fmt: skip
    shutil.copyfile(d / "ca/cert.pem", d / "server/ca.pem")
    _openssl("verify", "-CAfile", str(d / "server/ca.pem"), str(d / "server/cert.pem"))
    # client
    _openssl("genrsa", "-out", str(d / "client/key.pem"), bits)
    os.chmod(d / "client/key.pem", 0o644)
    _openssl(
        "req", "-new", "-key", str(d / "client/key.pem"), "-out", str(d / "client/csr.pem"),
        "-subj", f"/CN={CLIENT_CN}",
    )  # fmt: skip
    (d / "client/openssl.cnf").write_text("[ x509_exts ]\nextendedKeyUsage = clientAuth\n")
    _openssl(
        "x509", "-req", "-in", str(d / "client/csr.pem"),
        "-CA", str(d / "ca/cert.pem"), "-CAkey", str(d / "ca/key.pem"), "-CAcreateserial",
        "-out", str(d / "client/cert.pem"), "-days", valid,
        "-extfile", str(d / "client/openssl.cnf"), "-extensions", "x509_exts",
        cwd=d,
    )  # fmt: skip
    shutil.copyfile(d / "ca/cert.pem", d / "client/ca.pem")
    _openssl("verify", "-CAfile", str(d / "client/ca.pem"), str(d / "client/cert.pem"))


def clone_certset(base: CertSet, dest: Path | str) -> CertSet:
    """Copy *base* to *dest* so a test can break the copy without touching the cached set."""
    dest = Path(dest)
    shutil.copytree(base.root, dest, dirs_exist_ok=True)
    return CertSet(dest)


# --------------------------------------------------------------------------- #
# cryptography-based variants
# --------------------------------------------------------------------------- #


def _new_key(bits: int = DEFAULT_KEY_BITS) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def _write_key(key: rsa.RSAPrivateKey, path: Path, mode: int = 0o600) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    os.chmod(path, mode)
    return path


def _write_cert(cert: x509.Certificate, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


def _load_key(path: Path) -> rsa.RSAPrivateKey:
    return serialization.load_pem_private_key(Path(path).read_bytes(), password=None)  # type: ignore[return-value]


def _load_cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(Path(path).read_bytes())


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)


def _general_names(sans: Iterable[str]) -> list[x509.GeneralName]:
    out: list[x509.GeneralName] = []
    for s in sans:
        entry = _san_entry(s)
        kind, _, value = entry.partition(":")
        if kind == "IP":
            out.append(x509.IPAddress(ipaddress.ip_address(value)))
        elif kind == "DNS":
            out.append(x509.DNSName(value))
        else:
            raise ValueError(f"unsupported SAN {s!r}")
    return out


def make_ca(
    out_dir: Path | str,
    *,
    cn: str = "unrelated test CA",
    key_bits: int = DEFAULT_KEY_BITS,
    days: int = VALID_DAYS,
) -> IssuedCert:
    """A self-signed CA unrelated to any dind set: ``out_dir/{key,cert}.pem``.

    Use its ``cert.pem`` as a "wrong / stale ca.pem".
    """
    out_dir = Path(out_dir)
    key = _new_key(key_bits)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _dt.timedelta(minutes=5))
        .not_valid_after(now + _dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    _write_key(key, out_dir / "key.pem")
    _write_cert(cert, out_dir / "cert.pem")
    cert_path = out_dir / "cert.pem"
    return IssuedCert(key=out_dir / "key.pem", cert=cert_path, ca_cert=cert_path)


def issue_cert(
    ca_key: Path | str,
    ca_cert: Path | str,
    out_dir: Path | str,
    *,
    cn: str,
    sans: Sequence[str] = (),
    client: bool = False,
    server_eku: bool = False,
    not_before: _dt.datetime | None = None,
    not_after: _dt.datetime | None = None,
    key_bits: int = DEFAULT_KEY_BITS,
) -> IssuedCert:
    """Sign a new key with the given CA; writes ``out_dir/{key,cert,ca}.pem``.

    Defaults: valid from 5 minutes ago for :data:`VALID_DAYS` days.
    ``client=True`` adds ``extendedKeyUsage=clientAuth`` (like the dind client cert).
    """
    out_dir = Path(out_dir)
    ca_key_obj = _load_key(Path(ca_key))
    ca_cert_obj = _load_cert(Path(ca_cert))
    key = _new_key(key_bits)
    now = _now()
    nb = not_before or now - _dt.timedelta(minutes=5)
    na = not_after or now + _dt.timedelta(days=VALID_DAYS)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
        .issuer_name(ca_cert_obj.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(nb)
        .not_valid_after(na)
    )
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(_general_names(sans)), False)
    if client:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False
        )
    elif server_eku:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
    cert = builder.sign(ca_key_obj, hashes.SHA256())
    _write_key(key, out_dir / "key.pem", 0o644 if client else 0o600)
    _write_cert(cert, out_dir / "cert.pem")
    shutil.copyfile(ca_cert, out_dir / "ca.pem")
    return IssuedCert(
        key=out_dir / "key.pem", cert=out_dir / "cert.pem", ca_cert=out_dir / "ca.pem"
    )


def _validity(expired: bool, not_yet_valid: bool) -> dict[str, _dt.datetime]:
    if expired and not_yet_valid:
        raise ValueError("expired and not_yet_valid are exclusive")
    now = _now()
    if expired:
        return {
            "not_before": now - _dt.timedelta(days=VALID_DAYS + 1),
            "not_after": now - _dt.timedelta(days=1),
        }
    if not_yet_valid:
        return {
            "not_before": now + _dt.timedelta(days=1),
            "not_after": now + _dt.timedelta(days=VALID_DAYS + 1),
        }
    return {}


def make_server_cert(
    base: CertSet,
    out_dir: Path | str,
    *,
    sans: Sequence[str] = DEFAULT_SANS,
    without: Sequence[str] = (),
    expired: bool = False,
    not_yet_valid: bool = False,
) -> IssuedCert:
    """A server cert signed by *base*'s CA.

    ``without=("localhost",)`` drops names from *sans* (SAN mismatch cases);
    ``expired`` / ``not_yet_valid`` shift the validity window.
    Pass the result's paths as dockerd ``--tlscert/--tlskey``.
    """
    drop = {_san_entry(w) for w in without}
    kept = [s for s in sans if _san_entry(s) not in drop]
    return issue_cert(
        base.ca_key,
        base.ca_cert,
        out_dir,
        cn=SERVER_CN,
        sans=kept,
        **_validity(expired, not_yet_valid),
    )


def make_client_cert(
    base: CertSet,
    out_dir: Path | str,
    *,
    expired: bool = False,
    not_yet_valid: bool = False,
) -> IssuedCert:
    """A client cert (``clientAuth``) signed by *base*'s CA; a ``DOCKER_CERT_PATH``-ready dir."""
    return issue_cert(
        base.ca_key,
        base.ca_cert,
        out_dir,
        cn=CLIENT_CN,
        client=True,
        **_validity(expired, not_yet_valid),
    )


_GARBAGE = {
    "cert": b"-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n!!!garbage!!!\n"
    b"-----END CERTIFICATE-----\n",
    "key": b"-----BEGIN RSA PRIVATE KEY-----\nZ2FyYmFnZQ==\n-----END RSA PRIVATE KEY-----\n",
    "empty": b"",
    "text": b"this is not PEM at all\n",
    "truncated": None,  # first half of a real cert, needs source
}


def write_garbage_pem(path: Path | str, kind: str = "cert", *, source: Path | None = None) -> Path:
    """Write an unusable PEM file.

    kind: ``cert`` (PEM armour around junk), ``key``, ``empty`` (0 bytes),
    ``text`` (no armour) or ``truncated`` (first half of *source*).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "truncated":
        if source is None:
            raise ValueError("kind='truncated' needs source=")
        data = Path(source).read_bytes()
        path.write_bytes(data[: len(data) // 2])
    else:
        path.write_bytes(_GARBAGE[kind])  # type: ignore[arg-type]
    return path


def read_sans(cert_path: Path | str) -> list[str]:
    """SANs of a PEM certificate as ``DNS:x`` / ``IP:y`` strings (helper for assertions)."""
    return read_sans_pem(Path(cert_path).read_bytes())


def read_sans_pem(pem: bytes) -> list[str]:
    """Like :func:`read_sans` for PEM bytes."""
    cert = x509.load_pem_x509_certificate(pem)
    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return []
    out = [f"DNS:{n}" for n in ext.get_values_for_type(x509.DNSName)]
    out += [f"IP:{ip}" for ip in ext.get_values_for_type(x509.IPAddress)]
    return out
