"""Readable builders for :class:`Facts`: a healthy job, then one mutation per failure mode.

    facts = FactsBuilder.healthy_tls().env(DOCKER_HOST="tcp://docker:2375").port(
        2375, "refused").build()

``healthy_tls()`` is what the probes see in a ``docker:29-cli`` job with a ``docker:29-dind``
service on the Docker executor (TLS, ``/certs/client`` shared); ``healthy_plain()`` the same
with TLS disabled on both sides. Every method returns the builder; ``build()`` returns a copy.
"""

from __future__ import annotations

import copy
from datetime import datetime, timezone
from typing import Any

from dind_doctor.facts import (
    ApiFacts,
    CertDirFacts,
    CertFileFact,
    CertInfo,
    ClientsFacts,
    EnvFacts,
    Facts,
    NameFacts,
    PathFact,
    PortFacts,
    ProbeError,
    SocketFacts,
    TlsFacts,
    ToolFact,
    ToolsFacts,
)
from dind_doctor.records import replace

COLLECTED_AT = "2026-06-01T12:00:00+00:00"
JOB_STARTED = datetime(2026, 6, 1, 11, 58, tzinfo=timezone.utc).timestamp()
CERTS_WRITTEN = JOB_STARTED - 30  # dind wrote its certs before the job container started
DIND_ADDRESS = "172.17.0.3"
DIND_HOSTNAME = "f3a1c2b4d5e6"
VALID_FROM, VALID_TO = "2026-06-01T11:57:00+00:00", "2028-09-04T11:57:00+00:00"

CA = CertInfo(subject="CN=docker:dind CA", issuer="CN=docker:dind CA", serial="1a2b",
              not_before=VALID_FROM, not_after=VALID_TO, is_ca=True,
              key_usage=["key_cert_sign", "crl_sign"],
              fingerprint_sha256="AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99",
              self_signed=True)
CLIENT = CertInfo(subject="CN=docker:dind client", issuer="CN=docker:dind CA", serial="3c4d",
                  not_before=VALID_FROM, not_after=VALID_TO, extended_key_usage=["clientAuth"],
                  fingerprint_sha256="11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF")
SERVER = CertInfo(subject="CN=docker:dind server", issuer="CN=docker:dind CA", serial="5e6f",
                  not_before=VALID_FROM, not_after=VALID_TO,
                  sans_dns=[DIND_HOSTNAME, "docker", "localhost"],
                  sans_ip=[DIND_ADDRESS, "127.0.0.1"], extended_key_usage=["serverAuth"],
                  fingerprint_sha256="99:88:77:66:55:44:33:22:11:00:FF:EE:DD:CC:BB:AA")

PLAIN_TCP_WARNING = ("[DEPRECATION NOTICE]: API is accessible on http://0.0.0.0:2375 without "
                     "encryption.")

GITLAB_VARS = {
    "GITLAB_CI": "true", "CI_SERVER_HOST": "gitlab.example.com", "CI_SERVER_VERSION": "18.6.1",
    "CI_RUNNER_VERSION": "18.6.0", "CI_JOB_IMAGE": "docker:29-cli", "CI_JOB_TOKEN": "[redacted]",
}


def _file(path: str, *, size: int = 1200, mode: str = "0644") -> PathFact:
    return PathFact(path, "file", size=size, mode=mode, readable=True, mtime=CERTS_WRITTEN)


def _missing(path: str) -> PathFact:
    return PathFact(path, "missing")


def _cert_dir(path: str, source: str) -> CertDirFacts:
    return CertDirFacts(
        path=path, source=source,
        dir=PathFact(path, "dir", size=4096, mode="0755", readable=True, mtime=CERTS_WRITTEN),
        ca=CertFileFact(_file(f"{path}/ca.pem"), parsed=True, cert=copy.deepcopy(CA)),
        cert=CertFileFact(_file(f"{path}/cert.pem"), parsed=True, cert=copy.deepcopy(CLIENT)),
        key=CertFileFact(_file(f"{path}/key.pem", size=3272), parsed=True, key_type="RSA 4096"),
        key_matches_cert=True, cert_signed_by_ca=True, server_signed_by_ca=True,
    )


def _missing_cert_dir(path: str, source: str) -> CertDirFacts:
    return CertDirFacts(
        path=path, source=source, dir=_missing(path),
        ca=CertFileFact(_missing(f"{path}/ca.pem")),
        cert=CertFileFact(_missing(f"{path}/cert.pem")),
        key=CertFileFact(_missing(f"{path}/key.pem")),
    )


