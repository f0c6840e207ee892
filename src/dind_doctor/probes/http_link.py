"""HTTP/1.1 to the Docker API over one connection: unix socket, plain TCP or TLS.

Blocking (run it in a thread); every request is bounded by the link's timeout. Failures
are raised as :class:`LinkError`, worded as the Docker SDK (docker-py over requests) words
the same situation, so saved facts read the same whichever client produced them.
"""

from __future__ import annotations

import json
import os
import socket
import sys

from ..model import Endpoint
from . import early_api
from .early_api import Target
from .tcp import connect
from .tls_sessions import TlsSessions, wrap

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (every run loads this)

if TYPE_CHECKING:
    import ssl
    from typing import Any

MAX_LINE = 65536
MAX_HEADERS = 100
MAX_BODY = 8 * 1024 * 1024
_TLS_HINT = (". TLS configurations should map the Docker CLI client configurations. See "
             "https://docs.docker.com/engine/articles/https/ for API details.")


class LinkError(Exception):
    """A failed request, as ``<SDK exception type>: <SDK message>``."""

    def __init__(self, kind: str, message: str, *, timed_out: bool = False) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.timed_out = timed_out


class Response:
    """One HTTP response, its body whole."""

    __slots__ = ("body", "headers", "reason", "status", "version")

    def __init__(self, status: int, reason: str, headers: dict[str, str], body: bytes,
                 version: str = "HTTP/1.1") -> None:
        self.status, self.reason, self.headers, self.body = status, reason, headers, body
        self.version = version

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8", "replace"))


class _Aborted(Exception):
    """The connection broke mid-exchange (``('Connection aborted.', cause)`` in the SDK)."""


