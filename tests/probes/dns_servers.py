"""Tiny DNS servers on loopback for resolver tests: one says NXDOMAIN, one never answers."""

from __future__ import annotations

import socket
import threading

import dns.message
import dns.rcode


class LoopbackDns:
    """A UDP DNS server on 127.0.0.1 that answers NXDOMAIN, or nothing (``silent=True``)."""

    def __init__(self, *, silent: bool = False) -> None:
        self.silent = silent
        self.queries: list[str] = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                data, peer = self.sock.recvfrom(4096)
            except (TimeoutError, OSError):
                continue
            query = dns.message.from_wire(data)
            self.queries.append(str(query.question[0].name))
            if self.silent:
                continue
            reply = dns.message.make_response(query)
            reply.set_rcode(dns.rcode.NXDOMAIN)
            self.sock.sendto(reply.to_wire(), peer)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()

    def __enter__(self) -> LoopbackDns:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
