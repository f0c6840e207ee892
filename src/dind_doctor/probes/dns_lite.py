"""One DNS ``A`` query over UDP, without dnspython.

Covers the plain outcomes — addresses, NXDOMAIN, an empty answer, no reply in time — and
raises :class:`Unsupported` for everything else (SERVFAIL, REFUSED, a truncated or
malformed reply): the caller then asks with dnspython, which words those its own way.
"""

from __future__ import annotations

import asyncio
import os
import struct


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


class _Exchange(asyncio.DatagramProtocol):
    def __init__(self, ident: int, server: str) -> None:
        self.ident, self.server = ident, server
        self.done: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()

    def datagram_received(self, data: bytes, addr: object) -> None:
        if self.done.done():
            return
        try:
            self.done.set_result(parse(data, self.ident, self.server))
        except ValueError:
            pass  # someone else's answer
        except Unsupported as exc:
            self.done.set_exception(exc)

    def error_received(self, exc: Exception) -> None:  # ICMP unreachable and the like
        if not self.done.done():
            self.done.set_exception(Unsupported(str(exc)))


async def query_a(name: str, server: str, port: int, lifetime: float) -> Answer:
    """Ask ``server`` once; "timeout" when it does not answer within ``lifetime``."""
    ident, packet = _query(name)
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.create_datagram_endpoint(
        lambda: _Exchange(ident, server), remote_addr=(server, port))
    try:
        transport.sendto(packet)
        return await asyncio.wait_for(protocol.done, lifetime)
    except asyncio.TimeoutError:
        return Answer("timeout", server)
    finally:
        transport.close()
