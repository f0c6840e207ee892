"""Facts: plain data of what the probes observed. Saved to a file, replayed without probing.

Probes fill these; checks read them. Nothing here does I/O except ``save``/``load``.
Every probe result carries ``duration_ms`` and, when it did not complete, ``error``
(``timed_out`` tells a timeout from other failures).
"""

from __future__ import annotations

import json
import types

from .config.filefacts import CiFileFacts, RunnerConfigFacts
from .records import asdict, field, fields, is_record, record

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (every run loads this)

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

FACTS_FORMAT = 1


@record
class PathFact:
    """One filesystem path as seen by ``lstat``/``open``."""

    path: str
    kind: str = "missing"  # missing, file, dir, socket, symlink, other, error
    size: int = 0
    mode: str = ""  # octal permission bits, e.g. "0644"
    readable: bool = False
    writable: bool = False
    mtime: float | None = None
    error: str | None = None

    @property
    def exists(self) -> bool:
        return self.kind not in ("missing", "error")


@record
class CertInfo:
    """The public parts of one X.509 certificate."""

    subject: str
    issuer: str
    serial: str
    not_before: str  # ISO 8601, UTC
    not_after: str
    sans_dns: list[str] = field(default_factory=list)
    sans_ip: list[str] = field(default_factory=list)
    is_ca: bool = False
    key_usage: list[str] = field(default_factory=list)
    extended_key_usage: list[str] = field(default_factory=list)
    fingerprint_sha256: str = ""
    self_signed: bool = False


@record
class CertFileFact:
    """A PEM file from the client cert directory (``ca.pem``, ``cert.pem``, ``key.pem``)."""

    file: PathFact
    parsed: bool = False
    parse_error: str | None = None
    cert: CertInfo | None = None  # for ca.pem and cert.pem
    key_type: str | None = None  # for key.pem: "RSA 4096", "EC secp256r1", ...


@record
class CertDirFacts:
    """The client certificate directory the endpoint would use, and how the files relate."""

    path: str
    source: str  # why this directory: DOCKER_CERT_PATH, DOCKER_TLS_CERTDIR/client, ~/.docker
    dir: PathFact
    ca: CertFileFact
    cert: CertFileFact
    key: CertFileFact
    key_matches_cert: bool | None = None
    cert_signed_by_ca: bool | None = None
    server_signed_by_ca: bool | None = None  # the live server cert, when TLS was reached


@record
class EnvFacts:
    """The job's process environment (relevant variables only, secrets redacted)."""

    vars: dict[str, str] = field(default_factory=dict)
    uid: int | None = None
    home: str = "/root"
    in_container: bool | None = None
    job_started_at: float | None = None  # epoch seconds when the job container's PID 1 started
    paths: dict[str, PathFact] = field(default_factory=dict)  # well-known paths
    interfaces_mtu: dict[str, int] = field(default_factory=dict)
    default_interface: str | None = None
    resolv_nameservers: list[str] = field(default_factory=list)
    resolv_error: str | None = None
    hosts_entries: dict[str, list[str]] = field(default_factory=dict)  # name -> addresses
    hosts_error: str | None = None
    # variables the job's PID 1 had and this shell lacks (exported by the image entrypoint
    # before it exec'd the job; a debug shell opened beside the job does not inherit them)
    from_pid1: list[str] = field(default_factory=list)


@record
class NameFacts:
    """Resolution of the endpoint host by /etc/hosts, the system resolver and DNS."""

    host: str
    is_ip: bool = False
    hosts_file: list[str] = field(default_factory=list)
    system: list[str] = field(default_factory=list)
    system_error: str | None = None
    dns: list[str] = field(default_factory=list)
    dns_error: str | None = None  # NXDOMAIN, timeout, no-nameservers, no-answer, not-asked
    dns_server: str | None = None  # which nameserver answered (or was asked last)
    duration_ms: float = 0.0

    @property
    def addresses(self) -> list[str]:
        seen: list[str] = []
        for address in [*self.hosts_file, *self.system, *self.dns]:
            if address not in seen:
                seen.append(address)
        return seen


@record
class PortFacts:
    """One TCP port on the endpoint host, and what it speaks when open."""

    host: str
    port: int
    address: str | None = None  # the IP actually dialled
    state: str = "not-probed"  # open, refused, timeout, unreachable, unresolved, error, not-probed
    error: str | None = None
    opened_after_ms: float | None = None  # open only on a retry: the daemon came up late
    attempts: int = 0
    protocol: str | None = None  # tls, http, silent, closed, other
    protocol_detail: str | None = None  # e.g. 'HTTP/1.1 200 OK, Api-Version 1.41'
    duration_ms: float = 0.0


