"""TLS client contexts and sessions shared by the probes that talk TLS to one daemon.

A context is built once per (cert dir, verification, client pair) and handed to every
probe that needs it; a session one connection negotiated is offered to the next
connection to the same host and port, so a second handshake is a short resumption.
"""

from __future__ import annotations

import threading

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (every run loads this)

if TYPE_CHECKING:
    import ssl


def client_context(cert_dir: str | None, *, verify: bool, client_pair: bool) -> ssl.SSLContext:
    """A context as the docker CLI makes it from ``cert_dir`` (``ca.pem``, ``cert.pem``,
    ``key.pem``). Raises ``ssl.SSLError`` / ``OSError`` for files that cannot be loaded."""
    import ssl  # loaded only when a TLS connection is made

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if hasattr(ssl, "VERIFY_X509_STRICT"):  # the Go client is not strict about the CA's keyUsage
        ctx.verify_flags &= ~ssl.VERIFY_X509_STRICT
    if verify:
        ctx.check_hostname = True
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(cafile=f"{cert_dir}/ca.pem" if cert_dir else None)
    else:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if cert_dir is not None and client_pair:
        ctx.load_cert_chain(f"{cert_dir}/cert.pem", f"{cert_dir}/key.pem")
    return ctx


class TlsSessions:
    """Contexts by what they load, sessions by (context, host, port). Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._contexts: dict[tuple[str | None, bool, bool], ssl.SSLContext] = {}
        self._sessions: dict[tuple[int, str, int], ssl.SSLSession] = {}
        # set once a session was kept (or nobody is going to keep one): a probe about to
        # open a second connection to the same daemon may wait for it, to resume it
        self.settled = threading.Event()

    def context(self, cert_dir: str | None, *, verify: bool, client_pair: bool) -> ssl.SSLContext:
        key = (cert_dir.rstrip("/") or "/" if cert_dir else None, verify, client_pair)
        with self._lock:
            ctx = self._contexts.get(key)
        if ctx is None:
            ctx = client_context(key[0], verify=verify, client_pair=client_pair)
            with self._lock:
                ctx = self._contexts.setdefault(key, ctx)
        return ctx

    def session(self, ctx: ssl.SSLContext, host: str, port: int) -> ssl.SSLSession | None:
        """A session to resume for a new connection, if an earlier one left one."""
        with self._lock:
            return self._sessions.get((id(ctx), host, port))

    def keep(self, ctx: ssl.SSLContext, host: str, port: int, conn: ssl.SSLSocket) -> None:
        """Remember ``conn``'s session (call it after data was read: a TLS 1.3 server sends
        its ticket after the handshake)."""
        session = conn.session
        if session is not None and session.has_ticket:
            with self._lock:
                self._sessions[(id(ctx), host, port)] = session
            self.settled.set()


def wrap(sessions: TlsSessions | None, ctx: ssl.SSLContext, raw: object, host: str,
         port: int) -> ssl.SSLSocket:
    """Handshake on ``raw``, resuming a kept session when there is one."""
    session = sessions.session(ctx, host, port) if sessions is not None else None
    return ctx.wrap_socket(raw, server_hostname=host, session=session)  # type: ignore[arg-type]
