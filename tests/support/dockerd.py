"""Launch private host dockerd instances for tests, plus fake TCP endpoints.

A :class:`Dockerd` owns everything it touches: one temp dir (``/tmp/ddoc-XXXX``)
holding ``data/`` (``--data-root``), ``exec/`` (``--exec-root``), ``dockerd.pid``,
``docker.sock`` and ``dockerd.log``. It always passes ``--iptables=false
--bridge=none`` so the host firewall and the host's bridges stay untouched, and it
never inherits ``DOCKER_*`` variables from the test process.

Stopping sends SIGTERM to the process group it created (SIGKILL after a
timeout), then kills only leftovers whose command line names its own temp dir
(its containerd and shims), lazily unmounts anything still mounted below the dir
and deletes it.

Fake endpoints: :class:`BlackHole` (accepts, never answers) and
:class:`GarbageServer` (answers fixed bytes, e.g. non-HTTP or a non-Docker HTTP
server).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from .certs import CertSet

__all__ = [
    "HTTP_NOT_DOCKER",
    "BlackHole",
    "Dockerd",
    "DockerdStartError",
    "GarbageServer",
    "dockerd_unavailable_reason",
    "free_port",
    "http_get_unix",
    "make_client",
]

# Variables that change what a docker client / requests does; never leak them into
# dockerd or the harness's own clients.
CLIENT_ENV_VARS = (
    "DOCKER_HOST",
    "DOCKER_TLS_VERIFY",
    "DOCKER_CERT_PATH",
    "DOCKER_CONTEXT",
    "DOCKER_CONFIG",
    "DOCKER_TLS",
    "DOCKER_DRIVER",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
)

_live: set[Dockerd] = set()


@atexit.register
def _stop_all_at_exit() -> None:
    for d in list(_live):
        with contextlib.suppress(Exception):
            d.stop(timeout=10)


CLEAN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
UNIX_PATH_MAX = 107


class DockerdStartError(RuntimeError):
    """dockerd did not become ready; ``.log_tail`` holds the end of its log."""

    def __init__(self, message: str, log_tail: str = ""):
        text = f"{message}\n--- dockerd log tail ---\n{log_tail}" if log_tail else message
        super().__init__(text)
        self.reason = message
        self.log_tail = log_tail


def dockerd_unavailable_reason() -> str | None:
    """``None`` if a private dockerd can be attempted here, else why not."""
    if os.geteuid() != 0:
        return f"dockerd tests need root (running as uid {os.geteuid()})"
    for binary in ("dockerd", "containerd", "runc"):
        if shutil.which(binary, path=CLEAN_PATH) is None:
            return f"{binary} not found in {CLEAN_PATH}"
    return None


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago on *host*."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def http_get_unix(sock_path: str | os.PathLike, path: str = "/_ping", timeout: float = 2.0):
    """Minimal HTTP/1.0 GET over a unix socket -> ``(status, body)``; raises OSError."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(os.fspath(sock_path))
        s.sendall(f"GET {path} HTTP/1.0\r\nHost: docker\r\n\r\n".encode())
        chunks = []
        while True:
            data = s.recv(65536)
            if not data:
                break
            chunks.append(data)
    raw = b"".join(chunks)
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line = head.split(b"\r\n", 1)[0].decode("latin-1")
    parts = status_line.split()
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    return status, body


def make_client(base_url: str, *, tls=False, timeout: float = 30, version: str = "1.41"):
    """``docker.DockerClient`` that ignores the process environment.

    ``trust_env=False`` stops requests from swapping the CA for
    ``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE`` and from using proxies.
    A fixed API *version* avoids a ``/version`` round trip at construction.
    """
    import docker

    client = docker.DockerClient(base_url=base_url, tls=tls, timeout=timeout, version=version)
    client.api.trust_env = False
    return client


