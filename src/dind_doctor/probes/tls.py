"""A TLS handshake with the daemon, as the docker CLI would make it with the job's certs."""

from __future__ import annotations

import ssl
import time

from ..facts import TlsFacts
from .bounded import Deadline, elapsed_ms, in_thread
from .certfiles import CertDir, cert_info_der, signed_by
from .tcp import connect
from .tls_sessions import TlsSessions, client_context, wrap

HANDSHAKE_TIMEOUT = 3.0
READ_TIMEOUT = 2.0

# OpenSSL verify codes (X509_V_ERR_*) mapped to what the user needs to hear
_VERIFY_CODES = {
    9: "not-yet-valid", 10: "expired", 18: "unknown-authority", 19: "unknown-authority",
    20: "unknown-authority", 21: "unknown-authority", 62: "hostname-mismatch",
    64: "hostname-mismatch",
}


def _context(certs: CertDir | None, *, verify: bool,
             sessions: TlsSessions | None = None) -> ssl.SSLContext:
    """A client context for ``certs`` (shared through ``sessions`` when given); the server
    name is the caller's, at wrap time."""
    path = certs.path if certs is not None else None
    pair = certs is not None and certs.has_client_pair
    if sessions is not None:
        return sessions.context(path, verify=verify, client_pair=pair)
    return client_context(path, verify=verify, client_pair=pair)


def probe_tls(host: str, address: str, port: int, certs: CertDir | None,
              deadline: Deadline, sessions: TlsSessions | None = None) -> TlsFacts:
    """The handshake the docker CLI makes, then ``/_ping``; the server certificate either way.

    With a CA and a client pair, a verifying handshake comes first (resuming the session the
    API probe negotiated through ``sessions``, so a healthy daemon costs no second full
    handshake). Otherwise, or when it fails, a handshake without verification (to see the
    server certificate) and a separate verifying one tell what went wrong."""
    started = time.perf_counter()
    verified = _verified_exchange(host, address, port, certs, deadline, sessions)
    if verified is not None:
        facts, server_der = verified
        verify_error: str | None = None
    else:
        facts = TlsFacts(host=host, port=port, attempted=True)
        try:
            ctx = _context(certs, verify=False)
            facts.client_cert_sent = certs is not None and certs.has_client_pair
        except (ssl.SSLError, OSError) as exc:
            facts.error = f"cannot load the client certificate: {exc}"
            ctx = _context(None, verify=False)
        server_der = _exchange(facts, address, port, ctx, host, deadline)
    if server_der is not None:
        facts.server_cert, server = cert_info_der(server_der)
        if certs is not None and certs.ca is not None:
            certs.facts.server_signed_by_ca = signed_by(server, certs.ca)
        if verified is None:
            verify_error = _verify(certs, address, port, host, deadline, sessions)
        facts.verify_error = verify_error
    facts.duration_ms = elapsed_ms(started)
    return facts


def _verified_exchange(host: str, address: str, port: int, certs: CertDir | None,
                       deadline: Deadline, sessions: TlsSessions | None,
                       ) -> tuple[TlsFacts, bytes | None] | None:
    """The healthy case in one (resumed) verifying handshake: its facts and the server
    certificate; ``None`` when anything went wrong (then the two-step probe finds out what).
    A handshake that timed out is final: asking again would only wait again."""
    if certs is None or certs.ca is None or not certs.has_client_pair:
        return None
    try:
        ctx = _context(certs, verify=True, sessions=sessions)
    except (ssl.SSLError, OSError):
        return None
    facts = TlsFacts(host=host, port=port, attempted=True, client_cert_sent=True)
    der = _exchange(facts, address, port, ctx, host, deadline, sessions)
    if facts.timed_out:
        return facts, None
    if der is None or facts.error or not facts.handshake_ok or not facts.client_cert_accepted:
        return None
    return facts, der


def _exchange(facts: TlsFacts, address: str, port: int, ctx: ssl.SSLContext, host: str,
              deadline: Deadline, sessions: TlsSessions | None = None) -> bytes | None:
    budget = deadline.budget(HANDSHAKE_TIMEOUT)
    try:
        return in_thread(lambda: _exchange_blocking(facts, address, port, ctx, host, budget,
                                                    sessions),
                         budget + READ_TIMEOUT + 0.5)
    except TimeoutError:
        facts.timed_out = True
        facts.error = f"no TLS handshake within {budget:.1f} s"
        return None


def _exchange_blocking(facts: TlsFacts, address: str, port: int, ctx: ssl.SSLContext, host: str,
                       timeout: float, sessions: TlsSessions | None = None) -> bytes | None:
    """Handshake, keep the server cert at once (a TLS 1.3 server may reject the client cert
    right after the handshake), then ask for ``/_ping``. ``sessions``: resume a kept one."""
    try:
        raw = connect(address, port, timeout)
    except OSError as exc:
        facts.error = _ssl_text(exc)
        facts.timed_out = isinstance(exc, TimeoutError)
        return None
    with raw:
        try:
            conn = wrap(sessions, ctx, raw, host, port)
        except TimeoutError:
            facts.timed_out, facts.error = True, f"no TLS handshake within {timeout:.1f} s"
            return None
        except (ssl.SSLError, OSError) as exc:
            facts.error = _ssl_text(exc)
            return None
        with conn:
            facts.handshake_ok = True
            der = conn.getpeercert(binary_form=True)
            facts.tls_version = conn.version()
            conn.settimeout(READ_TIMEOUT)
            try:
                conn.sendall(b"GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n")
                data = conn.recv(2048)
            except TimeoutError:
                facts.response = f"no HTTP answer within {READ_TIMEOUT:g} s"
            except (ssl.SSLError, OSError) as exc:
                facts.client_cert_accepted = False
                facts.response = _ssl_text(exc)
            else:
                facts.client_cert_accepted = data.startswith(b"HTTP/")
                facts.response = (data.split(b"\r\n", 1)[0].decode("latin-1") if data
                                  else "connection closed after the handshake")
                if sessions is not None:
                    sessions.keep(ctx, host, port, conn)
            return der


def _verify(certs: CertDir | None, address: str, port: int, host: str,
                  deadline: Deadline, sessions: TlsSessions | None = None) -> str | None:
    """What a verifying client (the docker CLI with DOCKER_TLS_VERIFY) would hit."""
    if certs is None or certs.ca is None:
        return "no-ca-file"
    try:
        ctx = _context(certs, verify=True, sessions=sessions)
    except (ssl.SSLError, OSError) as exc:
        return f"error: {_ssl_text(exc)}"
    budget = deadline.budget(HANDSHAKE_TIMEOUT)

    def handshake() -> str | None:
        try:
            with connect(address, port, budget) as raw, \
                    wrap(sessions, ctx, raw, host, port) as conn:
                if sessions is not None:
                    sessions.keep(ctx, host, port, conn)  # a TLS 1.2 session is kept at once
                return None
        except ssl.SSLCertVerificationError as exc:
            return _VERIFY_CODES.get(exc.verify_code, f"error: {exc.verify_message}")
        except TimeoutError:
            return "error: verifying handshake timed out"
        except (ssl.SSLError, OSError) as exc:
            return f"error: {_ssl_text(exc)}"

    try:
        return in_thread(handshake, budget + 0.5)
    except TimeoutError:
        return "error: verifying handshake timed out"


def _ssl_text(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLError) and exc.reason:
        return f"{exc.reason} ({exc.library or 'ssl'})"
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
