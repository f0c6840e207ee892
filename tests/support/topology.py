"""GitLab-CI-shaped job + ``docker:dind`` service containers on a private outer dockerd.

Layout (one :class:`Topology` per test, on one :class:`OuterEngine` per session)::

    outer dockerd (tests.support.dockerd.Dockerd, --iptables=false --bridge=none)
    └─ network ddt-<id>   --internal, bridge without IPv4 (no host route, no gateway)
       ├─ ddt-<id>-dns      host Python running assets/nxdns.py: NXDOMAIN for everything
       ├─ ddt-<id>-service  alias "docker": assets/dockerd-entrypoint.sh -> inner dockerd
       │                    (near-privileged by default; /var/lib/docker on a volume)
       └─ ddt-<id>-job      your command, your env; /certs/client shared with the service

Every container gets ``--dns <nxdns ip>`` so Docker's embedded DNS (127.0.0.11)
resolves aliases and forwards nothing off the machine. Images come from
``docker import`` of a busybox-static root filesystem; host binaries
(dockerd, containerd*, runc, docker-init, openssl, iptables, the docker CLI) and
``/lib``, ``/lib64``, ``/usr/lib``, ``/etc/ssl`` are bind-mounted read-only. The
job container also gets the host Python prefix and the repository (with its
``.venv``) read-only at the same paths, so ``<repo>/.venv/bin/dind-doctor`` runs in it.

Inner dockerd specifics (dockerd 20.10, like ``docker:20.10-dind``):

* TLS mode listens on ``tcp://0.0.0.0:2376`` with ``--tlsverify`` and writes
  ``/certs/{ca,server,client}``; plain mode listens on 2375 and -- exactly like the
  real image -- waits ~15 s before opening the port unless ``--tls=false`` is in
  ``command`` (the :data:`SCENARIOS` presets add it where the delay is not the
  point).
* It keeps its default ``--iptables=true`` and programs iptables inside the
  service's own network namespace only (host firewall untouched). That is what
  makes an unprivileged service die like real dind: ``iptables ... Permission
  denied (you must be root)``. ``ServiceSpec(inner_iptables=False)`` instead
  reproduces the "unprivileged falls back to vfs and runs" variant.

Other layouts the presets build:

* **Kubernetes executor pod** (``ServiceSpec(kubernetes=True)``): the job joins the
  service's network namespace (``--network container:<service>``, one pod network);
  the service aliases are ``/etc/hosts`` entries for 127.0.0.1 (``hostAliases``);
  the job has no ``/.dockerenv``, the ``KUBERNETES_*`` variables and a
  service-account directory, and its image entrypoint does not run.
* **Socket on a shared volume** (``ServiceSpec(shared_dirs=...)``): like runner
  ``volumes = ["/runner/services/docker"]``, the same volume in service and job.
* **Hosts-file alias** (``Scenario(hosts_alias="docker")``): no network alias; the
  job reaches the service through an ``/etc/hosts`` entry (legacy links, extra_hosts).
* **Proxy** (:data:`PROXY_ENV`): proxies at a name that never resolves, given to job
  and service alike (GitLab passes job variables to services).
* **MTU** (``Topology(mtu=1400)`` / ``Scenario(network_mtu=1400)``): a per-build
  network with ``com.docker.network.driver.mtu``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import itertools
import os
import re
import shutil
import subprocess
import sys
import tarfile
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from .dockerd import Dockerd, make_client

__all__ = [
    "KUBERNETES_ENV",
    "LABEL",
    "NO_PROXY_ENV",
    "PLAIN_ENV",
    "PROXY_ENV",
    "SCENARIOS",
    "SERVICE_ACCOUNT_DIR",
    "SOCKET_DIR",
    "SOCKET_ENV",
    "TLS_ENV",
    "JobHandle",
    "JobResult",
    "OuterEngine",
    "Scenario",
    "Service",
    "ServiceDied",
    "ServiceSpec",
    "Topology",
    "host_python_prefix",
    "repo_root",
]

LABEL = "dind-doctor-test"
ASSETS = Path(__file__).with_name("assets")
IMAGE_REPO = "dind-doctor-test/busybox"

NEAR_PRIVILEGED = {
    "cap_add": ["ALL"],
    "cap_drop": ["SYS_RESOURCE"],
    "security_opt": ["seccomp=unconfined", "apparmor=unconfined"],
}

DOCKER_ENTRYPOINT = "/usr/local/bin/docker-entrypoint.sh"
DEFAULT_JOB_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def repo_root() -> Path:
    """The repository this harness lives in (``tests/support/../..``)."""
    return Path(__file__).resolve().parents[2]


def host_python_prefix() -> Path:
    """Prefix of the base interpreter (e.g. ``/root/.pyenv/versions/3.11.7``)."""
    return Path(sys.base_prefix).resolve()


def _which(name: str) -> str | None:
    path = shutil.which(name, path=DEFAULT_JOB_PATH)
    return os.path.realpath(path) if path else None


# --------------------------------------------------------------------------- #
# Image
# --------------------------------------------------------------------------- #


def _busybox_rootfs_tar() -> tuple[bytes, str]:
    busybox = _which("busybox")
    if busybox is None:
        raise RuntimeError("busybox (busybox-static) not found")
    applets = subprocess.run(
        [busybox, "--list"], capture_output=True, text=True, check=True, timeout=30
    ).stdout.split()
    buf = io.BytesIO()
    digest = hashlib.sha256()

    def add_dir(tf: tarfile.TarFile, name: str, mode: int = 0o755) -> None:
        ti = tarfile.TarInfo(name)
        ti.type = tarfile.DIRTYPE
        ti.mode = mode
        tf.addfile(ti)

    def add_file(tf: tarfile.TarFile, name: str, data: bytes, mode: int = 0o644) -> None:
        ti = tarfile.TarInfo(name)
        ti.size = len(data)
        ti.mode = mode
        tf.addfile(ti, io.BytesIO(data))
        digest.update(name.encode() + hashlib.sha256(data).digest())

    with tarfile.open(fileobj=buf, mode="w") as tf:
        for d in (
            "bin", "sbin", "etc", "etc/ssl", "dev", "proc", "sys", "run", "var", "var/run",
            "var/lib", "var/lib/docker", "root", "home", "lib", "lib64", "usr", "usr/bin",
            "usr/sbin", "usr/lib", "usr/local", "usr/local/bin", "usr/local/lib",
            "usr/local/sbin", "certs", "builds",
        ):  # fmt: skip
            add_dir(tf, d)
        add_dir(tf, "tmp", 0o1777)
        add_dir(tf, "certs/client", 0o1777)
        add_file(tf, "bin/busybox", Path(busybox).read_bytes(), 0o755)
        for applet in applets:
            if applet == "busybox":
                continue
            ti = tarfile.TarInfo(f"bin/{applet}")
            ti.type = tarfile.SYMTYPE
            ti.linkname = "busybox"
            tf.addfile(ti)
        add_file(tf, "etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n")
        add_file(tf, "etc/group", b"root:x:0:\n")
        for asset, dest, mode in (
            ("dockerd-entrypoint.sh", "usr/local/bin/dockerd-entrypoint.sh", 0o755),
            # not in /usr/local/bin: only jobs that ask for the docker image's entrypoint
            # (docker_entrypoint=True) get it there, like a docker:* job image
            ("docker-entrypoint.sh", "opt/ddt/docker-entrypoint.sh", 0o755),
            ("nxdns.py", "usr/local/lib/nxdns.py", 0o644),
        ):
            add_file(tf, dest, (ASSETS / asset).read_bytes(), mode)
    return buf.getvalue(), digest.hexdigest()[:12]


# --------------------------------------------------------------------------- #
# Outer engine
# --------------------------------------------------------------------------- #


class OuterEngine:
    """The docker engine that hosts topologies (wraps a started :class:`Dockerd`).

    ``ensure_image()`` imports the busybox image once. ``close()`` removes every
    container / network / volume labelled :data:`LABEL` (not the dockerd: the
    caller owns it).
    """

    def __init__(self, dockerd: Dockerd):
        self.dockerd = dockerd
        self.client = make_client(dockerd.unix_url, timeout=120)
        self._image: str | None = None
        self._lock = threading.Lock()
        self.python_prefix = host_python_prefix()
        self.python = self._python_binary()
        self.repo = repo_root()
        self.venv = self._venv()

    def _python_binary(self) -> str:
        v = sys.version_info
        for cand in (f"bin/python{v.major}.{v.minor}", f"bin/python{v.major}", "bin/python"):
            p = self.python_prefix / cand
            if p.exists():
                return str(p)
        return str(Path(sys._base_executable).resolve())  # type: ignore[attr-defined]

    def _venv(self) -> Path:
        prefix = Path(sys.prefix).resolve()
        if prefix != self.python_prefix and (prefix / "pyvenv.cfg").exists():
            return prefix
        return self.repo / ".venv"

    @property
    def image(self) -> str:
        return self.ensure_image()

    def ensure_image(self) -> str:
        with self._lock:
            if self._image is None:
                data, tag = _busybox_rootfs_tar()
                name = f"{IMAGE_REPO}:{tag}"
                try:
                    self.client.images.get(name)
                except Exception:
                    self.client.api.import_image_from_data(data, repository=IMAGE_REPO, tag=tag)
                    self.client.images.get(name)
                self._image = name
            return self._image

    def host_mounts(self, *, daemon: bool) -> list[str]:
        """Read-only bind mounts (``docker -v`` syntax) for host libraries and binaries."""
        mounts: dict[str, str] = {}
        for d in ("/lib", "/lib64", "/usr/lib", "/etc/ssl"):
            if os.path.exists(d):
                mounts[d] = d
        tools = ["openssl"]
        if daemon:
            tools += ["dockerd", "runc", "docker-init"]
            for p in sorted(Path("/usr/bin").glob("containerd*")) + sorted(
                Path("/usr/local/bin").glob("containerd*")
            ):
                mounts.setdefault(f"/usr/bin/{p.name}", str(p.resolve()))
            ipt = _which("iptables")
            if ipt:
                mounts["/usr/sbin/iptables"] = ipt
        for tool in tools:
            real = _which(tool)
            if real:
                mounts[f"/usr/bin/{tool}"] = real
        cli = _which("docker")
        if cli:
            mounts["/usr/local/bin/docker"] = cli
        return [f"{src}:{dst}:ro" for dst, src in mounts.items()]

    def python_mounts(self) -> list[str]:
        out = [f"{self.python_prefix}:{self.python_prefix}:ro", f"{self.repo}:{self.repo}:ro"]
        if not str(self.venv).startswith(str(self.repo) + "/"):
            out.append(f"{self.venv}:{self.venv}:ro")
        return out

    def topology(self, **kwargs) -> Topology:
        return Topology(self, **kwargs)

    def close(self) -> None:
        """Remove all labelled containers, networks and volumes."""
        flt = {"label": LABEL}
        with contextlib.suppress(Exception):
            for c in self.client.containers.list(all=True, filters=flt):
                with contextlib.suppress(Exception):
                    c.remove(force=True, v=True)
        with contextlib.suppress(Exception):
            for n in self.client.networks.list(filters=flt):
                with contextlib.suppress(Exception):
                    n.remove()
        with contextlib.suppress(Exception):
            for v in self.client.volumes.list(filters=flt):
                with contextlib.suppress(Exception):
                    v.remove(force=True)
        with contextlib.suppress(Exception):
            self.client.close()


# --------------------------------------------------------------------------- #
# Service
# --------------------------------------------------------------------------- #


class ServiceDied(RuntimeError):
    """The service container exited before its dockerd was ready."""

    def __init__(self, message: str, exit_code: int | None, logs: str):
        super().__init__(f"{message} (exit {exit_code})\n--- service logs ---\n{logs[-4000:]}")
        self.exit_code = exit_code
        self.logs = logs


@dataclass(frozen=True)
class ServiceSpec:
    """How to run the ``docker:dind`` stand-in.

    alias:          network alias (GitLab service alias); ``None`` = no alias at all.
    extra_aliases:  more aliases.
    tls:            ``DOCKER_TLS_CERTDIR=/certs`` (TLS on 2376) vs ``""`` (plain 2375).
    certdir:        value of ``DOCKER_TLS_CERTDIR`` when ``tls`` (default ``/certs``).
    privileged:     near-privileged (``--cap-add ALL --cap-drop SYS_RESOURCE``,
                    seccomp/apparmor unconfined); ``False`` = plain container.
    storage_driver: appended as ``--storage-driver=<x>`` (like a service ``command:``);
                    use ``env={"DOCKER_DRIVER": ...}`` for the env-var route.
    command:        GitLab service ``command:`` (entrypoint args). Leading ``-`` flags
                    keep the defaults; ``("dockerd", ...)`` replaces them entirely.
    env:            extra service environment (``DOCKER_TLS_SAN``, ``DOCKER_DRIVER``, ...).
    share_certs:    mount the topology's ``/certs/client`` volume (runner
                    ``volumes = ["/certs/client"]``); the job gets the same volume.
    inner_iptables: ``False`` appends ``--iptables=false --bridge=none``.
    key_bits:       RSA size for generated certs (real image: 4096).
    hostname:       container hostname (default: Docker's, the short id).
    kubernetes:     Kubernetes executor pod: no network alias; the aliases become
                    ``/etc/hosts`` entries for 127.0.0.1, and jobs join this
                    container's network namespace (see :meth:`Topology.start_job`).
    shared_dirs:    directories shared with every job through one volume each (runner
                    ``volumes = [...]``, Kubernetes ``empty_dir``), e.g. a socket dir.
    """

    alias: str | None = "docker"
    extra_aliases: tuple[str, ...] = ()
    tls: bool = True
    certdir: str = "/certs"
    privileged: bool = True
    storage_driver: str | None = None
    command: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    share_certs: bool = True
    inner_iptables: bool = True
    key_bits: int = 2048
    hostname: str | None = None
    kubernetes: bool = False
    shared_dirs: tuple[str, ...] = ()

    @property
    def port(self) -> int:
        return 2376 if self.tls else 2375

    def args(self) -> list[str]:
        args = list(self.command)
        if self.storage_driver:
            args.append(f"--storage-driver={self.storage_driver}")
        if not self.inner_iptables:
            args += ["--iptables=false", "--bridge=none"]
        return args

    def environment(self) -> dict[str, str]:
        env = {
            "DOCKER_TLS_CERTDIR": self.certdir if self.tls else "",
            "DIND_TEST_KEY_BITS": str(self.key_bits),
        }
        if self.kubernetes:
            env.update(KUBERNETES_ENV)
        env.update(self.env)
        return env


_LISTEN_RE = re.compile(r'msg="API listen on ([^"]+)"')


class Service:
    """A started service container (see :class:`ServiceSpec`)."""

    def __init__(self, topology: Topology, spec: ServiceSpec, container):
        self.topology = topology
        self.spec = spec
        self.container = container
        self.name: str = container.name

    # -- state
    def reload(self) -> None:
        self.container.reload()

    @property
    def status(self) -> str:
        self.container.reload()
        return self.container.status

    @property
    def exit_code(self) -> int | None:
        self.container.reload()
        if self.container.status in ("exited", "dead"):
            return self.container.attrs["State"]["ExitCode"]
        return None

    @property
    def ip(self) -> str:
        self.container.reload()
        nets = self.container.attrs["NetworkSettings"]["Networks"]
        return nets[self.topology.network_name]["IPAddress"]

    def logs(self) -> str:
        return self.container.logs(stdout=True, stderr=True).decode("utf-8", "replace")

    def listeners(self) -> list[str]:
        """Addresses dockerd reported ``API listen on`` so far."""
        return _LISTEN_RE.findall(self.logs())

    def expected_listeners(self) -> int:
        """How many ``--host`` listeners the inner dockerd will open."""
        cmd = self.spec.command
        if not cmd or cmd[0].startswith("-"):
            return 2 + sum(1 for a in cmd if a in ("-H", "--host") or a.startswith("--host="))
        n = sum(1 for a in cmd if a in ("-H", "--host") or a.startswith(("--host=", "-H=")))
        return max(n, 1)

    def wait_ready(
        self, timeout: float = 90.0, *, log_offset: int = 0, poll: float = 0.2
    ) -> Service:
        """Block until the inner dockerd completed init and opened all listeners.

        ``log_offset``: ignore that many characters of earlier logs (a restart);
        ``poll``: seconds between looks at the logs.
        Raises :class:`ServiceDied` if the container exits, ``TimeoutError`` otherwise.
        """
        deadline = time.monotonic() + timeout
        want = self.expected_listeners()
        while True:
            logs = self.logs()[log_offset:]
            if "Daemon has completed initialization" in logs and (
                len(_LISTEN_RE.findall(logs)) >= want
            ):
                return self
            self.container.reload()
            if self.container.status in ("exited", "dead"):
                raise ServiceDied(
                    f"service {self.name} exited", self.container.attrs["State"]["ExitCode"], logs
                )
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"service {self.name} not ready after {timeout:.0f}s; logs:\n{logs[-4000:]}"
                )
            time.sleep(poll)

    def restart(self, timeout: float = 90.0) -> Service:
        """Restart the container (same volumes and network) and wait until it is ready.

        Like the fresh dind of a new job: the entrypoint writes new certificates (it
        keeps the keys), dockerd starts again; returns as soon as it listens (the
        runner's health check starts the job then).
        """
        offset = len(self.logs())
        self.container.restart(timeout=5)
        return self.wait_ready(timeout, log_offset=offset, poll=0.05)

    def wait_exit(self, timeout: float = 60.0) -> int:
        """Wait for the container to exit; returns its exit code."""
        res = self.container.wait(timeout=timeout)
        return int(res["StatusCode"])

    def exec(self, cmd: str | Sequence[str], *, env: Mapping[str, str] | None = None):
        """``docker exec`` in the service -> ``(exit_code, output)``."""
        argv = ["sh", "-c", cmd] if isinstance(cmd, str) else list(cmd)
        r = self.container.exec_run(argv, environment=dict(env or {}))
        return r.exit_code, r.output.decode("utf-8", "replace")

    def read_file(self, path: str) -> bytes:
        """A file from the service container (e.g. ``/certs/server/cert.pem``)."""
        stream, _ = self.container.get_archive(path)
        data = b"".join(stream)
        with tarfile.open(fileobj=io.BytesIO(data)) as tf:
            member = tf.next()
            assert member is not None
            f = tf.extractfile(member)
            assert f is not None
            return f.read()

    def stop(self, timeout: int = 5) -> None:
        with contextlib.suppress(Exception):
            self.container.stop(timeout=timeout)


# --------------------------------------------------------------------------- #
# Job
# --------------------------------------------------------------------------- #


@dataclass
class JobResult:
    exit_code: int | None
    stdout: str
    stderr: str
    duration: float
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def json(self):
        import json

        return json.loads(self.stdout)

    def __str__(self) -> str:
        return (
            f"exit={self.exit_code} timed_out={self.timed_out} t={self.duration:.1f}s\n"
            f"--- stdout ---\n{self.stdout}\n--- stderr ---\n{self.stderr}"
        )


class JobHandle:
    """A started (not yet finished) job container."""

    def __init__(self, container, started: float):
        self.container = container
        self.started = started
        self.result: JobResult | None = None

    def wait(self, timeout: float = 120.0) -> JobResult:
        if self.result is not None:
            return self.result
        timed_out = False
        code: int | None = None
        try:
            code = int(self.container.wait(timeout=timeout)["StatusCode"])
        except Exception:  # requests ReadTimeout / ConnectionError
            timed_out = True
            with contextlib.suppress(Exception):
                self.container.kill()
            with contextlib.suppress(Exception):
                self.container.wait(timeout=10)
        duration = time.monotonic() - self.started
        out = self.container.logs(stdout=True, stderr=False).decode("utf-8", "replace")
        err = self.container.logs(stdout=False, stderr=True).decode("utf-8", "replace")
        self.result = JobResult(code, out, err, duration, timed_out)
        with contextlib.suppress(Exception):
            self.container.remove(force=True, v=True)
        return self.result

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.container.kill()


def _tar_files(files: Mapping[str, bytes | str | Path]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        dirs: set[str] = set()
        for dest, content in files.items():
            rel = dest.lstrip("/")
            parts = rel.split("/")[:-1]
            for i in range(1, len(parts) + 1):
                d = "/".join(parts[:i])
                if d not in dirs:
                    dirs.add(d)
                    ti = tarfile.TarInfo(d)
                    ti.type = tarfile.DIRTYPE
                    ti.mode = 0o755
                    tf.addfile(ti)
            if isinstance(content, Path):
                data = content.read_bytes()
            elif isinstance(content, str):
                data = content.encode()
            else:
                data = content
            ti = tarfile.TarInfo(rel)
            ti.size = len(data)
            ti.mode = 0o755 if rel.endswith(".sh") else 0o644
            tf.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


# --------------------------------------------------------------------------- #
# Topology
# --------------------------------------------------------------------------- #

_counter = itertools.count(1)


class Topology:
    """One job network with (optionally) a dind service and job containers.

    Use as a context manager or call :meth:`close`. Created by the ``topology``
    fixture (``topology()`` -> ``Topology``).
    """

    def __init__(self, engine: OuterEngine, *, name: str | None = None, mtu: int | None = None):
        self.engine = engine
        self.client = engine.client
        self.id = name or f"ddt{next(_counter)}-{uuid.uuid4().hex[:6]}"
        self.labels = {LABEL: "1", f"{LABEL}.topology": self.id}
        self.image = engine.ensure_image()
        self.network_name = self.id
        self.certs_volume = f"{self.id}-certs-client"
        self.service: Service | None = None
        self._closed = False
        self.mtu: int | None = None
        self.network = self._create_network(mtu)
        try:
            self.dns_ip = self._start_dns()
        except BaseException:
            self.close()
            raise

    def _create_network(self, mtu: int | None):
        options = {"com.docker.network.bridge.inhibit_ipv4": "true"}
        if mtu is not None:
            options["com.docker.network.driver.mtu"] = str(mtu)
        self.mtu = mtu
        return self.client.networks.create(
            self.network_name, driver="bridge", internal=True, options=options,
            labels=self.labels,
        )

    def set_network_mtu(self, mtu: int | None) -> None:
        """Recreate the (still empty) job network with another MTU (``None``: default)."""
        if mtu == self.mtu:
            return
        if self.service is not None:
            raise RuntimeError("set the network MTU before starting the service")
        with contextlib.suppress(Exception):
            self.client.containers.get(f"{self.id}-dns").remove(force=True)
        self.network.remove()
        self.network = self._create_network(mtu)
        self.dns_ip = self._start_dns()

    # -- plumbing
    @property
    def python(self) -> str:
        """Host Python interpreter path, valid inside the job container."""
        return self.engine.python

    @property
    def tool(self) -> str:
        """``<venv>/bin/dind-doctor`` path, valid inside the job container."""
        return str(self.engine.venv / "bin" / "dind-doctor")

    @property
    def venv_python(self) -> str:
        return str(self.engine.venv / "bin" / "python")

    def _start_dns(self, timeout: float = 20.0) -> str:
        c = self.client.containers.run(
            self.image,
            [self.engine.python, "-S", "-u", "/usr/local/lib/nxdns.py"],
            name=f"{self.id}-dns",
            detach=True,
            network=self.network_name,
            dns=["127.0.0.1"],
            volumes=self.engine.host_mounts(daemon=False) + self.engine.python_mounts(),
            labels=self.labels,
        )
        deadline = time.monotonic() + timeout
        while b"nxdns ready" not in c.logs():
            c.reload()
            if c.status == "exited" or time.monotonic() > deadline:
                raise RuntimeError(f"DNS container failed: {c.logs().decode(errors='replace')}")
            time.sleep(0.05)
        c.reload()
        return c.attrs["NetworkSettings"]["Networks"][self.network_name]["IPAddress"]

    def _ensure_certs_volume(self) -> None:
        try:
            self.client.volumes.get(self.certs_volume)
        except Exception:
            self.client.volumes.create(self.certs_volume, labels=self.labels)

    # -- service
    def start_service(
        self,
        spec: ServiceSpec | None = None,
        *,
        wait: bool = True,
        timeout: float = 90.0,
        **overrides,
    ) -> Service:
        """Start the dind stand-in. ``start_service(tls=False, alias=None)`` works too.

        ``wait=True`` blocks until :meth:`Service.wait_ready`; ``wait=False`` returns
        at once (race tests), call :meth:`wait_for_service_ready` later.
        """
        if self.service is not None:
            raise RuntimeError("this topology already has a service")
        spec = replace(spec or ServiceSpec(), **overrides)
        aliases = ([spec.alias] if spec.alias else []) + list(spec.extra_aliases)
        volumes = self.engine.host_mounts(daemon=True)
        volumes.append(f"{self.id}-varlib:/var/lib/docker")
        self.client.volumes.create(f"{self.id}-varlib", labels=self.labels)
        if spec.share_certs:
            self._ensure_certs_volume()
            volumes.append(f"{self.certs_volume}:{spec.certdir}/client")
        volumes += self._shared_dir_mounts(spec.shared_dirs)
        kwargs: dict = dict(NEAR_PRIVILEGED) if spec.privileged else {}
        if spec.kubernetes:  # hostAliases: every alias is the pod itself
            kwargs["extra_hosts"] = {a: "127.0.0.1" for a in aliases}
            aliases = []
        container = self.client.containers.create(
            self.image,
            spec.args(),
            entrypoint=["/usr/local/bin/dockerd-entrypoint.sh"],
            name=f"{self.id}-service",
            hostname=spec.hostname,
            environment=spec.environment(),
            volumes=volumes,
            dns=[self.dns_ip],
            labels=self.labels,
            network=self.network_name,
            networking_config={
                self.network_name: self.client.api.create_endpoint_config(aliases=aliases)
            },
            **kwargs,
        )
        container.start()
        self.service = Service(self, spec, container)
        if wait:
            self.service.wait_ready(timeout)
        return self.service

    def _shared_dir_mounts(self, dirs: Sequence[str]) -> list[str]:
        """One labelled volume per directory, the same for the service and every job."""
        mounts = []
        for path in dirs:
            name = f"{self.id}-dir-" + hashlib.sha256(path.encode()).hexdigest()[:8]
            try:
                self.client.volumes.get(name)
            except Exception:
                self.client.volumes.create(name, labels=self.labels)
            mounts.append(f"{name}:{path}")
        return mounts

    def wait_for_service_ready(self, timeout: float = 90.0) -> Service:
        if self.service is None:
            raise RuntimeError("no service started")
        return self.service.wait_ready(timeout)

    # -- job
    def start_job(
        self,
        command: str | Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        mount_certs: bool | None = None,
        certs_path: str = "/certs/client",
        files: Mapping[str, bytes | str | Path] | None = None,
        volumes: Sequence[str] = (),
        docker_entrypoint: bool = False,
        privileged: bool = False,
        hostname: str | None = None,
        user: str | None = None,
        working_dir: str | None = None,
        extra_hosts: Mapping[str, str] | None = None,
        kubernetes: bool | None = None,
    ) -> JobHandle:
        """Start a job container and return at once (see :meth:`run_job`)."""
        argv = ["sh", "-c", command] if isinstance(command, str) else list(command)
        service = self.service.spec if self.service is not None else None
        if mount_certs is None:
            mount_certs = service is not None and service.share_certs
        if kubernetes is None:
            kubernetes = service is not None and service.kubernetes
        vols = self.engine.host_mounts(daemon=False) + self.engine.python_mounts()
        if mount_certs:
            self._ensure_certs_volume()
            vols.append(f"{self.certs_volume}:{certs_path}")
        vols += self._shared_dir_mounts(service.shared_dirs if service else ())
        vols += list(volumes)
        environment = {"PATH": DEFAULT_JOB_PATH, "PYTHONDONTWRITEBYTECODE": "1"}
        files = dict(files or {})
        kwargs: dict = dict(NEAR_PRIVILEGED) if privileged else {}
        if kubernetes:
            if self.service is None:
                raise RuntimeError("a Kubernetes job joins the service's pod: start it first")
            if extra_hosts or hostname:
                raise ValueError("a pod job shares the service's /etc/hosts and hostname")
            environment.update(KUBERNETES_ENV)
            files.update(service_account_files())
            # Docker writes /.dockerenv into every container; a pod has none
            argv = ["sh", "-c", 'rm -f /.dockerenv && exec "$@"', "sh", *argv]
            kwargs["network_mode"] = f"container:{self.service.name}"
        else:
            kwargs.update(network=self.network_name, dns=[self.dns_ip],
                          extra_hosts=dict(extra_hosts or {}) or None)
        environment.update(env or {})
        container = self.client.containers.create(
            self.image,
            argv,
            entrypoint=[DOCKER_ENTRYPOINT] if docker_entrypoint else None,
            name=f"{self.id}-job{next(_counter)}",
            hostname=hostname,
            environment=environment,
            volumes=vols,
            labels=self.labels,
            user=user,
            working_dir=working_dir,
            **kwargs,
        )
        if docker_entrypoint:
            files[DOCKER_ENTRYPOINT] = (ASSETS / "docker-entrypoint.sh").read_bytes()
        if files:
            container.put_archive("/", _tar_files(files))
        started = time.monotonic()
        container.start()
        return JobHandle(container, started)

    def run_job(
        self, command: str | Sequence[str], *, timeout: float = 120.0, **kwargs
    ) -> JobResult:
        """Run a job container to completion -> :class:`JobResult`.

        command:  shell string (``sh -c``) or argv list.
        env:      the job's complete environment (plus PATH, PYTHONDONTWRITEBYTECODE=1).
        mount_certs: mount the shared ``/certs/client`` volume (default: iff the
                  service shares it); ``certs_path`` changes the mount point.
        files:    ``{"/abs/path": bytes|str|Path}`` copied in before start (e.g. a
                  wrong ``ca.pem`` under ``/certs/client`` -- written into the shared
                  volume if mounted there).
        volumes:  extra ``docker -v`` strings.
        docker_entrypoint: run through the docker CLI image's docker-entrypoint.sh
                  (derives DOCKER_HOST/DOCKER_TLS_VERIFY/DOCKER_CERT_PATH).
        extra_hosts: ``{name: ip}`` written to the job's ``/etc/hosts``.
        kubernetes: run as a container of the service's pod (default: iff the service
                  is a :attr:`ServiceSpec.kubernetes` one): shared network namespace
                  and ``/etc/hosts``, ``KUBERNETES_*`` variables, a service-account
                  directory, no ``/.dockerenv``.
        Directories in the service's ``shared_dirs`` are mounted in every job.
        """
        return self.start_job(command, **kwargs).wait(timeout)

    def run_tool(self, *args: str, env: Mapping[str, str] | None = None, **kwargs) -> JobResult:
        """Run ``<venv>/bin/dind-doctor *args`` in a job container."""
        return self.run_job([self.tool, *args], env=env, **kwargs)

    def run_scenario(self, scenario: str | Scenario, command, **kwargs) -> JobResult:
        """Set up a :data:`SCENARIOS` preset (service + env) and run *command* as the job."""
        sc = SCENARIOS[scenario] if isinstance(scenario, str) else scenario
        sc.setup(self)
        return self.run_job(command, **sc.job_kwargs(self, **kwargs))

    # -- teardown
    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        flt = {"label": f"{LABEL}.topology={self.id}"}
        with contextlib.suppress(Exception):
            for c in self.client.containers.list(all=True, filters=flt):
                with contextlib.suppress(Exception):
                    c.remove(force=True, v=True)
        with contextlib.suppress(Exception):
            self.network.remove()
        with contextlib.suppress(Exception):
            for v in self.client.volumes.list(filters=flt):
                with contextlib.suppress(Exception):
                    v.remove(force=True)

    def __enter__(self) -> Topology:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# --------------------------------------------------------------------------- #
# Scenario presets
# --------------------------------------------------------------------------- #


def harness_client_files(dest: str = "/certs/client") -> dict[str, bytes]:
    """``{dest}/{ca,cert,key}.pem`` from a harness-generated dind cert set (cached)."""
    import tempfile

    from .certs import make_dind_certs

    cs = make_dind_certs(Path(tempfile.mkdtemp(prefix="ddt-clientcerts-")))
    try:
        return {
            f"{dest}/ca.pem": cs.client_ca.read_bytes(),
            f"{dest}/cert.pem": cs.client_cert.read_bytes(),
            f"{dest}/key.pem": cs.client_key.read_bytes(),
        }
    finally:
        shutil.rmtree(cs.root, ignore_errors=True)


TLS_ENV = {
    "DOCKER_HOST": "tcp://docker:2376",
    "DOCKER_TLS_VERIFY": "1",
    "DOCKER_CERT_PATH": "/certs/client",
    "DOCKER_TLS_CERTDIR": "/certs",
}
PLAIN_ENV = {"DOCKER_HOST": "tcp://docker:2375", "DOCKER_TLS_CERTDIR": ""}
SOCKET_DIR = "/runner/services/docker"
SOCKET_ENV = {"DOCKER_HOST": f"unix://{SOCKET_DIR}/docker.sock"}

#: What a pod's containers get from Kubernetes (the API address is never dialled:
#: the pod network is internal and has no route to it).
KUBERNETES_ENV = {
    "KUBERNETES_SERVICE_HOST": "10.96.0.1",
    "KUBERNETES_SERVICE_PORT": "443",
    "KUBERNETES_SERVICE_PORT_HTTPS": "443",
    "KUBERNETES_PORT": "tcp://10.96.0.1:443",
    "KUBERNETES_PORT_443_TCP": "tcp://10.96.0.1:443",
    "KUBERNETES_PORT_443_TCP_ADDR": "10.96.0.1",
    "KUBERNETES_PORT_443_TCP_PORT": "443",
    "KUBERNETES_PORT_443_TCP_PROTO": "tcp",
}
SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"

#: A proxy whose name never resolves (the topology DNS answers NXDOMAIN): any request
#: that goes through it fails, none leaves the machine.
PROXY_URL = "http://proxy.corp.invalid:3128"
PROXY_ENV = {
    name: PROXY_URL for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")
}
NO_PROXY_ENV = {"NO_PROXY": "docker"}


def service_account_files() -> dict[str, bytes]:
    """The projected service-account volume of a pod (dummy token, never used)."""
    return {
        f"{SERVICE_ACCOUNT_DIR}/namespace": b"gitlab-runner",
        f"{SERVICE_ACCOUNT_DIR}/token": b"test-token-not-a-secret",
        f"{SERVICE_ACCOUNT_DIR}/ca.crt": b"",
    }


@dataclass(frozen=True)
class Scenario:
    """A service spec (or none) plus the job environment GitLab would produce.

    ``wait``: block until the service's dockerd is ready (``False`` for services
    that are expected to die; then setup waits for the exit instead).
    ``network_mtu``: the job network's MTU (a per-build network with ``network_mtu``).
    ``hosts_alias``: the job gets ``/etc/hosts`` ``<alias> -> service IP``.
    ``docker_entrypoint``: the job runs through the docker image's entrypoint.
    """

    service: ServiceSpec | None
    env: Mapping[str, str]
    wait: bool = True
    client_certs: bool = False
    description: str = ""
    network_mtu: int | None = None
    hosts_alias: str | None = None
    docker_entrypoint: bool = False

    def setup(self, topo: Topology) -> dict[str, str]:
        topo.set_network_mtu(self.network_mtu)
        if self.service is not None:
            topo.start_service(self.service, wait=self.wait)
            if not self.wait and topo.service is not None:
                with contextlib.suppress(Exception):
                    topo.service.wait_exit(timeout=60)
        return dict(self.env)

    def job_kwargs(self, topo: Topology, **kwargs) -> dict:
        """:meth:`Topology.start_job` arguments for a job of this scenario (after setup);
        ``env``/``files``/``extra_hosts`` in *kwargs* are merged over the scenario's."""
        env = {**self.env, **(kwargs.pop("env", None) or {})}
        files = {**self.job_files(), **(kwargs.pop("files", None) or {})}
        hosts = dict(kwargs.pop("extra_hosts", None) or {})
        if self.hosts_alias and topo.service is not None:
            hosts.setdefault(self.hosts_alias, topo.service.ip)
        kwargs.setdefault("docker_entrypoint", self.docker_entrypoint)
        return {"env": env, "files": files or None, "extra_hosts": hosts or None, **kwargs}

    def job_files(self) -> dict[str, bytes]:
        """Files to put into the job (``client_certs``: harness client certs)."""
        if not self.client_certs:
            return {}
        return harness_client_files()


