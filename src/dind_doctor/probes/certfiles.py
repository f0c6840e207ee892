"""The client certificate directory: files present, readable, parseable, and consistent.

Certificates and keys are read by :mod:`.x509_lite` when it can (RSA and EC, plain X.509
v3: what dind writes); anything else by cryptography, imported only then. Either way the
facts are the same.
"""

from __future__ import annotations

from ..facts import CertDirFacts, CertFileFact, CertInfo
from . import x509_lite
from .environment import stat_path

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (every run loads this)

if TYPE_CHECKING:  # cryptography is imported where a certificate is really parsed
    import datetime as dt
    from typing import TypeAlias

    from cryptography import x509

    AnyCert: TypeAlias = "x509.Certificate | x509_lite.Certificate"

MAX_PEM = 256 * 1024


def cert_info(cert: x509.Certificate) -> CertInfo:
    """The public, printable parts of a certificate."""
    import hashlib

    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.x509.oid import ExtensionOID

    info = CertInfo(
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        serial=format(cert.serial_number, "x"),
        not_before=_iso(cert.not_valid_before_utc),
        not_after=_iso(cert.not_valid_after_utc),
        fingerprint_sha256=hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest(),
        self_signed=cert.subject == cert.issuer,
    )
    for ext in cert.extensions:
        value = ext.value
        if ext.oid == ExtensionOID.SUBJECT_ALTERNATIVE_NAME:
            info.sans_dns = [str(n) for n in value.get_values_for_type(x509.DNSName)]
            info.sans_ip = [str(n) for n in value.get_values_for_type(x509.IPAddress)]
        elif ext.oid == ExtensionOID.BASIC_CONSTRAINTS:
            info.is_ca = bool(value.ca)
        elif ext.oid == ExtensionOID.KEY_USAGE:
            info.key_usage = _key_usage(value)
        elif ext.oid == ExtensionOID.EXTENDED_KEY_USAGE:
            info.extended_key_usage = [getattr(u, "_name", None) or u.dotted_string for u in value]
    return info


def _key_usage(ku: x509.KeyUsage) -> list[str]:
    names = ["digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
             "key_agreement", "key_cert_sign", "crl_sign"]
    used = [n for n in names if getattr(ku, n)]
    if ku.key_agreement:
        used += [n for n in ("encipher_only", "decipher_only") if getattr(ku, n)]
    return used


def _iso(moment: dt.datetime) -> str:
    import datetime as dt

    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _read(fact: CertFileFact) -> bytes | None:
    if fact.file.kind != "file":
        if fact.file.exists:
            fact.parse_error = f"is a {fact.file.kind}, not a file"
        return None
    if fact.file.size == 0:
        fact.parse_error = "empty file"
        return None
    try:
        with open(fact.file.path, "rb") as handle:
            return handle.read(MAX_PEM)
    except OSError as exc:
        fact.parse_error = f"cannot read: {exc.strerror or exc}"
        return None


def load_cert(path: str) -> tuple[CertFileFact, AnyCert | None]:
    fact = CertFileFact(file=stat_path(path))
    data = _read(fact)
    if data is None:
        return fact, None
    try:
        lite = x509_lite.read_certificate_pem(data)
        fact.cert = lite.info()
    except Exception:  # not one the lite reader handles: cryptography says what it is
        pass
    else:
        fact.parsed = True
        return fact, lite
    from cryptography import x509

    try:
        cert = x509.load_pem_x509_certificate(data)
        fact.cert = cert_info(cert)
    except ValueError as exc:
        fact.parse_error = f"not a PEM certificate ({_short(exc)})"
        return fact, None
    fact.parsed = True
    return fact, cert


