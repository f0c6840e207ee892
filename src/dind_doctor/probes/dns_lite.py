"""One DNS ``A`` query over UDP, without dnspython.

Covers the plain outcomes — addresses, NXDOMAIN, an empty answer, no reply in time — and
raises :class:`Unsupported` for everything else (SERVFAIL, REFUSED, a truncated or
malformed reply): the caller then asks with dnspython, which words those its own way.
"""

from __future__ import annotations

import os
import socket
import struct
import time


class Unsupported(Exception):
    """An outcome this client leaves to dnspython."""


class Answer:
    """``kind``: "addresses", "NXDOMAIN", "no-answer" or "timeout"."""

    __slots__ = ("addresses", "kind", "server")

    def __init__(self, kind: str, server: str, addresses: list[str] | None = None) -> None:
        self.kind, self.server, self.addresses = kind, server, addresses or []


def _query(name: str) -> tuple[int, bytes]:
    ident = int.from_bytes(os.urandom(2), "big")
    labels = [label for label in name.rstrip(".").split(".") if label]
    if not labels or any(len(label.encode("idna")) > 63 for label in labels):
        raise Unsupported("name")
    qname = b"".join(bytes([len(e)]) + e for e in (label.encode("idna") for label in labels))
    return ident, struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 0) + qname + b"\0" + \
        struct.pack("!HH", 1, 1)


def _skip_name(data: bytes, pos: int) -> int:
    while True:
        if pos >= len(data):
            raise Unsupported("truncated name")
        length = data[pos]
        if length & 0xC0 == 0xC0:
            return pos + 2
        if length & 0xC0:
            raise Unsupported("label type")
        if length == 0:
            return pos + 1
        pos += 1 + length


def parse(data: bytes, ident: int, server: str) -> Answer:
    if len(data) < 12:
        raise Unsupported("short reply")
    got, flags, qd, an, _ns, _ar = struct.unpack("!HHHHHH", data[:12])
    if got != ident or not flags & 0x8000:
        raise ValueError("not our answer")  # ignored: keep waiting for ours
    if flags & 0x0200:
        raise Unsupported("truncated")
    rcode = flags & 0x000F
    if rcode == 3:
        return Answer("NXDOMAIN", server)
    if rcode != 0:
        raise Unsupported(f"rcode {rcode}")
    pos = 12
    for _ in range(qd):
        pos = _skip_name(data, pos) + 4
    addresses = []
    for _ in range(an):
        pos = _skip_name(data, pos)
        if pos + 10 > len(data):
            raise Unsupported("truncated record")
        rtype, rclass, _ttl, length = struct.unpack("!HHIH", data[pos:pos + 10])
        pos += 10
        if pos + length > len(data):
            raise Unsupported("truncated record")
        if rtype == 1 and rclass == 1:
            if length != 4:
                raise Unsupported("A record length")
            addresses.append(".".join(str(b) for b in data[pos:pos + 4]))
        elif rtype != 5:  # CNAMEs lead to the A records; anything else is unexpected
            raise Unsupported(f"record type {rtype}")
        pos += length
    if not addresses:
        return Answer("no-answer", server)
    return Answer("addresses", server, sorted(set(addresses)))


def query_a(name: str, server: str, port: int, lifetime: float) -> Answer:
    """Ask ``server`` once; "timeout" when it does not answer within ``lifetime``."""
    ident, packet = _query(name)
    end = time.monotonic() + lifetime
    family = socket.AF_INET6 if ":" in server else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        sock.connect((server, port))
        sock.send(packet)
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return Answer("timeout", server)
            sock.settimeout(left)
            try:
                data = sock.recv(4096)
            except TimeoutError:
                return Answer("timeout", server)
            except OSError as exc:  # ICMP unreachable and the like
                raise Unsupported(str(exc)) from None
            try:
                return parse(data, ident, server)
            except ValueError:
                continue  # someone else's answer
