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
    "LABEL",
    "SCENARIOS",
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

    def wait_ready(self, timeout: float = 90.0) -> Service:
        """Block until the inner dockerd completed init and opened all listeners.

        Raises :class:`ServiceDied` if the container exits, ``TimeoutError`` otherwise.
        """
        deadline = time.monotonic() + timeout
        want = self.expected_listeners()
        while True:
            logs = self.logs()
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
            time.sleep(0.2)

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

    def __init__(self, engine: OuterEngine, *, name: str | None = None):
        self.engine = engine
        self.client = engine.client
        self.id = name or f"ddt{next(_counter)}-{uuid.uuid4().hex[:6]}"
        self.labels = {LABEL: "1", f"{LABEL}.topology": self.id}
        self.image = engine.ensure_image()
        self.network_name = self.id
        self.certs_volume = f"{self.id}-certs-client"
        self.service: Service | None = None
        self._closed = False
        self.network = self.client.networks.create(
            self.network_name,
            driver="bridge",
            internal=True,
            options={"com.docker.network.bridge.inhibit_ipv4": "true"},
            labels=self.labels,
        )
        try:
            self.dns_ip = self._start_dns()
        except BaseException:
            self.close()
            raise

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
        kwargs = NEAR_PRIVILEGED if spec.privileged else {}
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
    ) -> JobHandle:
        """Start a job container and return at once (see :meth:`run_job`)."""
        argv = ["sh", "-c", command] if isinstance(command, str) else list(command)
        if mount_certs is None:
            mount_certs = self.service is not None and self.service.spec.share_certs
        vols = self.engine.host_mounts(daemon=False) + self.engine.python_mounts()
        if mount_certs:
            self._ensure_certs_volume()
            vols.append(f"{self.certs_volume}:{certs_path}")
        vols += list(volumes)
        environment = {"PATH": DEFAULT_JOB_PATH, "PYTHONDONTWRITEBYTECODE": "1"}
        environment.update(env or {})
        kwargs = NEAR_PRIVILEGED if privileged else {}
        container = self.client.containers.create(
            self.image,
            argv,
            entrypoint=[DOCKER_ENTRYPOINT] if docker_entrypoint else None,
            name=f"{self.id}-job{next(_counter)}",
            hostname=hostname,
            environment=environment,
            volumes=vols,
            dns=[self.dns_ip],
            labels=self.labels,
            network=self.network_name,
            user=user,
            working_dir=working_dir,
            **kwargs,
        )
        files = dict(files or {})
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
        """
        return self.start_job(command, **kwargs).wait(timeout)

    def run_tool(self, *args: str, env: Mapping[str, str] | None = None, **kwargs) -> JobResult:
        """Run ``<venv>/bin/dind-doctor *args`` in a job container."""
        return self.run_job([self.tool, *args], env=env, **kwargs)

    def run_scenario(self, scenario: str | Scenario, command, **kwargs) -> JobResult:
        """Set up a :data:`SCENARIOS` preset (service + env) and run *command* as the job."""
        sc = SCENARIOS[scenario] if isinstance(scenario, str) else scenario
        env = sc.setup(self)
        env.update(kwargs.pop("env", None) or {})
        files = {**sc.job_files(), **(kwargs.pop("files", None) or {})}
        return self.run_job(command, env=env, files=files or None, **kwargs)

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


@dataclass(frozen=True)
class Scenario:
    """A service spec (or none) plus the job environment GitLab would produce.

    ``wait``: block until the service's dockerd is ready (``False`` for services
    that are expected to die; then setup waits for the exit instead).
    """

    service: ServiceSpec | None
    env: Mapping[str, str]
    wait: bool = True
    client_certs: bool = False
    description: str = ""

    def setup(self, topo: Topology) -> dict[str, str]:
        if self.service is not None:
            topo.start_service(self.service, wait=self.wait)
            if not self.wait and topo.service is not None:
                with contextlib.suppress(Exception):
                    topo.service.wait_exit(timeout=60)
        return dict(self.env)

    def job_files(self) -> dict[str, bytes]:
        """Files to put into the job (``client_certs``: harness client certs)."""
        if not self.client_certs:
            return {}
        return harness_client_files()


SCENARIOS: dict[str, Scenario] = {
    "healthy_tls": Scenario(ServiceSpec(), TLS_ENV, description="dind TLS on 2376, certs shared"),
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
}