@record
class TlsFacts:
    """A TLS handshake with the endpoint using the client's cert directory."""

    host: str
    port: int
    attempted: bool = False
    handshake_ok: bool = False
    error: str | None = None
    timed_out: bool = False
    server_cert: CertInfo | None = None
    client_cert_sent: bool = False
    client_cert_accepted: bool | None = None  # the daemon answered an HTTP request over TLS
    verify_error: str | None = None  # what a verifying client (the docker CLI) would hit
    response: str | None = None
    tls_version: str | None = None
    duration_ms: float = 0.0


@record
class SocketFacts:
    """A unix socket that may carry the Docker API."""

    path: str
    file: PathFact
    # ok, refused, permission-denied, missing, not-a-socket, timeout, error
    ping: str = "not-probed"
    api_version: str | None = None
    error: str | None = None
    duration_ms: float = 0.0


@record
class ApiFacts:
    """What the Docker API answered over the effective endpoint."""

    url: str
    attempted: bool = False
    ping_ok: bool = False
    error: str | None = None
    timed_out: bool = False
    version: dict[str, Any] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)
    bridge_mtu: int | None = None
    duration_ms: float = 0.0


@record
class ToolFact:
    """One client-side tool: where it is and what version it reports."""

    name: str
    path: str | None = None
    version: str | None = None
    api_version: str | None = None
    error: str | None = None


@record
class ToolsFacts:
    docker_cli: ToolFact = field(default_factory=lambda: ToolFact("docker"))
    compose_v1: ToolFact = field(default_factory=lambda: ToolFact("docker-compose"))
    compose_plugin: ToolFact = field(default_factory=lambda: ToolFact("docker compose"))
    plugin_dirs: list[str] = field(default_factory=list)
    duration_ms: float = 0.0


@record
class ClientFact:
    """One Docker client the job uses: a library named in a build file, or an installed tool."""

    name: str  # e.g. testcontainers-java, docker-py, dockerode, buildx
    language: str  # java, python, node, go, dotnet, cli
    version: str | None = None  # as the file or the installer says it ("1.19.8", "^10.2.1")
    source: str = ""  # the file that names it, or "installed (python 3.13.1)"


@record
class PythonFacts:
    """The job's own Python (its packages decide what docker-py and urllib3 do)."""

    executable: str
    version: str | None = None
    packages: dict[str, str] = field(default_factory=dict)  # distribution -> version
    # docker-py's own kwargs_from_env() in that Python, with the job's environment
    docker_py_base_url: str | None = None
    docker_py_tls: bool | None = None
    docker_py_verify: bool | None = None
    docker_py_ca: str | None = None
    docker_py_cert: str | None = None
    docker_py_error: str | None = None
    error: str | None = None


@record
class StrictTlsFact:
    """A second TLS handshake with the endpoint under ``ssl.VERIFY_X509_STRICT``."""

    host: str
    port: int
    ca_path: str
    default_ok: bool = False
    default_error: str | None = None
    strict_ok: bool = False
    strict_error: str | None = None


@record
class ClientsFacts:
    """Which Docker clients the job uses and what shapes how each of them connects."""

    project_dir: str | None = None
    files: list[str] = field(default_factory=list)  # build files read, relative to project_dir
    clients: list[ClientFact] = field(default_factory=list)
    python: PythonFacts | None = None
    buildx: ToolFact | None = None
    # TESTCONTAINERS_*, TC_HOST: the library's own variables (values redacted like the rest)
    env: dict[str, str] = field(default_factory=dict)
    tc_properties_path: str | None = None
    tc_properties: dict[str, str] = field(default_factory=dict)  # ~/.testcontainers.properties
    script_mentions: list[str] = field(default_factory=list)  # e.g. "buildx create" in CI file
    # the job's docker client config: registry names it holds credentials for (never the
    # credentials), and its credential store
    docker_config_path: str | None = None
    docker_config_registries: list[str] = field(default_factory=list)
    docker_config_store: str | None = None
    strict_tls: StrictTlsFact | None = None
    errors: list[str] = field(default_factory=list)
    duration_ms: float = 0.0

    def client(self, name: str) -> ClientFact | None:
        return next((c for c in self.clients if c.name == name), None)


@record
class DiskFact:
    """Free space of the filesystem holding one directory (``statvfs``)."""

    path: str
    role: str  # builds dir, project dir, docker root
    free_bytes: int | None = None
    total_bytes: int | None = None
    error: str | None = None


@record
class SocketOwnerFact:
    """Who owns a unix socket, and the socket group's members as ``/etc/group`` lists them."""

    path: str
    uid: int
    gid: int
    mode: str  # octal permission bits
    group: str | None = None
    group_members: list[str] = field(default_factory=list)