def _tcp_accepts(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # zombie?
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _pids_mentioning(marker: str) -> list[int]:
    """Pids whose cmdline contains *marker* (our unique temp dir)."""
    out = []
    me = os.getpid()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == me:
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if marker in cmd:
            out.append(int(entry))
    return out


def _mounts_below(root: str) -> list[str]:
    mounts = []
    try:
        with open("/proc/self/mountinfo") as f:
            for line in f:
                mp = line.split()[4].replace("\\040", " ")
                if mp == root or mp.startswith(root.rstrip("/") + "/"):
                    mounts.append(mp)
    except OSError:
        pass
    return sorted(mounts, key=len, reverse=True)


def _cleanup_dir(root: Path) -> None:
    for mp in _mounts_below(str(root)):
        subprocess.run(["umount", "-l", mp], capture_output=True, timeout=30, check=False)
    shutil.rmtree(root, ignore_errors=True)


class Dockerd:
    """A private dockerd on the host.

    Parameters
    ----------
    tcp:
        ``None`` (unix socket only), ``"plain"`` (``-H tcp://127.0.0.1:<port>``,
        no TLS) or ``"tls"`` (same plus ``--tlsverify`` with *certs*' server side).
    certs:
        :class:`~tests.support.certs.CertSet` for ``tcp="tls"``.
    storage_driver:
        e.g. ``"vfs"``; ``None`` lets dockerd choose (overlay2 here).
    tcp_host:
        Bind address for TCP (loopback by default: no 15 s insecure-bind delay).
    extra_args:
        Appended verbatim (e.g. ``["--tls=false"]``).
    env:
        Extra environment for dockerd (e.g. ``{"DOCKER_DRIVER": "vfs"}``).
    """

    def __init__(
        self,
        *,
        tcp: str | None = None,
        certs: CertSet | None = None,
        storage_driver: str | None = None,
        tcp_host: str = "127.0.0.1",
        tcp_port: int | None = None,
        extra_args: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        name: str = "dockerd",
    ):
        if tcp not in (None, "plain", "tls"):
            raise ValueError(f"tcp must be None, 'plain' or 'tls', not {tcp!r}")
        if tcp == "tls" and certs is None:
            raise ValueError("tcp='tls' needs certs=")
        self.name = name
        self.tcp_mode = tcp
        self.certs = certs
        self.storage_driver = storage_driver
        self.tcp_host = tcp_host
        self.tcp_port: int | None = (tcp_port or free_port(tcp_host)) if tcp else None
        self.extra_args = list(extra_args)
        self.extra_env = dict(env or {})
        self.workdir: Path | None = None
        self.proc: subprocess.Popen | None = None
        self.start_seconds: float | None = None
        self._log_file = None

    # ------------------------------------------------------------------ paths
    def _need_workdir(self) -> Path:
        if self.workdir is None:
            raise RuntimeError("dockerd not started")
        return self.workdir

    @property
    def unix_socket(self) -> Path:
        return self._need_workdir() / "docker.sock"

    @property
    def unix_url(self) -> str:
        return f"unix://{self.unix_socket}"

    @property
    def tcp_url(self) -> str | None:
        return f"tcp://{self.tcp_host}:{self.tcp_port}" if self.tcp_port else None

    @property
    def log_path(self) -> Path:
        return self._need_workdir() / "dockerd.log"

    @property
    def data_root(self) -> Path:
        return self._need_workdir() / "data"

    @property
    def exec_root(self) -> Path:
        return self._need_workdir() / "exec"

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def args(self) -> list[str]:
        wd = self._need_workdir()
        args = [
            shutil.which("dockerd", path=CLEAN_PATH) or "dockerd",
            f"--data-root={wd / 'data'}",
            f"--exec-root={wd / 'exec'}",
            f"--pidfile={wd / 'dockerd.pid'}",
            f"--host=unix://{wd / 'docker.sock'}",
            "--iptables=false",
            "--ip6tables=false",
            "--bridge=none",
            "--shutdown-timeout=3",
        ]
        if self.tcp_mode:
            args.append(f"--host=tcp://{self.tcp_host}:{self.tcp_port}")
        if self.tcp_mode == "tls":
            assert self.certs is not None
            args += self.certs.dockerd_tls_args()
        if self.storage_driver:
            args.append(f"--storage-driver={self.storage_driver}")
        return args + self.extra_args

    # -------------------------------------------------------------- lifecycle
    def start(self, timeout: float = 60.0) -> Dockerd:
        if self.proc is not None:
            raise RuntimeError("already started")
        if reason := dockerd_unavailable_reason():
            raise DockerdStartError(reason)
        self.workdir = Path(tempfile.mkdtemp(prefix="ddoc-", dir="/tmp"))
        if len(str(self.exec_root / "containerd" / "containerd.sock.ttrpc")) > UNIX_PATH_MAX:
            raise DockerdStartError(f"temp dir path too long for unix sockets: {self.workdir}")
        env = {"PATH": CLEAN_PATH, "HOME": os.environ.get("HOME", "/root"), **self.extra_env}
        _live.add(self)
        self._log_file = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        t0 = time.monotonic()
        try:
            self.proc = subprocess.Popen(
                self.args(),
                stdin=subprocess.DEVNULL,
                stdout=self._log_file,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
                cwd=self.workdir,
            )
        except OSError as e:
            self.stop()
            raise DockerdStartError(f"cannot exec dockerd: {e}") from e
        try:
            self._wait_ready(timeout)
        except BaseException:
            tail = self.log_tail()
            self.stop()
            raise DockerdStartError(f"{self.name} did not become ready", tail) from None
        self.start_seconds = time.monotonic() - t0
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        assert self.proc is not None
        while True:
            if self.proc.poll() is not None:
                raise DockerdStartError(f"{self.name} exited with {self.proc.returncode}")
            ok = False
            with contextlib.suppress(OSError, ValueError):
                status, body = http_get_unix(self.unix_socket, "/_ping", timeout=1.0)
                ok = status == 200 and body.strip() == b"OK"
            if ok and self.tcp_port:
                ok = _tcp_accepts(self.tcp_host, self.tcp_port)
            if ok:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name} not ready after {timeout:.0f}s")
            time.sleep(0.1)

    def stop(self, timeout: float = 30.0) -> None:
        """Stop dockerd (process group), its leftovers, and delete the temp dir. Idempotent."""
        proc, self.proc = self.proc, None
        if proc is not None:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        proc.wait(timeout=10)
            with contextlib.suppress(ProcessLookupError):  # stragglers in our group
                os.killpg(proc.pid, signal.SIGKILL)
        if self.workdir is not None:
            # containerd (own session) and shims, identified by our unique dir
            marker = str(self.workdir) + "/"
            leftovers = _pids_mentioning(marker)
            for pid in leftovers:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and any(_pid_alive(p) for p in leftovers):
                time.sleep(0.1)
            for pid in leftovers:
                if _pid_alive(pid):
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        if self.workdir is not None:
            self._last_log = self.log_text()
            _cleanup_dir(self.workdir)
            self.workdir = None
        _live.discard(self)

    def __enter__(self) -> Dockerd:
        if self.proc is None:
            self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    # ------------------------------------------------------------------ logs
    def log_text(self) -> str:
        if self.workdir is None:
            return getattr(self, "_last_log", "")
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    # --------------------------------------------------------------- clients
    def ping(self) -> bool:
        try:
            status, _ = http_get_unix(self.unix_socket, "/_ping")
        except (OSError, RuntimeError):
            return False
        return status == 200

    def client(self, timeout: int = 60):
        """``docker.DockerClient`` on the unix socket."""
        import docker

        client = docker.DockerClient(base_url=self.unix_url, timeout=timeout, version="auto")
        client.api.trust_env = False
        return client

    def tcp_client(self, *, tls=None, timeout: int = 30):
        """``docker.DockerClient`` on the TCP listener.

        ``tls``: ``None`` -> ``certs.tls_config()`` if this is a TLS daemon, plain
        otherwise; ``False`` -> force plain HTTP; or a ``docker.tls.TLSConfig``.
        Ignores the process environment (see :func:`make_client`).
        """
        if not self.tcp_port:
            raise RuntimeError("this dockerd has no TCP listener")
        if tls is None:
            tls = self.certs.tls_config() if self.tcp_mode == "tls" and self.certs else False
        return make_client(f"tcp://{self.tcp_host}:{self.tcp_port}", tls=tls, timeout=timeout)

    def client_env(self, *, over_tcp: bool = True) -> dict[str, str]:
        """Environment a docker client would use to reach this daemon."""
        if over_tcp and self.tcp_mode == "tls":
            assert self.certs is not None
            return self.certs.client_env(f"tcp://{self.tcp_host}:{self.tcp_port}")
        if over_tcp and self.tcp_mode == "plain":
            return {"DOCKER_HOST": f"tcp://{self.tcp_host}:{self.tcp_port}"}
        return {"DOCKER_HOST": self.unix_url}

    def __repr__(self) -> str:
        return (
            f"<Dockerd {self.name} pid={self.pid} sock={self.workdir and self.unix_socket} "
            f"tcp={self.tcp_mode}:{self.tcp_port}>"
        )


