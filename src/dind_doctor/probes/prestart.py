"""The client commands the tools probe runs, and ``docker version`` started ahead of it.

``docker version`` is the slowest step of a healthy diagnosis (tens of milliseconds), so
the command line starts it before it loads the rest of the tool (:func:`begin`) and the
tools probe collects it (:func:`take`). Likewise the first TLS handshake with the daemon
(:func:`warm_tls`) and, for a plain daemon, its slowest API questions (:mod:`.early_api`).
Standard library only (ssl when a handshake is made): importing this
costs nothing the diagnosis does not need anyway.
"""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Mapping

from .. import hosturl
from . import early_api
from .bounded import spawn
from .tls_sessions import TlsSessions, wrap

QUIET_HOST = "unix:///nonexistent/dind-doctor.sock"


def which(name: str, path: str | None = None) -> str | None:
    """The executable ``name`` on ``path`` (default ``$PATH``), as ``shutil.which``."""
    if os.sep in name:
        return name if _executable(name) else None
    search = os.environ.get("PATH", os.defpath) if path is None else path
    for directory in dict.fromkeys(search.split(os.pathsep)):
        candidate = os.path.join(directory, name)
        if _executable(candidate):
            return candidate
    return None


def _executable(path: str) -> bool:
    return os.access(path, os.F_OK | os.X_OK) and not os.path.isdir(path)


def quiet_env(env: Mapping[str, str]) -> dict[str, str]:
    """This process's environment without the Docker client variables: the version
    commands only describe the client and must never reach a daemon."""
    quiet = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}
    quiet["DOCKER_HOST"] = QUIET_HOST
    # Go programs that print one line: one OS thread and no garbage collector start them
    # sooner and leave the other cores to the diagnosis they run beside (~3 % of a healthy
    # plain run in paired runs, both orders)
    quiet["GOMAXPROCS"], quiet["GOGC"] = "1", "off"
    if env.get("DOCKER_CONFIG"):
        quiet["DOCKER_CONFIG"] = env["DOCKER_CONFIG"]
    return quiet


def start(argv: list[str], env: Mapping[str, str]) -> subprocess.Popen[bytes]:
    """Start ``argv`` (stdout and stderr together, no stdin); ``OSError`` if it cannot run."""
    return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, env=dict(env))


def cli_argv(path: str | None) -> list[str]:
    return [path or "docker", "version", "--format", "{{.Client.Version}} {{.Client.APIVersion}}"]


class Started:
    """``docker version`` as started for ``env``: the process, or why it did not start.
    ``path`` is ``None`` when there is no docker CLI on the PATH."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.config = env.get("DOCKER_CONFIG") or None
        self.path = which("docker")
        self.argv = cli_argv(self.path)
        self.proc: subprocess.Popen[bytes] | None = None
        self.error: OSError | None = None
        if self.path:
            try:
                self.proc = start(self.argv, quiet_env(env))
            except OSError as exc:
                self.error = exc

    def discard(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


_early: Started | None = None


def begin() -> None:
    """Start ``docker version``, and either a TLS handshake with the daemon or (plain
    endpoints) its slowest API questions, when the environment names a daemon: all for
    this process's environment and the diagnosis to come."""
    global _early
    if _early is None:
        _early = Started(os.environ)
    warm_tls()
    early_api.begin()


def take(env: Mapping[str, str]) -> Started:
    """The run :func:`begin` started, if it fits ``env`` (once); else one started now."""
    global _early
    early, _early = _early, None
    if early is not None and early.config == (env.get("DOCKER_CONFIG") or None) \
            and early.path == which("docker"):
        return early
    if early is not None:
        early.discard()
    return Started(env)


_sessions: TlsSessions | None = None
WARM_TIMEOUT = 3.0


def warm_tls() -> None:
    """When the environment names a verifying TLS daemon (``DOCKER_HOST=tcp://…``,
    ``DOCKER_TLS_VERIFY``, ``DOCKER_CERT_PATH``), make one TLS connection to it in a daemon
    thread while the tool loads: the probes then resume its session (see :func:`sessions`)
    instead of paying a full handshake. A guess that turns out wrong costs nothing but that
    connection; it never produces a fact."""
    global _sessions
    target = _tls_target(os.environ)
    if _sessions is not None or target is None:
        return
    _sessions = TlsSessions()
    spawn(_warm, _sessions, *target)


def sessions() -> TlsSessions:
    """The TLS contexts and sessions :func:`warm_tls` filled (once); else new ones."""
    global _sessions
    kept, _sessions = _sessions, None
    return kept or TlsSessions()


def _tls_target(env: Mapping[str, str]) -> tuple[str, int, str] | None:
    """(host, port, cert dir) of ``tcp://host:port`` with verification on, else ``None``."""
    url, cert_path = env.get("DOCKER_HOST", ""), env.get("DOCKER_CERT_PATH", "")
    if not (url.startswith("tcp://") and env.get("DOCKER_TLS_VERIFY") and cert_path):
        return None
    try:
        parts = hosturl.split(url)
    except ValueError:
        return None
    return (parts.host, parts.port, cert_path.rstrip("/")) if parts.host and parts.port \
        else None


def _warm(kept: TlsSessions, host: str, port: int, cert_path: str) -> None:
    try:
        ctx = kept.context(cert_path, verify=True, client_pair=True)
        name = host.encode("ascii") if host.isascii() else host  # no idna codec import
        with socket.create_connection((name, port), timeout=WARM_TIMEOUT) as raw:  # type: ignore[arg-type]
            raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with wrap(kept, ctx, raw, host, port) as conn:
                conn.sendall(b"GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n")
                if conn.recv(1024).startswith(b"HTTP/"):  # the ticket came with the answer
                    kept.keep(ctx, host, port, conn)
    except Exception:
        return  # a guess: the probes find out what is wrong, and word it