@record
class ClientConfigFact:
    """The docker client's config.json: which registries it holds credentials for (names only)."""

    path: str
    source: str  # DOCKER_CONFIG or ~/.docker
    file: PathFact
    parse_error: str | None = None
    auths: list[str] = field(default_factory=list)
    creds_store: str | None = None
    cred_helpers: list[str] = field(default_factory=list)


@record
class RegistryFacts:
    """``$CI_REGISTRY`` as the job reaches it: what it speaks, and whether the job's own CA
    store verifies it (the dind daemon verifies with its own store, not the job's)."""

    registry: str  # host[:port] as CI_REGISTRY gives it
    port: PortFacts | None = None
    verified: bool | None = None  # TLS handshake with the default CA store and hostname check
    verify_error: str | None = None
    duration_ms: float = 0.0


@record
class HostFacts:
    """The job process on its host: identity, disk space, cgroup mode, client credentials."""

    uid: int | None = None
    gid: int | None = None
    groups: list[int] = field(default_factory=list)  # supplementary gids of the process
    user: str | None = None
    socket_owners: list[SocketOwnerFact] = field(default_factory=list)
    cgroup_v2: bool | None = None  # /sys/fs/cgroup/cgroup.controllers exists
    disks: list[DiskFact] = field(default_factory=list)
    client_config: ClientConfigFact | None = None
    auth_config_registries: list[str] = field(default_factory=list)  # DOCKER_AUTH_CONFIG
    auth_config_error: str | None = None
    duration_ms: float = 0.0


@record
class ProbeError:
    """A probe that crashed or overran its timeout."""

    probe: str
    error: str
    timed_out: bool = False


@record
class Facts:
    """Everything one run observed."""

    tool_version: str
    collected_at: str  # ISO 8601 UTC; checks judge validity windows against this clock
    timeout_s: float
    env: EnvFacts = field(default_factory=EnvFacts)
    name: NameFacts | None = None
    ports: list[PortFacts] = field(default_factory=list)
    tls: TlsFacts | None = None
    certs: CertDirFacts | None = None
    sockets: list[SocketFacts] = field(default_factory=list)
    api: ApiFacts | None = None
    tools: ToolsFacts | None = None
    probe_errors: list[ProbeError] = field(default_factory=list)
    format: int = FACTS_FORMAT
    runner_config: RunnerConfigFacts | None = None
    ci_file: CiFileFacts | None = None
    host: HostFacts | None = None
    registry: RegistryFacts | None = None
    clients: ClientsFacts | None = None

    def port(self, number: int) -> PortFacts | None:
        return next((p for p in self.ports if p.port == number), None)

    def socket(self, path: str) -> SocketFacts | None:
        return next((s for s in self.sockets if s.path == path), None)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def dumps(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"

    def save(self, path: str | Path) -> None:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(self.dumps())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Facts:
        if not isinstance(data, dict):
            raise FactsFormatError("facts file must hold a JSON object")
        if data.get("format") != FACTS_FORMAT:
            raise FactsFormatError(
                f"unsupported facts format {data.get('format')!r} (expected {FACTS_FORMAT})"
            )
        try:
            facts = _build(cls, data)
        except (TypeError, KeyError, ValueError) as exc:
            raise FactsFormatError(f"facts file does not match the expected layout: {exc}") from exc
        assert isinstance(facts, cls)
        return facts

    @classmethod
    def load(cls, path: str | Path) -> Facts:
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        except OSError as exc:
            raise FactsFormatError(f"cannot read facts file {path}: {exc.strerror}") from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise FactsFormatError(f"facts file {path} is not JSON: {exc}") from exc
        return cls.from_dict(data)


class FactsFormatError(ValueError):
    """A saved facts file that cannot be replayed."""


def _build(tp: Any, value: Any) -> Any:
    """Rebuild a (possibly nested) record value from its ``asdict`` form (typing is imported
    here: only a replay needs it)."""
    import typing

    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _build(args[0], value) if len(args) == 1 else value
    if isinstance(tp, type) and is_record(tp):
        if not isinstance(value, dict):
            raise TypeError(f"{tp.__name__} expects an object, got {type(value).__name__}")
        hints = typing.get_type_hints(tp, localns={"Any": typing.Any})
        known = {f.name for f in fields(tp)}
        return tp(**{k: _build(hints[k], v) for k, v in value.items() if k in known})
    if origin is list:
        (item,) = typing.get_args(tp)
        if not isinstance(value, list):
            raise TypeError(f"expected a list, got {type(value).__name__}")
        return [_build(item, v) for v in value]
    if origin is dict:
        _, item = typing.get_args(tp)
        if not isinstance(value, dict):
            raise TypeError(f"expected an object, got {type(value).__name__}")
        return {k: _build(item, v) for k, v in value.items()}
    return value