def _base_paths(*, certs: bool) -> dict[str, PathFact]:
    paths = {
        "/var/run/docker.sock": _missing("/var/run/docker.sock"),
        "/run/user/0/docker.sock": _missing("/run/user/0/docker.sock"),
        "/usr/local/bin/docker-entrypoint.sh": _file("/usr/local/bin/docker-entrypoint.sh",
                                                     mode="0755"),
        "/.dockerenv": _file("/.dockerenv", size=0),
        "/root/.docker": _missing("/root/.docker"),
    }
    if certs:
        paths["/certs/client"] = PathFact("/certs/client", "dir", size=4096, mode="0755",
                                          readable=True, mtime=CERTS_WRITTEN)
        for name in ("ca.pem", "cert.pem", "key.pem"):
            paths[f"/certs/client/{name}"] = _file(f"/certs/client/{name}")
    else:
        paths["/certs/client"] = _missing("/certs/client")
    return paths


def _tools() -> ToolsFacts:
    return ToolsFacts(
        docker_cli=ToolFact("docker", "/usr/local/bin/docker", "29.1.2", "1.52"),
        compose_v1=ToolFact("docker-compose"),
        compose_plugin=ToolFact("docker compose", "/usr/local/libexec/docker/cli-plugins/"
                                "docker-compose", "v2.40.3"),
        plugin_dirs=["/usr/local/libexec/docker/cli-plugins"],
    )


def _api(url: str, *, warnings: list[str]) -> ApiFacts:
    return ApiFacts(
        url=url, attempted=True, ping_ok=True,
        version={"Version": "29.1.2", "ApiVersion": "1.52", "MinAPIVersion": "1.44",
                 "Os": "linux", "Arch": "amd64", "KernelVersion": "6.8.0-60-generic"},
        info={"Name": DIND_HOSTNAME, "ServerVersion": "29.1.2", "Driver": "overlay2",
              "DriverStatus": [["Backing Filesystem", "extfs"], ["Supports d_type", "true"]],
              "Warnings": warnings, "CgroupVersion": "2", "CgroupDriver": "cgroupfs",
              "SecurityOptions": ["name=seccomp,profile=builtin", "name=cgroupns"],
              "HttpProxy": "", "HttpsProxy": "", "NoProxy": "",
              "OperatingSystem": "Alpine Linux v3.22 (containerized)", "Containers": 0,
              "DockerRootDir": "/var/lib/docker", "Images": 0},
        bridge_mtu=1500, duration_ms=12.0,
    )


def _env(vars: dict[str, str], *, certs: bool) -> EnvFacts:
    return EnvFacts(
        vars={**GITLAB_VARS, **vars}, uid=0, home="/root", in_container=True,
        job_started_at=JOB_STARTED, paths=_base_paths(certs=certs),
        interfaces_mtu={"eth0": 1500}, default_interface="eth0",
        resolv_nameservers=["8.8.8.8"], hosts_entries={"docker": [DIND_ADDRESS]},
    )


def _name() -> NameFacts:
    return NameFacts("docker", hosts_file=[DIND_ADDRESS], system=[DIND_ADDRESS])


def _port(number: int, state: str, protocol: str | None = None,
          detail: str | None = None) -> PortFacts:
    return PortFacts("docker", number, address=DIND_ADDRESS, state=state, attempts=1,
                     protocol=protocol, protocol_detail=detail, duration_ms=1.0)


