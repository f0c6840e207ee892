"""``$CI_REGISTRY`` from the job: does it speak TLS or plain HTTP, and would a default CA
store verify it. Each step bounded; nothing is sent but TLS handshakes and, to a port that
does not speak TLS, one plain ``GET``."""

from __future__ import annotations

import socket
import ssl
import time

from ..facts import PortFacts, RegistryFacts
from .bounded import Deadline, elapsed_ms, in_thread
from .tcp import connect, lookup_name, sniff

HTTPS_PORT = 443
RESOLVE_TIMEOUT = 1.0
HANDSHAKE_TIMEOUT = 1.5


def split_registry(registry: str) -> tuple[str, int]:
    """``host[:port]`` (``[v6]:port`` too) -> (host, port); the port defaults to 443."""
    text = registry.strip()
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") and rest[1:].isdigit() else HTTPS_PORT
    if text.count(":") == 1:
        host, port = text.split(":")
        return host, int(port) if port.isdigit() else HTTPS_PORT
    return text, HTTPS_PORT


def probe_registry(registry: str, deadline: Deadline,
                   context: ssl.SSLContext | None = None) -> RegistryFacts:
    """``context``: the CA store to verify with (the system default when ``None``)."""
    started = time.perf_counter()
    facts = RegistryFacts(registry=registry)
    host, port = split_registry(registry)

    def lookup() -> str:
        return str(socket.getaddrinfo(lookup_name(host), port,
                                      proto=socket.IPPROTO_TCP)[0][4][0])

    try:
        address: str | None = in_thread(lookup, deadline.budget(RESOLVE_TIMEOUT))
    except OSError:  # TimeoutError included
        address = None
    facts.port = PortFacts(host=host, port=port, address=address, attempts=1)
    if address is None:
        facts.port.state = "unresolved"
    else:
        _speaks(facts.port, address, deadline=deadline)
    if facts.port.protocol == "tls" and address is not None:
        facts.verified, facts.verify_error = _verify(
            host, address, port, context or ssl.create_default_context(), deadline)
    facts.port.duration_ms = facts.duration_ms = elapsed_ms(started)
    return facts


def _handshake(address: str, port: int, context: ssl.SSLContext, server_hostname: str | None,
               timeout: float) -> None:
    """Connect and complete a TLS handshake within ``timeout`` seconds, then hang up."""
    end = time.monotonic() + timeout
    with connect(address, port, timeout) as raw:
        raw.settimeout(max(0.01, end - time.monotonic()))
        context.wrap_socket(raw, server_hostname=server_hostname).close()


def _speaks(facts: PortFacts, address: str, *, deadline: Deadline) -> None:
    """TLS if a handshake (unverified) completes, else what a plain GET gets back. A TLS
    handshake first: a proxy in front of a registry may answer plain HTTP on its HTTPS port
    with an HTTP error page."""
    unverified = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    unverified.check_hostname, unverified.verify_mode = False, ssl.CERT_NONE
    try:
        _handshake(address, facts.port, unverified, None, deadline.budget(HANDSHAKE_TIMEOUT))
    except TimeoutError:
        facts.state, facts.error = "timeout", "no TCP or TLS handshake in time"
        return
    except ConnectionRefusedError:
        facts.state, facts.error = "refused", "connection refused"
        return
    except ssl.SSLError:
        facts.state = "open"  # it answered, not with TLS: ask in plain HTTP
        facts.protocol, facts.protocol_detail = sniff(address, facts.port, deadline)
        return
    except OSError as exc:
        facts.state, facts.error = "error", exc.strerror or str(exc)
        return
    facts.state, facts.protocol = "open", "tls"


def _verify(host: str, address: str, port: int, context: ssl.SSLContext,
            deadline: Deadline) -> tuple[bool | None, str | None]:
    try:
        _handshake(address, port, context, host, deadline.budget(HANDSHAKE_TIMEOUT))
    except ssl.SSLCertVerificationError as exc:
        return False, exc.verify_message or str(exc)
    except (OSError, ssl.SSLError) as exc:
        return None, f"{type(exc).__name__}: {exc}"[:300]
    return True, None
