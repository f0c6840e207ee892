"""The cert directory reads the same facts with or without the cryptography package.

Certificates and keys made by the openssl CLI (as dind makes them, and in other shapes:
EC, PKCS#8, escaped names, IPv6 SANs, key usages, expired, encrypted, Ed25519, garbage)
are read by ``certfiles`` (the lite reader first) and, as a reference, by cryptography.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from dind_doctor.probes import certfiles, x509_lite
from tests.support.certs import make_ca, make_dind_certs, make_server_cert, write_garbage_pem

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


def openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def reference_cert(path: Path) -> certfiles.CertFileFact:
    """What the cryptography-only reading gave."""
    fact = certfiles.CertFileFact(file=certfiles.stat_path(str(path)))
    data = certfiles._read(fact)  # empty or unreadable files: said before any parsing
    if data is None:
        return fact
    try:
        fact.cert = certfiles.cert_info(x509.load_pem_x509_certificate(data))
        fact.parsed = True
    except ValueError as exc:
        fact.parse_error = f"not a PEM certificate ({certfiles._short(exc)})"
    return fact


def reference_key_type(path: Path) -> str | None:
    """The key type the cryptography-only reading gave (None: it could not read the key)."""
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    try:
        key = serialization.load_pem_private_key(path.read_bytes(), None,
                                                 unsafe_skip_rsa_key_validation=True)
    except Exception:
        return None
    if isinstance(key, rsa.RSAPrivateKey):
        return f"RSA {key.key_size}"
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return f"EC {key.curve.name}"
    return type(key).__name__


@pytest.fixture(scope="module")
def zoo(tmp_path_factory) -> Path:
    """Self-signed certificates and keys in many shapes, made by openssl."""
    d = tmp_path_factory.mktemp("zoo")
    shapes = {
        "rsa": ["-newkey", "rsa:2048"],
        "rsa3072": ["-newkey", "rsa:3072"],
        "ec256": ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
        "ec384": ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"],
        "ed25519": ["-newkey", "ed25519"],
    }
    subjects = {
        "rsa": "/CN=docker:dind CA",
        "rsa3072": "/C=DE/ST=Bavaria/O=Example, Inc./OU=CI+CD/OU=Runners/CN= spaced #name ",
        "ec256": "/CN=docker",
        "ec384": "/DC=org/DC=example/UID=42/CN=a;b<c>d\"e\\\\f",
        "ed25519": "/CN=edwards",
    }
    exts = ["-addext", "subjectAltName=DNS:docker,DNS:localhost,IP:127.0.0.1,IP:::1",
            "-addext", "keyUsage=critical,digitalSignature,keyEncipherment,keyAgreement,"
                       "encipherOnly",
            "-addext", "extendedKeyUsage=serverAuth,clientAuth,1.2.3.4.5"]
    other_exts = ["-addext", "keyUsage=keyCertSign,cRLSign,keyAgreement,decipherOnly,"
                             "nonRepudiation,dataEncipherment",
                  "-addext", "basicConstraints=critical,CA:TRUE,pathlen:0",
                  "-addext", "extendedKeyUsage=codeSigning,emailProtection,timeStamping,"
                             "OCSPSigning"]
    for name, newkey in shapes.items():
        extra = {"rsa": ["-addext", "basicConstraints=critical,CA:TRUE"],
                 "ec384": other_exts}.get(name, exts)
        openssl("req", "-x509", *newkey, "-nodes", "-keyout", f"{name}.key",
                "-out", f"{name}.pem", "-days", "30", "-subj", subjects[name], *extra, cwd=d)
    openssl("pkey", "-in", "rsa.key", "-traditional", "-out", "rsa-pkcs1.key", cwd=d)
    openssl("ec", "-in", "ec256.key", "-out", "ec256-sec1.key", cwd=d)
    openssl("ec", "-in", "ec256.key", "-no_public", "-out", "ec256-nopub.key", cwd=d)
    openssl("pkey", "-in", "rsa.key", "-aes128", "-passout", "pass:x", "-out", "rsa-enc.key",
            cwd=d)
    certs = make_dind_certs(d / "dind")
    make_server_cert(certs, d / "expired", expired=True)
    make_ca(d / "other-ca")
    for kind in ("cert", "text", "empty"):
        write_garbage_pem(d / f"garbage-{kind}.pem", kind)
    write_garbage_pem(d / "truncated.pem", "truncated", source=certs.client_cert)
    return d


def cert_files(zoo: Path) -> list[Path]:
    return sorted(p for p in zoo.rglob("*.pem") if "key" not in p.name)


def key_files(zoo: Path) -> list[Path]:
    return sorted(zoo.rglob("*key*"))


def test_certificates_read_the_same(zoo):
    files = cert_files(zoo)
    assert len(files) >= 12
    lite = 0
    for path in files:
        fact, obj = certfiles.load_cert(str(path))
        assert fact == reference_cert(path), path
        lite += isinstance(obj, x509_lite.Certificate)
    assert lite >= 8  # the common shapes really took the lite path


def test_keys_read_the_same(zoo):
    for path in key_files(zoo):
        fact, _key = certfiles.load_key(str(path))
        expected = reference_key_type(path)
        if expected is None:  # cryptography cannot read it either
            assert not fact.parsed and fact.parse_error, path
            continue
        assert fact.parsed and fact.key_type == expected, path
    assert isinstance(certfiles.load_key(str(zoo / "rsa-pkcs1.key"))[1], x509_lite.PublicKey)
    assert isinstance(certfiles.load_key(str(zoo / "ec256-sec1.key"))[1], x509_lite.PublicKey)


def test_key_match_and_signatures_agree_with_cryptography(zoo):
    certs = [(p, certfiles.load_cert(str(p))[1]) for p in cert_files(zoo)]
    certs = [(p, c) for p, c in certs if c is not None]
    keys = [(p, certfiles.load_key(str(p))[1]) for p in key_files(zoo)]
    keys = [(p, k) for p, k in keys if k is not None]
    matched = signed = 0
    for cert_path, cert in certs:
        reference = certfiles._crypto(cert)
        for key_path, key in keys:
            want = _reference_match(reference, key_path)
            assert certfiles.key_matches(cert, key) is want, (cert_path, key_path)
            matched += want
        for issuer_path, issuer in certs:
            want = _reference_signed(reference, certfiles._crypto(issuer))
            assert certfiles.signed_by(cert, issuer) is want, (cert_path, issuer_path)
            signed += want
    assert matched >= 8 and signed >= 6


def _reference_match(cert: x509.Certificate, key_path: Path) -> bool:
    key = serialization.load_pem_private_key(key_path.read_bytes(), None,
                                             unsafe_skip_rsa_key_validation=True)
    fmt, enc = serialization.PublicFormat.SubjectPublicKeyInfo, serialization.Encoding.DER
    return key.public_key().public_bytes(enc, fmt) == cert.public_key().public_bytes(enc, fmt)


def _reference_signed(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except Exception:
        return False
    return True


def test_a_forged_signature_is_refused(zoo):
    ca = certfiles.load_cert(str(zoo / "dind" / "ca" / "cert.pem"))[1]
    client = certfiles.load_cert(str(zoo / "dind" / "client" / "cert.pem"))[1]
    assert x509_lite.signed_by(client, ca)
    forged = bytearray(client.signature)
    forged[-1] ^= 1
    client.signature = bytes(forged)
    assert x509_lite.signed_by(client, ca) is False


def test_the_server_certificate_from_a_handshake(zoo):
    der = x509.load_pem_x509_certificate(
        (zoo / "dind" / "server" / "cert.pem").read_bytes()).public_bytes(
        serialization.Encoding.DER)
    info, cert = certfiles.cert_info_der(der)
    assert isinstance(cert, x509_lite.Certificate)
    assert info == certfiles.cert_info(x509.load_der_x509_certificate(der))