def load_key(path: str) -> tuple[CertFileFact, object | None]:
    fact = CertFileFact(file=stat_path(path))
    data = _read(fact)
    if data is None:
        return fact, None
    try:
        lite = x509_lite.read_private_key(data)
    except Exception:  # not one the lite reader handles: cryptography says what it is
        pass
    else:
        fact.parsed, fact.key_type = True, lite.label()
        return fact, lite
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    try:
        # only the public half is compared; skipping RSA validation saves ~40 ms per key
        key = serialization.load_pem_private_key(data, password=None,
                                                 unsafe_skip_rsa_key_validation=True)
    except (ValueError, TypeError) as exc:
        fact.parse_error = f"not an unencrypted PEM private key ({_short(exc)})"
        return fact, None
    except Exception as exc:  # unsupported key algorithms raise their own types
        fact.parse_error = f"unsupported private key ({type(exc).__name__})"
        return fact, None
    fact.parsed = True
    if isinstance(key, rsa.RSAPrivateKey):
        fact.key_type = f"RSA {key.key_size}"
    elif isinstance(key, ec.EllipticCurvePrivateKey):
        fact.key_type = f"EC {key.curve.name}"
    else:
        fact.key_type = type(key).__name__
    return fact, key


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]


def cert_info_der(der: bytes) -> tuple[CertInfo, AnyCert]:
    """The printable parts of a DER certificate (the one a server sent) and the object."""
    try:
        lite = x509_lite.read_certificate_der(der)
        return lite.info(), lite
    except Exception:  # not one the lite reader handles
        from cryptography import x509

        cert = x509.load_der_x509_certificate(der)
        return cert_info(cert), cert


def _crypto(cert: AnyCert) -> x509.Certificate:
    if isinstance(cert, x509_lite.Certificate):
        from cryptography import x509

        return x509.load_der_x509_certificate(cert.der)
    return cert


def signed_by(cert: AnyCert, issuer: AnyCert) -> bool:
    if isinstance(cert, x509_lite.Certificate) and isinstance(issuer, x509_lite.Certificate):
        try:
            return x509_lite.signed_by(cert, issuer)
        except Exception:  # another signature algorithm: cryptography checks it
            pass
    cert, issuer = _crypto(cert), _crypto(issuer)
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, Exception):
        return False
    return True


def key_matches(cert: AnyCert, key: object) -> bool:
    if isinstance(key, x509_lite.PublicKey):
        if isinstance(cert, x509_lite.Certificate):
            return x509_lite.key_matches(cert, key)
        return _public_half(cert) == key
    cert = _crypto(cert)
    from cryptography.hazmat.primitives import serialization

    public = getattr(key, "public_key", None)
    if public is None:
        return False
    fmt = serialization.PublicFormat.SubjectPublicKeyInfo
    enc = serialization.Encoding.DER
    return public().public_bytes(enc, fmt) == cert.public_key().public_bytes(enc, fmt)


def _public_half(cert: x509.Certificate) -> x509_lite.PublicKey | None:
    """A cryptography certificate's public key in the lite reader's terms."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    public = cert.public_key()
    if isinstance(public, rsa.RSAPublicKey):
        numbers = public.public_numbers()
        return x509_lite.PublicKey("RSA", rsa=(numbers.n, numbers.e))
    if isinstance(public, ec.EllipticCurvePublicKey):
        point = public.public_bytes(serialization.Encoding.X962,
                                    serialization.PublicFormat.UncompressedPoint)
        return x509_lite.PublicKey("EC", curve=public.curve.name, point=point)
    return None


class CertDir:
    """The loaded objects behind :class:`CertDirFacts` (kept in memory, never saved)."""

    def __init__(self, path: str, source: str) -> None:
        self.path = path.rstrip("/") or "/"
        ca_fact, self.ca = load_cert(f"{self.path}/ca.pem")
        cert_fact, self.cert = load_cert(f"{self.path}/cert.pem")
        key_fact, self.key = load_key(f"{self.path}/key.pem")
        self.facts = CertDirFacts(path=self.path, source=source, dir=stat_path(self.path),
                                  ca=ca_fact, cert=cert_fact, key=key_fact)
        if self.cert is not None and self.key is not None:
            self.facts.key_matches_cert = key_matches(self.cert, self.key)
        if self.cert is not None and self.ca is not None:
            self.facts.cert_signed_by_ca = signed_by(self.cert, self.ca)

    @property
    def has_client_pair(self) -> bool:
        return self.cert is not None and self.key is not None and bool(self.facts.key_matches_cert)