# --------------------------------------------------------------------------- #
# Fake TCP endpoints on loopback
# --------------------------------------------------------------------------- #


class _TcpStub:
    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.host = host
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, port))
        self._sock.listen(64)
        self._sock.settimeout(0.2)
        self.port: int = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._conns: list[socket.socket] = []
        self.accepted = 0
        self._thread = threading.Thread(target=self._loop, daemon=True, name=type(self).__name__)
        self._thread.start()

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                break
            self.accepted += 1
            self._handle(conn)

    def _handle(self, conn: socket.socket) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self._sock.close()
        self._thread.join(timeout=5)
        for c in self._conns:
            with contextlib.suppress(OSError):
                c.close()
        self._conns.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class BlackHole(_TcpStub):
    """Listens on 127.0.0.1, accepts every connection and never sends a byte."""

    def _handle(self, conn: socket.socket) -> None:
        self._conns.append(conn)  # keep it open, never read or write


HTTP_NOT_DOCKER = (
    b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 22\r\n"
    b"Connection: close\r\n\r\n<html>not docker</html>"
)


class GarbageServer(_TcpStub):
    """Listens on 127.0.0.1 and answers every connection with fixed bytes, then closes.

    ``payload`` defaults to non-HTTP, non-TLS junk; use :data:`HTTP_NOT_DOCKER`
    for "some other web server on that port". With ``wait_for_request=True`` it
    reads once (up to 0.5 s) before answering.
    """

    def __init__(
        self,
        payload: bytes = b"\x00\xffgarbage-not-docker\r\n\x15\x03\x01",
        *,
        wait_for_request: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
    ):
        self.payload = payload
        self.wait_for_request = wait_for_request
        super().__init__(host, port)

    def _handle(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError):
            if self.wait_for_request:
                conn.settimeout(0.5)
                with contextlib.suppress(TimeoutError):
                    conn.recv(65536)
            conn.sendall(self.payload)
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        conn.close()