class FactsBuilder:
    """Start from a healthy job; each method changes one thing the probes would observe."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts

    @classmethod
    def healthy_tls(cls) -> FactsBuilder:
        env = {"DOCKER_HOST": "tcp://docker:2376", "DOCKER_TLS_VERIFY": "1",
               "DOCKER_CERT_PATH": "/certs/client", "DOCKER_TLS_CERTDIR": "/certs"}
        return cls(Facts(
            tool_version="0.1.0", collected_at=COLLECTED_AT, timeout_s=5.0,
            env=_env(env, certs=True), name=_name(),
            ports=[_port(2376, "open", "tls", "HTTP/1.1 400 Bad Request: Client sent an HTTP "
                         "request to an HTTPS server."),
                   _port(2375, "refused")],
            tls=TlsFacts("docker", 2376, attempted=True, handshake_ok=True,
                         server_cert=copy.deepcopy(SERVER), client_cert_sent=True,
                         client_cert_accepted=True, response="HTTP/1.1 200 OK",
                         tls_version="TLSv1.3", duration_ms=20.0),
            certs=_cert_dir("/certs/client", "DOCKER_CERT_PATH"),
            sockets=[SocketFacts("/var/run/docker.sock", _missing("/var/run/docker.sock"),
                                 ping="missing")],
            api=_api("https://docker:2376", warnings=[]),
            tools=_tools(),
        ))

    @classmethod
    def healthy_plain(cls) -> FactsBuilder:
        env = {"DOCKER_HOST": "tcp://docker:2375", "DOCKER_TLS_CERTDIR": ""}
        return cls(Facts(
            tool_version="0.1.0", collected_at=COLLECTED_AT, timeout_s=5.0,
            env=_env(env, certs=False), name=_name(),
            ports=[_port(2375, "open", "http", "HTTP/1.1 200 OK, Api-Version 1.52"),
                   _port(2376, "refused")],
            certs=_missing_cert_dir("/certs/client", "DOCKER_TLS_CERTDIR/client"),
            sockets=[SocketFacts("/var/run/docker.sock", _missing("/var/run/docker.sock"),
                                 ping="missing")],
            api=_api("http://docker:2375", warnings=[PLAIN_TCP_WARNING]),
            tools=_tools(),
        ))

    def build(self) -> Facts:
        return copy.deepcopy(self.facts)

    # -- job environment -------------------------------------------------------------------

    def env(self, **values: str | None) -> FactsBuilder:
        """Set job variables; ``None`` removes one."""
        for key, value in values.items():
            if value is None:
                self.facts.env.vars.pop(key, None)
            else:
                self.facts.env.vars[key] = value
        return self

    def path(self, path: str, kind: str, **fields: Any) -> FactsBuilder:
        """What ``lstat`` says about one path (also in the socket facts when it has one)."""
        fact = PathFact(path, kind, readable=kind != "missing", **fields)
        self.facts.env.paths[path] = fact
        for sock in self.facts.sockets:
            if sock.path == path:
                sock.file = copy.deepcopy(fact)
        return self

    def socket(self, path: str, ping: str, kind: str = "socket") -> FactsBuilder:
        self.path(path, kind, mode="0660")
        fact = copy.deepcopy(self.facts.env.paths[path])
        self.facts.sockets = [s for s in self.facts.sockets if s.path != path]
        self.facts.sockets.append(SocketFacts(path, fact, ping=ping))
        return self

    def kubernetes(self) -> FactsBuilder:
        """The Kubernetes executor: one pod network, no image entrypoint, cluster DNS."""
        self.env(KUBERNETES_SERVICE_HOST="10.96.0.1")
        self.facts.env.paths.pop("/.dockerenv", None)
        self.facts.env.resolv_nameservers = ["10.96.0.10"]
        self.facts.env.hosts_entries = {"docker": ["127.0.0.1"]}
        assert self.facts.name is not None
        self.facts.name.hosts_file = ["127.0.0.1"]
        self.facts.name.system = ["127.0.0.1"]
        for port in self.facts.ports:
            port.address = "127.0.0.1"
        return self

    def job_started(self, epoch: float) -> FactsBuilder:
        self.facts.env.job_started_at = epoch
        return self

    def mtu(self, mtu: int, interface: str = "eth0") -> FactsBuilder:
        self.facts.env.interfaces_mtu[interface] = mtu
        return self

    # -- name, ports, protocol -------------------------------------------------------------

    def unresolved(self, host: str = "docker", *, dns_error: str = "NXDOMAIN",
                   nameservers: tuple[str, ...] = ("127.0.0.11",)) -> FactsBuilder:
        """The alias resolves nowhere; every port on it is 'unresolved'."""
        self.facts.env.resolv_nameservers = list(nameservers)
        self.facts.env.hosts_entries.pop(host, None)
        self.facts.name = NameFacts(host, system_error="Name or service not known",
                                    dns_error=dns_error, dns_server=nameservers[0])
        for port in self.facts.ports:
            port.state, port.protocol, port.protocol_detail = "unresolved", None, None
            port.address = None
        return self

    def port(self, number: int, state: str, protocol: str | None = None,
             **fields: Any) -> FactsBuilder:
        """Replace (or add) the facts of one port."""
        host = self.facts.ports[0].host if self.facts.ports else "docker"
        new = replace(_port(number, state, protocol), host=host, **fields)
        others = [p for p in self.facts.ports if p.port != number]
        self.facts.ports = [*others, new]
        return self

    def host(self, name: str) -> FactsBuilder:
        """The endpoint host is ``name`` (resolving like ``docker`` did)."""
        assert self.facts.name is not None
        self.facts.name.host = name
        for port in self.facts.ports:
            port.host = name
        if self.facts.tls is not None:
            self.facts.tls.host = name
        return self

    # -- TLS material ----------------------------------------------------------------------

    def without_client_certs(self) -> FactsBuilder:
        """The job cannot see dind's /certs/client (no shared volume)."""
        certs = self.facts.certs
        assert certs is not None
        self.facts.certs = _missing_cert_dir(certs.path, certs.source)
        for path in list(self.facts.env.paths):
            if path.startswith(certs.path):
                self.facts.env.paths[path] = _missing(path)
        if self.facts.tls is not None:
            self.facts.tls.client_cert_sent = False
            self.facts.tls.client_cert_accepted = False
            self.facts.tls.verify_error = "no-ca-file"
        return self

    def cert_file(self, which: str, **fields: Any) -> FactsBuilder:
        """Change ``ca``, ``cert`` or ``key``: CertFileFact fields, ``file_<name>`` for its file."""
        assert self.facts.certs is not None
        fact: CertFileFact = getattr(self.facts.certs, which)
        for key, value in fields.items():
            if key.startswith("file_"):
                setattr(fact.file, key[5:], value)
            else:
                setattr(fact, key, value)
        return self

    def certs(self, **fields: Any) -> FactsBuilder:
        assert self.facts.certs is not None
        for key, value in fields.items():
            setattr(self.facts.certs, key, value)
        return self

    def tls(self, **fields: Any) -> FactsBuilder:
        assert self.facts.tls is not None
        for key, value in fields.items():
            setattr(self.facts.tls, key, value)
        return self

    def server_cert(self, **fields: Any) -> FactsBuilder:
        assert self.facts.tls is not None and self.facts.tls.server_cert is not None
        for key, value in fields.items():
            setattr(self.facts.tls.server_cert, key, value)
        return self

    def all_certs_valid(self, not_before: str, not_after: str) -> FactsBuilder:
        """Give the server, CA and client certificate one validity window."""
        certs = self.facts.certs
        assert certs is not None and self.facts.tls is not None
        for cert in (self.facts.tls.server_cert, certs.ca.cert, certs.cert.cert):
            if cert is not None:
                cert.not_before, cert.not_after = not_before, not_after
        return self

    # -- daemon and tools ------------------------------------------------------------------

    def api(self, **fields: Any) -> FactsBuilder:
        assert self.facts.api is not None
        for key, value in fields.items():
            setattr(self.facts.api, key, value)
        return self

    def api_down(self, error: str) -> FactsBuilder:
        return self.api(ping_ok=False, error=error, version={}, info={}, bridge_mtu=None)

    def daemon_info(self, **values: Any) -> FactsBuilder:
        assert self.facts.api is not None
        self.facts.api.info.update(values)
        return self

    def daemon_version(self, **values: Any) -> FactsBuilder:
        assert self.facts.api is not None
        self.facts.api.version.update(values)
        return self

    def client_api(self, version: str) -> FactsBuilder:
        assert self.facts.tools is not None
        self.facts.tools.docker_cli.api_version = version
        return self

    def without_compose(self, used_by: str | None = "docker compose") -> FactsBuilder:
        """No compose in the job image; ``used_by``: what of the job's CI file calls it (``None``:
        nothing does)."""
        assert self.facts.tools is not None
        self.facts.tools.compose_plugin = ToolFact("docker compose",
                                                   error="'compose' is not a docker command")
        self.facts.tools.compose_v1 = ToolFact("docker-compose")
        self.facts.clients = self.facts.clients or ClientsFacts(project_dir="/builds/group/app")
        self.facts.clients.script_mentions = [used_by] if used_by else []
        return self

    def probe_failed(self, probe: str, error: str = "boom",
                     timed_out: bool = False) -> FactsBuilder:
        """A probe that crashed or overran: its facts are absent."""
        self.facts.probe_errors.append(ProbeError(probe, error, timed_out))
        attribute = {"name": "name", "tls": "tls", "certs": "certs", "api": "api",
                     "tools": "tools"}.get(probe)
        if attribute:
            setattr(self.facts, attribute, None)
        elif probe in ("ports", "sockets"):
            setattr(self.facts, probe, [])
        return self
