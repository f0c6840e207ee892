"""Read the common certificates and keys without the cryptography package.

A DinD cert directory holds RSA (or EC) keys and plain X.509 v3 certificates; reading
their public parts and checking an RSA PKCS#1 v1.5 signature is a little DER and one
``pow``. Anything else — odd encodings, encrypted keys, other algorithms — raises
:class:`Unsupported`, and the caller reads the file with cryptography instead, so the facts
are the same either way.
"""

from __future__ import annotations

import re
import socket

from ..facts import CertInfo

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (every run loads this)

if TYPE_CHECKING:
    import datetime as dt

Name = list[list[tuple[str, str]]]  # RDNs of (OID, value)


class Unsupported(Exception):
    """Not something this reader handles; use cryptography."""


# ------------------------------------------------------------------------ DER

def _tlv(data: bytes, pos: int) -> tuple[int, int, int]:
    """(tag, start of value, end of value) of the element at ``pos``; strict DER lengths."""
    if pos + 2 > len(data):
        raise Unsupported("truncated")
    tag, length = data[pos], data[pos + 1]
    pos += 2
    if tag & 0x1F == 0x1F:
        raise Unsupported("high tag number")
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or pos + count > len(data) or data[pos] == 0:
            raise Unsupported("bad length")
        length = int.from_bytes(data[pos:pos + count], "big")
        if length < 0x80:
            raise Unsupported("non-minimal length")
        pos += count
    if pos + length > len(data):
        raise Unsupported("truncated")
    return tag, pos, pos + length