SCENARIOS: dict[str, Scenario] = {
    "healthy_tls": Scenario(ServiceSpec(), TLS_ENV, description="dind TLS on 2376, certs shared"),
    "healthy_tls_entrypoint": Scenario(
        ServiceSpec(),
        {"DOCKER_TLS_CERTDIR": "/certs"},
        docker_entrypoint=True,
        description="the documented default: only DOCKER_TLS_CERTDIR; the docker image "
        "entrypoint derives DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH",
    ),
    "healthy_plain": Scenario(
        ServiceSpec(tls=False, command=("--tls=false",)),
        PLAIN_ENV,
        description="dind plain on 2375 (--tls=false: no 15 s delay)",
    ),
    "healthy_plain_slow": Scenario(
        ServiceSpec(tls=False),
        PLAIN_ENV,
        description="dind plain on 2375 as the image does it (15 s before the port opens)",
    ),
    "tls_daemon_job_plain": Scenario(
        ServiceSpec(),
        {"DOCKER_HOST": "tcp://docker:2375", "DOCKER_TLS_CERTDIR": "/certs"},
        description="daemon TLS-only on 2376, job dials 2375 plain: connection refused",
    ),
    "tls_daemon_job_plain_2376": Scenario(
        ServiceSpec(),
        {"DOCKER_HOST": "tcp://docker:2376", "DOCKER_TLS_CERTDIR": "/certs"},
        description="job speaks plain HTTP to the TLS port",
    ),
    "plain_daemon_job_tls": Scenario(
        ServiceSpec(tls=False, command=("--tls=false",), share_certs=False),
        {
            "DOCKER_HOST": "tcp://docker:2375",
            "DOCKER_TLS_VERIFY": "1",
            "DOCKER_CERT_PATH": "/certs/client",
            "DOCKER_TLS_CERTDIR": "/certs",
        },
        client_certs=True,
        description="plain daemon on 2375; the job has (stale) client certs in /certs/client "
        "and DOCKER_TLS_VERIFY=1, so it speaks TLS to a plain port",
    ),
    "certs_not_shared": Scenario(
        ServiceSpec(share_certs=False),
        TLS_ENV,
        description="TLS daemon, /certs/client not a shared volume: job's dir is empty",
    ),
    "no_alias": Scenario(
        ServiceSpec(alias=None),
        TLS_ENV,
        description="service runs but has no 'docker' alias: name does not resolve",
    ),
    "no_service": Scenario(
        None,
        {"DOCKER_HOST": "tcp://docker:2375", "DOCKER_TLS_CERTDIR": "/certs"},
        description="no dind service at all (env as the CLI image entrypoint derives it)",
    ),
    "vfs": Scenario(ServiceSpec(storage_driver="vfs"), TLS_ENV, description="inner dockerd on vfs"),
    "unprivileged": Scenario(
        ServiceSpec(privileged=False),
        TLS_ENV,
        wait=False,
        description="service without privileges: inner dockerd dies (iptables permission)",
    ),
    "unprivileged_vfs_fallback": Scenario(
        ServiceSpec(privileged=False, inner_iptables=False),
        TLS_ENV,
        description="unprivileged, iptables off: overlay2 mount fails, dockerd falls back to vfs",
    ),
    "socket_volume": Scenario(
        ServiceSpec(share_certs=False, shared_dirs=(SOCKET_DIR,), env=SOCKET_ENV),
        SOCKET_ENV,
        description="dind's socket on a runner volume shared with the job; the same "
        "unix:// DOCKER_HOST for both (TLS stays on for 2376)",
    ),
    "socket_not_shared": Scenario(
        ServiceSpec(share_certs=False, env=SOCKET_ENV),
        SOCKET_ENV,
        wait=False,
        description="the socket pattern without the runner volume: dind cannot create its "
        "socket (no such directory) and exits; the job has no socket either",
    ),
    "hosts_alias": Scenario(
        ServiceSpec(alias=None),
        TLS_ENV,
        hosts_alias="docker",
        description="no network alias: the job reaches dind through /etc/hosts (links)",
    ),
    "k8s_tls": Scenario(
        ServiceSpec(kubernetes=True),
        TLS_ENV,
        description="Kubernetes pod: hostAlias docker -> 127.0.0.1, emptyDir /certs/client, "
        "the four DOCKER_* variables",
    ),
    "k8s_plain": Scenario(
        ServiceSpec(kubernetes=True, tls=False, command=("--tls=false",), share_certs=False),
        PLAIN_ENV,
        description="Kubernetes pod, TLS off: tcp://docker:2375",
    ),
    "k8s_tls_vars_missing": Scenario(
        ServiceSpec(kubernetes=True),
        {"DOCKER_TLS_CERTDIR": "/certs"},
        description="Kubernetes pod, TLS dind, only DOCKER_TLS_CERTDIR: no image entrypoint "
        "derives DOCKER_HOST, the client falls back to the missing unix socket",
    ),
    "k8s_tls_verify_missing": Scenario(
        ServiceSpec(kubernetes=True),
        {"DOCKER_HOST": "tcp://docker:2376", "DOCKER_TLS_CERTDIR": "/certs"},
        description="Kubernetes pod, DOCKER_HOST on 2376 without DOCKER_TLS_VERIFY and "
        "DOCKER_CERT_PATH: plain HTTP to the TLS port",
    ),
    "k8s_no_emptydir": Scenario(
        ServiceSpec(kubernetes=True, share_certs=False),
        TLS_ENV,
        description="Kubernetes pod, TLS variables set, no emptyDir at /certs/client",
    ),
    "proxy_no_proxy": Scenario(
        ServiceSpec(env={**PROXY_ENV, **NO_PROXY_ENV}),
        {**TLS_ENV, **PROXY_ENV, **NO_PROXY_ENV},
        description="job and service behind a proxy, NO_PROXY=docker",
    ),
    "proxy_without_no_proxy": Scenario(
        ServiceSpec(env=PROXY_ENV),
        {**TLS_ENV, **PROXY_ENV},
        description="job and service behind a proxy, no NO_PROXY: the client sends its "
        "daemon requests to the (unresolvable) proxy",
    ),
    "mtu_matched": Scenario(
        ServiceSpec(command=("--mtu=1400",)),
        TLS_ENV,
        network_mtu=1400,
        description="per-build network with MTU 1400, dind started with --mtu=1400",
    ),
    "mtu_unmatched": Scenario(
        ServiceSpec(),
        TLS_ENV,
        network_mtu=1400,
        description="per-build network with MTU 1400, dind bridge left at 1500",
    ),
}
