"""TCP reachability of the daemon ports, and what an open port actually speaks."""

from __future__ import annotations

import errno
import socket
import time

from ..facts import PortFacts
from .bounded import Deadline, elapsed_ms

CONNECT_TIMEOUT = 2.0
READ_TIMEOUT = 2.0
RETRY_INTERVAL = 0.25
HTTPS_ONLY_REPLY = b"Client sent an HTTP request to an HTTPS server"
PING = b"GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n"


def probe_port(host: str, address: str | None, port: int, deadline: Deadline, *,
               settle: float = 0.0) -> PortFacts:
    """Connect to ``address:port``; if refused, retry for ``settle`` seconds; sniff if open."""
    started = time.perf_counter()
    facts = PortFacts(host=host, port=port, address=address)
    if address is None:
        facts.state = "unresolved"
        return facts
    retry_until = time.perf_counter() + min(settle, deadline.remaining())
    while True:
        facts.attempts += 1
        state, error = _connect(address, port, deadline)
        facts.state, facts.error = state, error
        if state != "refused" or time.perf_counter() + RETRY_INTERVAL >= retry_until:
            break
        time.sleep(RETRY_INTERVAL)
    if facts.state == "open":
        if facts.attempts > 1:
            facts.opened_after_ms = elapsed_ms(started)
        facts.protocol, facts.protocol_detail = sniff(address, port, deadline)
    facts.duration_ms = elapsed_ms(started)
    return facts


def lookup_name(host: str) -> str | bytes:
    """``host`` as handed to the resolver: an ASCII name as bytes, which the resolver takes
    as is (a ``str`` always goes through the ``idna`` codec, a slow import)."""
    return host.encode("ascii") if host.isascii() else host


def connect(host: str, port: int, timeout: float) -> socket.socket:
    """A TCP connection to ``host`` (a name or an address literal), or ``OSError``. Small
    writes go out at once (no Nagle delay waiting for the peer's delayed ACK: a request
    right after a TLS handshake would otherwise wait 40 ms)."""
    address = (lookup_name(host), port)  # bytes: fine at runtime, not in the stubs
    sock = socket.create_connection(address, timeout=timeout)  # type: ignore[arg-type]
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def _connect(address: str, port: int, deadline: Deadline) -> tuple[str, str | None]:
    try:
        sock = connect(address, port, deadline.budget(CONNECT_TIMEOUT))
    except TimeoutError:
        return "timeout", f"no answer to the TCP handshake within {CONNECT_TIMEOUT:g} s"
    except ConnectionRefusedError:
        return "refused", "connection refused"
    except OSError as exc:
        if exc.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH):
            return "unreachable", exc.strerror
        return "error", exc.strerror or str(exc)
    sock.close()
    return "open", None


def sniff(address: str, port: int, deadline: Deadline) -> tuple[str, str | None]:
    """Send a plain ``GET /_ping``: a Docker daemon answers 200; a TLS one complains."""
    try:
        sock = connect(address, port, deadline.budget(CONNECT_TIMEOUT))
    except TimeoutError:
        return "closed", "reconnect failed: "
    except OSError as exc:
        return "closed", f"reconnect failed: {exc}"
    with sock:
        try:
            sock.settimeout(deadline.budget(READ_TIMEOUT))
            sock.sendall(PING)
            data = sock.recv(4096)
        except TimeoutError:
            return "silent", f"accepted the connection but sent nothing within {READ_TIMEOUT:g} s"
        except OSError as exc:
            return "closed", exc.strerror or str(exc)
    return classify_reply(data)


def classify_reply(data: bytes) -> tuple[str, str | None]:
    if not data:
        return "closed", "closed the connection without a reply"
    if HTTPS_ONLY_REPLY in data or (data[:1] == b"\x15" and data[1:2] == b"\x03"):
        return "tls", "answers plain HTTP with: Client sent an HTTP request to an HTTPS server."
    if data.startswith(b"HTTP/"):
        head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        api = next((line.split(":", 1)[1].strip() for line in head[1:]
                    if line.lower().startswith("api-version:")), None)
        detail = head[0] + (f", Api-Version {api}" if api else ", no Api-Version header")
        return "http", detail
    return "other", repr(data[:60])