class ApiLink:
    """One keep-alive connection to the endpoint; reconnects when the daemon closes it."""

    def __init__(self, endpoint: Endpoint, timeout: float,
                 sessions: TlsSessions | None = None) -> None:
        if endpoint.scheme not in ("tcp", "unix"):
            raise ValueError(f"{endpoint.scheme} endpoints are not probed")
        self.endpoint = endpoint
        self.timeout = timeout
        self.sessions = sessions
        self.host = (endpoint.host or "").strip("[]")
        self.port = endpoint.port or 0
        self._sock: socket.socket | None = None
        self._file: Any = None
        self._ctx: ssl.SSLContext | None = None

    # ----------------------------------------------------------------- wording
    @property
    def _tls(self) -> bool:
        return self.endpoint.scheme == "tcp" and self.endpoint.tls

    def _pool(self) -> str:
        if self.endpoint.scheme == "unix":
            return "UnixHTTPConnectionPool(host='localhost', port=None)"
        return f"{'HTTPS' if self._tls else 'HTTP'}ConnectionPool(host='{self.host}', " \
               f"port={self.port})"

    def _conn(self) -> str:
        return f"{'HTTPS' if self._tls else 'HTTP'}Connection(host='{self.host}', port={self.port})"

    def url(self, path: str) -> str:
        if self.endpoint.scheme == "unix":
            return f"http+docker://localhost{path}"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'https' if self._tls else 'http'}://{host}:{self.port}{path}"

    def _retries(self, path: str, cause: str) -> str:
        return f"{self._pool()}: Max retries exceeded with url: {path} (Caused by {cause})"

    def _read_timeout(self) -> LinkError:
        return LinkError("ReadTimeout", f"{self._pool()}: Read timed out. "
                                        f"(read timeout={self.timeout})", timed_out=True)

    # -------------------------------------------------------------- connection
    def _tls_context(self) -> ssl.SSLContext:
        """The context docker-py would build: both client files required, CA when verifying."""
        path = (self.endpoint.cert_path or "").rstrip("/")
        verify = self.endpoint.tls_verify
        cert, key, ca = f"{path}/cert.pem", f"{path}/key.pem", f"{path}/ca.pem"
        if not (os.path.isfile(cert) and os.path.isfile(key)):
            raise LinkError("TLSParameterError", "Path to a certificate and key files must be "
                                                 "provided through the client_cert param" +
                            _TLS_HINT)
        if verify and not os.path.isfile(ca):
            raise LinkError("TLSParameterError",
                            "Invalid CA certificate provided for `ca_cert`." + _TLS_HINT)
        if self.sessions is None:
            self.sessions = TlsSessions()
        return self.sessions.context(path, verify=verify, client_pair=True)

    def _connect(self, path: str) -> None:
        if self.endpoint.scheme == "unix":
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(self.timeout)
            try:
                sock.connect(self.endpoint.socket_path or "")
            except TimeoutError:
                sock.close()
                raise self._read_timeout() from None
            except OSError as exc:
                sock.close()
                raise LinkError("ConnectionError", f"('Connection aborted.', {exc!r})") from None
            self._attach(sock)
            return
        try:
            ctx = self._tls_context() if self._tls else None
        except OSError as exc:  # ssl.SSLError included
            raise LinkError("SSLError", self._retries(path, f"SSLError({exc!r})")) from None
        try:
            sock = connect(self.host, self.port, self.timeout)
        except socket.gaierror as exc:
            cause = f"{self._conn()}: Failed to resolve '{self.host}' ({exc})"
            raise LinkError("ConnectionError",
                            self._retries(path, f"NameResolutionError({cause!r})")) from None
        except TimeoutError:
            cause = (f"ConnectTimeoutError({self._conn()}, 'Connection to {self.host} timed "
                     f"out. (connect timeout={self.timeout})')")
            raise LinkError("ConnectTimeout", self._retries(path, cause),
                            timed_out=True) from None
        except OSError as exc:
            cause = f"{self._conn()}: Failed to establish a new connection: {exc}"
            raise LinkError("ConnectionError",
                            self._retries(path, f"NewConnectionError({cause!r})")) from None
        if ctx is not None:
            try:
                sock = wrap(self.sessions, ctx, sock, self.host, self.port)
            except TimeoutError:
                sock.close()
                raise self._read_timeout() from None
            except OSError as exc:
                sock.close()
                if _is_ssl_error(exc):
                    raise LinkError("SSLError",
                                    self._retries(path, f"SSLError({exc!r})")) from None
                raise LinkError("ConnectionError",
                                f"('Connection aborted.', {exc!r})") from None
            self._ctx = ctx
        self._attach(sock)

    def _attach(self, sock: socket.socket) -> None:
        self._sock = sock
        self._file = sock.makefile("rb")

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        if self._sock is not None:
            self._sock.close()
        self._sock = self._file = None

    def __enter__(self) -> ApiLink:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- requests
    def get(self, path: str) -> Response:
        """``GET path``; a status >= 400 raises as the SDK's ``APIError`` / ``NotFound``."""
        response = self.request(path)
        if response.status >= 400:
            raise self._api_error(path, response)
        return response

    def request(self, path: str) -> Response:
        """One exchange; a connection the daemon closed meanwhile is re-opened once. A
        question already asked while the tool loaded (:mod:`.early_api`) is answered on
        the connection it was asked on, which the link keeps from then on."""
        early = self._early(path)
        if early is not None:
            self.close()
            early.settimeout(self.timeout)
            self._attach(early)
            try:
                return self._receive(path)
            except _Aborted:
                self.close()  # the daemon dropped it: ask again, the ordinary way
        fresh = self._sock is None
        if fresh:
            self._connect(path)
        try:
            return self._exchange(path)
        except _Aborted as exc:
            self.close()
            if fresh:
                raise LinkError("ConnectionError", f"('Connection aborted.', {exc.args[0]!r})") \
                    from None
        self._connect(path)  # a kept-alive connection went stale: once more on a new one
        try:
            return self._exchange(path)
        except _Aborted as exc:
            self.close()
            raise LinkError("ConnectionError", f"('Connection aborted.', {exc.args[0]!r})") \
                from None

    def _target(self) -> Target:
        if self.endpoint.scheme == "unix":
            return ("unix", self.endpoint.socket_path or "", 0)
        return ("tcp", self.host, self.port)

    def _early(self, path: str) -> socket.socket | None:
        return None if self._tls else early_api.claim(self._target(), path)

    def _exchange(self, path: str) -> Response:
        assert self._sock is not None
        try:
            self._sock.sendall(early_api.request_head(self._target(), path))
        except OSError as exc:
            raise self._io_error(path, exc) from None
        return self._receive(path)

    def _io_error(self, path: str, exc: OSError) -> Exception:
        """What a failed send or receive means: a timeout, a dropped connection (which
        :meth:`request` retries once) or a TLS refusal (e.g. of the client cert, TLS 1.3)."""
        if isinstance(exc, TimeoutError):
            self.close()
            return self._read_timeout()
        if not _is_ssl_error(exc):
            return _Aborted(exc)
        self.close()
        return LinkError("SSLError", self._retries(path, f"SSLError({exc!r})"))

    def _receive(self, path: str) -> Response:
        try:
            response = self._read_response()
        except OSError as exc:
            raise self._io_error(path, exc) from None
        if self._ctx is not None and self.sessions is not None and self._sock is not None:
            self.sessions.keep(self._ctx, self.host, self.port, self._sock)  # type: ignore[arg-type]
        connection = response.headers.get("connection", "").lower()
        if connection == "close" or (response.version == "HTTP/1.0" and connection != "keep-alive"):
            self.close()
        return response

    def _line(self) -> bytes:
        line = self._file.readline(MAX_LINE + 1)
        if len(line) > MAX_LINE:
            raise LinkError("ConnectionError", "('Connection aborted.', "
                                               "LineTooLong('header line'))")
        return line

    def _read_response(self) -> Response:
        line = self._line()
        if not line:
            raise _Aborted(_RemoteDisconnected())
        text = line.decode("latin-1")
        parts = text.rstrip("\r\n").split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
            self.close()
            raise LinkError("ConnectionError", f"('Connection aborted.', BadStatusLine({text!r}))")
        status, reason = int(parts[1]), (parts[2] if len(parts) > 2 else "")
        headers: dict[str, str] = {}
        for _ in range(MAX_HEADERS + 1):
            line = self._line()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        else:
            raise LinkError("ConnectionError", "('Connection aborted.', "
                                               "HTTPException('got more than 100 headers'))")
        if 100 <= status < 200:  # an interim answer: the real one follows
            return self._read_response()
        return Response(status, reason, headers, self._body(status, headers), parts[0])

    def _body(self, status: int, headers: dict[str, str]) -> bytes:
        if status in (204, 304):
            return b""
        if "chunked" in headers.get("transfer-encoding", "").lower():
            return self._chunked()
        length = headers.get("content-length")
        if length is not None and length.strip().isdigit():
            size = int(length)
            if size > MAX_BODY:
                raise LinkError("ChunkedEncodingError", f"body of {size} bytes is too large")
            data = self._file.read(size)
            if len(data) < size:
                raise _Aborted(_IncompleteRead(len(data), size - len(data)))
            return data
        data = self._file.read(MAX_BODY)  # no length: the body ends when the daemon closes
        self.close()
        return data

    def _chunked(self) -> bytes:
        body = bytearray()
        while True:
            size_line = self._line().split(b";", 1)[0].strip()
            try:
                size = int(size_line, 16)
            except ValueError:
                raise LinkError("ChunkedEncodingError",
                                f"(\"Connection broken: InvalidChunkLength(got length "
                                f"b{size_line.decode('latin-1')!r}, 0 bytes read)\", "
                                f"InvalidChunkLength(got length b"
                                f"{size_line.decode('latin-1')!r}, 0 bytes read))") from None
            if size == 0:
                while self._line() not in (b"\r\n", b"\n", b""):  # trailers
                    pass
                return bytes(body)
            if len(body) + size > MAX_BODY:
                raise LinkError("ChunkedEncodingError", "chunked body is too large")
            chunk = self._file.read(size)
            if len(chunk) < size:
                raise _Aborted(_IncompleteRead(len(chunk), size - len(chunk)))
            body += chunk
            self._line()  # the CRLF after each chunk

    def _api_error(self, path: str, response: Response) -> LinkError:
        """docker-py's ``APIError.__str__`` (``NotFound`` for 404)."""
        try:
            explanation = response.json()["message"]
        except (ValueError, KeyError, TypeError):
            explanation = response.body.decode("utf-8", "replace").strip()
        side = "Client" if response.status < 500 else "Server"
        message = f"{response.status} {side} Error for {self.url(path)}: {response.reason}"
        if explanation:
            message = f'{message} ("{explanation}")'
        return LinkError("NotFound" if response.status == 404 else "APIError", message)


def _is_ssl_error(exc: BaseException) -> bool:
    """``ssl.SSLError``, without loading :mod:`ssl` for a link that never used it."""
    ssl = sys.modules.get("ssl")
    return ssl is not None and isinstance(exc, ssl.SSLError)


class _RemoteDisconnected(ConnectionError):
    def __init__(self) -> None:
        super().__init__("Remote end closed connection without response")

    def __repr__(self) -> str:
        return "RemoteDisconnected('Remote end closed connection without response')"


class _IncompleteRead(ConnectionError):
    def __init__(self, got: int, missing: int) -> None:
        super().__init__(got, missing)
        self.got, self.missing = got, missing

    def __repr__(self) -> str:
        return f"IncompleteRead({self.got} bytes read, {self.missing} more expected)"
