"""The slow Docker API questions, asked while the tool loads (plain endpoints only).

A daemon takes ~10 ms to answer ``/version`` and ``/info`` (it asks its storage driver, its
plugins, the kernel), and the default bridge's settings are one more round trip at the end
of the API probe; the tool takes longer than that to load. When ``DOCKER_HOST`` names
a plain TCP endpoint or a unix socket, :func:`begin` opens one connection per question and
sends the request in a daemon thread, so that the answer waits in the socket buffer when
the API probe wants it: :func:`claim` hands over the socket with its request sent, and
:class:`.http_link.ApiLink` reads the answer as if it had just asked. A guess that turns out
wrong (the diagnosis derives another endpoint, or TLS) costs one unused connection; the
API probe decides what is asked and reads every answer itself, so this never produces a
fact. Standard library only, like :mod:`.prestart`.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Mapping

from .. import __version__, hosturl
from .bounded import spawn

PATHS = ("/version", "/info", "/networks/bridge")
CONNECT_TIMEOUT = 3.0
# how long the probe waits for a connection still being opened before asking on its own
CLAIM_GRACE = 0.05
_TLS_VARIABLES = ("DOCKER_TLS", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH")

Target = tuple[str, str, int]  # ("tcp", host, port) or ("unix", socket path, 0)


def request_head(target: Target, path: str) -> bytes:
    """The request line and headers of ``GET path``, as the API probe sends them."""
    scheme, host, port = target
    if scheme == "unix":
        host_header = "localhost"
    else:
        host_header = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return (f"GET {path} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: dind-doctor/"
            f"{__version__}\r\nAccept: */*\r\n\r\n").encode("latin-1")


def plain_target(env: Mapping[str, str]) -> Target | None:
    """The endpoint ``DOCKER_HOST`` names when it is a plain ``tcp://host:port`` (no TLS
    variable set) or a ``unix://`` socket; else ``None``."""
    url = env.get("DOCKER_HOST", "")
    if not url.startswith(("unix://", "tcp://")):
        return None
    try:
        parts = hosturl.split(url)
    except ValueError:
        return None
    if parts.scheme == "unix":
        return ("unix", parts.path, 0) if parts.path.startswith("/") else None
    if any(env.get(name) for name in _TLS_VARIABLES) or not parts.host or not parts.port:
        return None
    return ("tcp", parts.host, parts.port)


class _Early:
    """One connection being opened, with ``GET path`` sent on it."""

    def __init__(self, target: Target, path: str) -> None:
        self.target, self.path = target, path
        self.sock: socket.socket | None = None
        self.claimed = False
        self.done = threading.Event()
        self.lock = threading.Lock()

    def run(self) -> None:
        sock: socket.socket | None = None
        try:
            scheme, host, port = self.target
            if scheme == "unix":
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.settimeout(CONNECT_TIMEOUT)
                sock.connect(host)
            else:
                name = host.encode("ascii") if host.isascii() else host  # no idna codec import
                sock = socket.create_connection((name, port), timeout=CONNECT_TIMEOUT)  # type: ignore[arg-type]
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.sendall(request_head(self.target, self.path))
        except Exception:  # a guess: the probe asks on its own and words what goes wrong
            if sock is not None:
                sock.close()
            sock = None
        with self.lock:
            if self.claimed and sock is not None:
                sock.close()  # the probe stopped waiting for it
            else:
                self.sock = sock
        self.done.set()

    def take(self, *, wait: bool = True) -> socket.socket | None:
        if wait:
            self.done.wait(CLAIM_GRACE)
        with self.lock:
            self.claimed = True
            sock, self.sock = self.sock, None
        return sock


_pending: dict[tuple[Target, str], _Early] = {}


def begin(env: Mapping[str, str] | None = None) -> None:
    """Ask :data:`PATHS` of the plain endpoint ``env`` (default: this process's) names,
    in place of questions asked before and never claimed."""
    discard()
    target = plain_target(os.environ if env is None else env)
    if target is None:
        return
    for path in PATHS:
        early = _Early(target, path)
        _pending[target, path] = early
        spawn(early.run)


def discard() -> None:
    """Close the connections nobody claimed (their answers are not wanted any more)."""
    while _pending:
        sock = _pending.popitem()[1].take(wait=False)
        if sock is not None:
            sock.close()


def claim(target: Target, path: str) -> socket.socket | None:
    """The connection on which ``GET path`` was sent to ``target`` (once), or ``None``."""
    early = _pending.pop((target, path), None)
    return early.take() if early is not None else None