def _children(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    items, pos = [], start
    while pos < end:
        tag, s, e = _tlv(data, pos)
        items.append((tag, s, e))
        pos = e
    if pos != end:
        raise Unsupported("trailing bytes")
    return items


def _expect(item: tuple[int, int, int], tag: int) -> tuple[int, int]:
    if item[0] != tag:
        raise Unsupported(f"tag {item[0]:#x}, wanted {tag:#x}")
    return item[1], item[2]


def _oid(raw: bytes) -> str:
    if not raw or raw[-1] & 0x80:
        raise Unsupported("bad oid")
    parts, value = [], 0
    for byte in raw:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            parts.append(value)
            value = 0
    first = min(parts[0] // 40, 2)
    return ".".join(str(n) for n in (first, parts[0] - 40 * first, *parts[1:]))


def _int(raw: bytes) -> int:
    if not raw or raw[0] & 0x80:
        raise Unsupported("negative or empty integer")
    return int.from_bytes(raw, "big")


_STRING_TAGS = {0x0C: "utf-8", 0x13: "ascii", 0x16: "ascii", 0x14: "latin-1", 0x1A: "ascii",
                0x1E: "utf-16-be", 0x1C: "utf-32-be"}
_NAME_SHORT = {"2.5.4.3": "CN", "2.5.4.7": "L", "2.5.4.8": "ST", "2.5.4.10": "O",
               "2.5.4.11": "OU", "2.5.4.6": "C", "2.5.4.9": "STREET",
               "0.9.2342.19200300.100.1.25": "DC", "0.9.2342.19200300.100.1.1": "UID"}
_EKU_NAMES = {"1.3.6.1.5.5.7.3.1": "serverAuth", "1.3.6.1.5.5.7.3.2": "clientAuth",
              "1.3.6.1.5.5.7.3.3": "codeSigning", "1.3.6.1.5.5.7.3.4": "emailProtection",
              "1.3.6.1.5.5.7.3.8": "timeStamping", "1.3.6.1.5.5.7.3.9": "OCSPSigning",
              "2.5.29.37.0": "anyExtendedKeyUsage"}
_KEY_USAGE = ("digital_signature", "content_commitment", "key_encipherment",
              "data_encipherment", "key_agreement", "key_cert_sign", "crl_sign",
              "encipher_only", "decipher_only")
_CURVES = {"1.2.840.10045.3.1.7": "secp256r1", "1.3.132.0.34": "secp384r1",
           "1.3.132.0.35": "secp521r1"}
_RSA = "1.2.840.113549.1.1.1"
_EC = "1.2.840.10045.2.1"
_RSA_SIGNATURES = {"1.2.840.113549.1.1.11": "sha256", "1.2.840.113549.1.1.12": "sha384",
                   "1.2.840.113549.1.1.13": "sha512"}
_DIGEST_INFO = {  # DER prefix of DigestInfo for each hash (RFC 8017, section 9.2)
    "sha256": bytes.fromhex("3031300d060960864801650304020105000420"),
    "sha384": bytes.fromhex("3041300d060960864801650304020205000430"),
    "sha512": bytes.fromhex("3051300d060960864801650304020305000440"),
}


def _escape(value: str) -> str:
    """RFC 4514 escaping, as cryptography's ``Name.rfc4514_string`` does it."""
    if not value:
        return ""
    for char, escaped in (("\\", "\\\\"), ('"', '\\"'), ("+", "\\+"), (",", "\\,"),
                          (";", "\\;"), ("<", "\\<"), (">", "\\>"), ("\0", "\\00")):
        value = value.replace(char, escaped)
    if value[0] in ("#", " "):
        value = "\\" + value
    if value[-1] == " ":
        value = value[:-1] + "\\ "
    return value


def _name(data: bytes, start: int, end: int) -> Name:
    rdns = []
    for rdn in _children(data, start, end):
        attrs = []
        for attr in _children(data, *_expect(rdn, 0x31)):
            oid_item, value_item = _children(data, *_expect(attr, 0x30))
            tag, s, e = value_item
            if tag not in _STRING_TAGS:
                raise Unsupported("name value type")
            try:
                value = data[s:e].decode(_STRING_TAGS[tag])
            except UnicodeDecodeError as exc:
                raise Unsupported("name value encoding") from exc
            attrs.append((_oid(data[slice(*_expect(oid_item, 0x06))]), value))
        if len(attrs) != 1:  # multi-valued RDNs: cryptography orders them its own way
            raise Unsupported("multi-valued RDN")
        rdns.append(attrs)
    return rdns


def _rfc4514(rdns: Name) -> str:
    return ",".join("+".join(f"{_NAME_SHORT.get(oid, oid)}={_escape(value)}"
                             for oid, value in rdn) for rdn in reversed(rdns))


def _time(data: bytes, item: tuple[int, int, int]) -> dt.datetime:
    import datetime as dt  # only when a certificate is read

    tag, s, e = item
    text = data[s:e].decode("ascii")
    if tag == 0x17 and re.fullmatch(r"\d{12}Z", text):
        year = int(text[:2])
        text = f"{1900 + year if year >= 50 else 2000 + year}{text[2:]}"
    elif not (tag == 0x18 and re.fullmatch(r"\d{14}Z", text)):
        raise Unsupported("time format")
    try:  # no strptime: it imports calendar and _strptime
        return dt.datetime(int(text[0:4]), int(text[4:6]), int(text[6:8]), int(text[8:10]),
                           int(text[10:12]), int(text[12:14]), tzinfo=dt.timezone.utc)
    except ValueError as exc:
        raise Unsupported("time value") from exc


# ------------------------------------------------------------------------ keys

class PublicKey:
    """An RSA ``(n, e)`` or an EC curve and uncompressed point. (Plain classes here: a
    dataclass costs milliseconds at import, on the path of every run.)"""

    __slots__ = ("curve", "kind", "point", "rsa")

    def __init__(self, kind: str, *, rsa: tuple[int, int] | None = None,
                 curve: str | None = None, point: bytes | None = None) -> None:
        self.kind, self.rsa, self.curve, self.point = kind, rsa, curve, point

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PublicKey) and (self.kind, self.rsa, self.curve, self.point) \
            == (other.kind, other.rsa, other.curve, other.point)

    __hash__ = None  # type: ignore[assignment]

    def label(self) -> str:
        return f"RSA {self.rsa[0].bit_length()}" if self.rsa else f"EC {self.curve}"


def _rsa_public(data: bytes, start: int, end: int) -> PublicKey:
    n_item, e_item = _children(data, start, end)[:2]
    return PublicKey("RSA", rsa=(_int(data[slice(*_expect(n_item, 0x02))]),
                                 _int(data[slice(*_expect(e_item, 0x02))])))


def _ec_point(raw: bytes) -> bytes:
    if not raw or raw[0] != 0 or raw[1:2] != b"\x04":  # unused bits 0, uncompressed point
        raise Unsupported("EC point encoding")
    return raw[1:]


def _spki(data: bytes, start: int, end: int) -> PublicKey:
    alg, key = _children(data, start, end)
    alg_items = _children(data, *_expect(alg, 0x30))
    oid = _oid(data[slice(*_expect(alg_items[0], 0x06))])
    bits = data[slice(*_expect(key, 0x03))]
    if oid == _RSA:
        if bits[:1] != b"\x00":
            raise Unsupported("RSA key bits")
        inner = bits[1:]
        return _rsa_public(inner, *_expect(_tlv(inner, 0), 0x30))
    if oid == _EC and len(alg_items) == 2:
        curve = _CURVES.get(_oid(data[slice(*_expect(alg_items[1], 0x06))]))
        if curve:
            return PublicKey("EC", curve=curve, point=_ec_point(bits))
    raise Unsupported(f"public key algorithm {oid}")


def _pem_blocks(text: bytes, labels: tuple[str, ...]) -> tuple[str, bytes]:
    match = re.search(rb"-----BEGIN ([A-Z ]+)-----\r?\n(.*?)-----END \1-----", text, re.S)
    if match is None or match.group(1).decode() not in labels:
        raise Unsupported("no PEM block")
    body = match.group(2)
    if b":" in body:  # Proc-Type / DEK-Info headers: an encrypted key
        raise Unsupported("PEM headers")
    import base64  # loaded when there is a PEM file to read
    import binascii

    try:
        return match.group(1).decode(), base64.b64decode(b"".join(body.split()), validate=True)
    except binascii.Error as exc:
        raise Unsupported("base64") from exc


def read_private_key(pem: bytes) -> PublicKey:
    """The public half of an unencrypted RSA or EC private key (PKCS#1, SEC1 or PKCS#8)."""
    label, der = _pem_blocks(pem, ("RSA PRIVATE KEY", "EC PRIVATE KEY", "PRIVATE KEY"))
    top = _children(der, *_expect(_tlv(der, 0), 0x30))
    if label == "PRIVATE KEY":  # PKCS#8: version, algorithm, OCTET STRING with the key
        alg_items = _children(der, *_expect(top[1], 0x30))
        oid = _oid(der[slice(*_expect(alg_items[0], 0x06))])
        inner = der[slice(*_expect(top[2], 0x04))]
        if oid == _RSA:
            return _rsa_private(inner)
        if oid == _EC and len(alg_items) == 2:
            curve = _CURVES.get(_oid(der[slice(*_expect(alg_items[1], 0x06))]))
            return _ec_private(inner, curve)
        raise Unsupported(f"private key algorithm {oid}")
    if label == "RSA PRIVATE KEY":
        return _rsa_private(der)
    return _ec_private(der, None)


def _rsa_private(der: bytes) -> PublicKey:
    items = _children(der, *_expect(_tlv(der, 0), 0x30))
    if len(items) < 9 or der[slice(*_expect(items[0], 0x02))] != b"\x00":
        raise Unsupported("RSA private key layout")
    return PublicKey("RSA", rsa=(_int(der[slice(*_expect(items[1], 0x02))]),
                                 _int(der[slice(*_expect(items[2], 0x02))])))


def _ec_private(der: bytes, curve: str | None) -> PublicKey:
    items = _children(der, *_expect(_tlv(der, 0), 0x30))
    point = None
    for tag, s, _end in items[2:]:
        if tag == 0xA0:
            curve = curve or _CURVES.get(_oid(der[slice(*_expect(_tlv(der, s), 0x06))]))
        elif tag == 0xA1:
            point = _ec_point(der[slice(*_expect(_tlv(der, s), 0x03))])
    if curve is None or point is None:  # deriving the point needs EC arithmetic
        raise Unsupported("EC key without curve or public point")
    return PublicKey("EC", curve=curve, point=point)


# ------------------------------------------------------------------ certificates

class Certificate:
    """The parts of an X.509 certificate the probes use."""

    def __init__(self, *, der: bytes, tbs: bytes, signature_oid: str, signature: bytes,
                 subject: Name, issuer: Name, serial: int, not_before: dt.datetime,
                 not_after: dt.datetime, public_key: PublicKey) -> None:
        self.der, self.tbs, self.signature_oid, self.signature = der, tbs, signature_oid, \
            signature
        self.subject, self.issuer, self.serial = subject, issuer, serial
        self.not_before, self.not_after, self.public_key = not_before, not_after, public_key
        self.sans_dns: list[str] = []
        self.sans_ip: list[str] = []
        self.is_ca = False
        self.key_usage: list[str] = []
        self.extended_key_usage: list[str] = []

    def info(self) -> CertInfo:
        import hashlib  # loaded when there is a certificate to describe

        stamp = "%Y-%m-%dT%H:%M:%SZ"
        return CertInfo(subject=_rfc4514(self.subject), issuer=_rfc4514(self.issuer),
                        serial=format(self.serial, "x"),
                        not_before=self.not_before.strftime(stamp),
                        not_after=self.not_after.strftime(stamp),
                        fingerprint_sha256=hashlib.sha256(self.der).hexdigest(),
                        self_signed=self.subject == self.issuer,
                        sans_dns=list(self.sans_dns), sans_ip=list(self.sans_ip),
                        is_ca=self.is_ca, key_usage=list(self.key_usage),
                        extended_key_usage=list(self.extended_key_usage))


def read_certificate_pem(pem: bytes) -> Certificate:
    return read_certificate_der(_pem_blocks(pem, ("CERTIFICATE",))[1])


def read_certificate_der(der: bytes) -> Certificate:
    outer = _tlv(der, 0)
    if outer[2] != len(der):
        raise Unsupported("trailing bytes")
    tbs_item, sig_alg, sig = _children(der, *_expect(outer, 0x30))
    tbs = der[outer[1]:tbs_item[2]]  # the signed bytes: tbsCertificate, header included
    fields = _children(der, *_expect(tbs_item, 0x30))
    if fields[0][0] != 0xA0 or der[slice(*_expect(_tlv(der, fields[0][1]), 0x02))] != b"\x02":
        raise Unsupported("not an X.509 v3 certificate")
    serial_raw = der[slice(*_expect(fields[1], 0x02))]
    validity = _children(der, *_expect(fields[4], 0x30))
    signature_bits = der[slice(*_expect(sig, 0x03))]
    if signature_bits[:1] != b"\x00":
        raise Unsupported("signature bits")
    cert = Certificate(
        der=der, tbs=tbs,
        signature_oid=_oid(der[slice(*_expect(_children(der, *_expect(sig_alg, 0x30))[0],
                                              0x06))]),
        signature=signature_bits[1:],
        issuer=_name(der, *_expect(fields[3], 0x30)),
        subject=_name(der, *_expect(fields[5], 0x30)),
        serial=_int(serial_raw),
        not_before=_time(der, validity[0]), not_after=_time(der, validity[1]),
        public_key=_spki(der, *_expect(fields[6], 0x30)),
    )
    for item in fields[7:]:
        if item[0] == 0xA3:
            _extensions(cert, der, *_expect(_tlv(der, item[1]), 0x30))
        elif item[0] not in (0x81, 0x82):  # issuer/subject unique ids: ignored
            raise Unsupported("unknown certificate field")
    return cert


def _extensions(cert: Certificate, der: bytes, start: int, end: int) -> None:
    for ext in _children(der, start, end):
        parts = _children(der, *_expect(ext, 0x30))
        oid = _oid(der[slice(*_expect(parts[0], 0x06))])
        value = der[slice(*_expect(parts[-1], 0x04))]
        inner = _tlv(value, 0)
        if inner[2] != len(value):
            raise Unsupported("extension trailing bytes")
        if oid == "2.5.29.17":  # subjectAltName
            for tag, s, e in _children(value, *_expect(inner, 0x30)):
                if tag == 0x82:
                    cert.sans_dns.append(value[s:e].decode("ascii"))
                elif tag == 0x87:
                    cert.sans_ip.append(_ip_text(value[s:e]))
        elif oid == "2.5.29.19":  # basicConstraints
            items = _children(value, *_expect(inner, 0x30))
            cert.is_ca = bool(items and items[0][0] == 0x01 and value[items[0][1]] != 0)
        elif oid == "2.5.29.15":  # keyUsage
            bits = value[slice(*_expect(inner, 0x03))]
            flags = int.from_bytes(bits[1:], "big") if len(bits) > 1 else 0
            width = 8 * (len(bits) - 1)
            used = [n for i, n in enumerate(_KEY_USAGE)
                    if i < width and flags >> (width - 1 - i) & 1]
            if "key_agreement" not in used:
                used = [n for n in used if n not in ("encipher_only", "decipher_only")]
            cert.key_usage = used
        elif oid == "2.5.29.37":  # extendedKeyUsage
            cert.extended_key_usage = [
                _EKU_NAMES.get(o, "Unknown OID") for o in
                (_oid(value[slice(*_expect(item, 0x06))])
                 for item in _children(value, *_expect(inner, 0x30)))]


# ------------------------------------------------------------------ relations

def key_matches(cert: Certificate, key: PublicKey) -> bool:
    return cert.public_key == key


def signed_by(cert: Certificate, issuer: Certificate) -> bool:
    """Whether ``issuer`` signed ``cert`` (names and an RSA PKCS#1 v1.5 signature)."""
    if cert.issuer != issuer.subject:
        return False
    digest_name = _RSA_SIGNATURES.get(cert.signature_oid)
    if digest_name is None or issuer.public_key.rsa is None:
        raise Unsupported("signature algorithm")
    n, e = issuer.public_key.rsa
    size = (n.bit_length() + 7) // 8
    signature = int.from_bytes(cert.signature, "big")
    if len(cert.signature) != size or signature >= n:
        return False
    import hashlib

    digest = hashlib.new(digest_name, cert.tbs).digest()
    suffix = _DIGEST_INFO[digest_name] + digest
    expected = b"\x00\x01" + b"\xff" * (size - len(suffix) - 3) + b"\x00" + suffix
    return pow(signature, e, n).to_bytes(size, "big") == expected  # public data


def _ip_text(packed: bytes) -> str:
    """An IP SAN's 4 or 16 bytes as text (``ipaddress``'s notation, without its import)."""
    if len(packed) == 4:
        return socket.inet_ntop(socket.AF_INET, packed)
    if len(packed) == 16:
        return socket.inet_ntop(socket.AF_INET6, packed)
    raise Unsupported("IP address length")
