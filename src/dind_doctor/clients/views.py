"""Client views: for every client the job uses, what it would dial and whether that works.

Pure: built from :class:`~dind_doctor.facts.Facts`. A client whose transport equals the
docker CLI's shares the CLI's fate; one that differs is judged against what the probes saw on
the wire (which port speaks TLS, which certificate files exist).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..facts import ClientFact, Facts
from ..model import Endpoint
from ..records import record, replace
from . import transports
from .transports import Transport

# client name -> (label, the source its rule follows)
RULES: dict[str, tuple[str, str]] = {
    "docker-cli": ("docker CLI", "docker/cli cli/flags/options.go"),
    "docker-py": ("Docker SDK for Python", "docker-py docker/utils/utils.py kwargs_from_env"),
    "docker-compose-v1": ("docker-compose v1", "docker-py kwargs_from_env (compose 1.x)"),
    "testcontainers-python": ("Testcontainers for Python",
                              "testcontainers-python core/docker_client.py (docker-py)"),
    "go-sdk": ("Docker Go SDK", "moby client/options.go WithTLSClientConfigFromEnv"),
    "testcontainers-go": ("Testcontainers for Go",
                          "testcontainers-go internal/core/docker_host.go (moby client)"),
    "docker-java": ("docker-java", "docker-java DefaultDockerClientConfig.java"),
    "testcontainers-java": ("Testcontainers for Java",
                            "docker-java DefaultDockerClientConfig.java"),
    "dockerode": ("dockerode", "docker-modem lib/modem.js defaultOpts"),
    "testcontainers-node": ("Testcontainers for Node",
                            "testcontainers-node configuration-strategy.ts + docker-modem"),
    "testcontainers-dotnet": ("Testcontainers for .NET",
                              "testcontainers-dotnet CustomConfiguration.cs"),
    "docker-dotnet": ("Docker.DotNet", "testcontainers-dotnet CustomConfiguration.cs"),
}
TESTCONTAINERS = {"testcontainers-java", "testcontainers-python", "testcontainers-node",
                  "testcontainers-go", "testcontainers-dotnet"}


@record(frozen=True)
class ClientView:
    name: str
    label: str
    version: str | None
    source: str  # where the job says it uses this client
    transport: Transport
    verdict: str  # ok, fails, unknown
    reason: str
    rule: str

    @property
    def title(self) -> str:
        return f"{self.label} {self.version}" if self.version else self.label


def job_env(facts: Facts, endpoint: Endpoint) -> dict[str, str]:
    """The variables a library in the job sees, including what the image entrypoint exports."""
    env = dict(facts.env.vars)
    if facts.clients is not None:
        env.update(facts.clients.env)
    if endpoint.entrypoint_applies and not env.get("DOCKER_HOST") and endpoint.scheme == "tcp":
        env["DOCKER_HOST"] = endpoint.url
        if endpoint.tls_verify and endpoint.cert_path and not env.get("DOCKER_TLS_VERIFY"):
            env["DOCKER_TLS_VERIFY"] = "1"
            env["DOCKER_CERT_PATH"] = endpoint.cert_path
    return env


def transport_for(name: str, env: Mapping[str, str], facts: Facts, endpoint: Endpoint) -> Transport:
    """What the named client dials, by that client's own rules."""
    props = facts.clients.tc_properties if facts.clients else {}
    home = facts.env.home
    if name in ("docker-py", "docker-compose-v1", "testcontainers-python"):
        found = _docker_py_measured(facts) or transports.docker_py(env, home)
    elif name in ("go-sdk", "testcontainers-go"):
        found = transports.go_sdk(env)
    elif name in ("docker-java", "testcontainers-java"):
        found = transports.docker_java(env, props)
    elif name in ("dockerode", "testcontainers-node"):
        url = env.get("DOCKER_HOST") or props.get("docker.host")
        found = transports.docker_modem(env, url)
    elif name in ("testcontainers-dotnet", "docker-dotnet"):
        found = transports.dotnet(env, props, home)
    else:
        found = transports.cli(endpoint)
    if name == "testcontainers-python" and props.get("tc.host"):
        # get_docker_host(): tc.host, else DOCKER_HOST, with no fallback. Java, Go and Node try
        # tc.host first and move on to DOCKER_HOST when it does not answer.
        found = transports.with_host(found, props["tc.host"])
    if name == "docker-compose-v1":
        found = replace(found, error=found.error or _compose_v1_error(facts))
    return found


def _docker_py_measured(facts: Facts) -> Transport | None:
    """docker-py's own kwargs_from_env, run in the job's Python by the probe."""
    python = facts.clients.python if facts.clients else None
    if python is None or (python.docker_py_base_url is None and python.docker_py_tls is None
                          and python.docker_py_error is None):
        return None
    if python.docker_py_error:
        return Transport("tcp", error=python.docker_py_error)
    url = python.docker_py_base_url or transports.DEFAULT_UNIX
    scheme, host, port, socket = transports.parse_host(url)
    cert = python.docker_py_cert or python.docker_py_ca
    cert_path = cert.rsplit("/", 1)[0] if cert else None
    error = None
    if scheme == "tcp" and port is None:
        error = f"Invalid bind address format: port is required: {url}"
    return Transport(scheme, host, port, bool(python.docker_py_tls) and scheme == "tcp",
                     bool(python.docker_py_verify), cert_path, socket, error)


def _compose_v1_error(facts: Facts) -> str | None:
    python = facts.clients.python if facts.clients else None
    docker = python.packages.get("docker") if python else None
    if docker and _major(docker) >= 7:
        return ("TypeError: kwargs_from_env() got an unexpected keyword argument 'ssl_version' "
                f"(docker-compose 1.x with docker {docker})")
    return None


def _major(version: str) -> int:
    digits = version.lstrip("v^~=<>! ").split(".", 1)[0]
    return int(digits) if digits.isdigit() else 0


def judge(transport: Transport, cli: Transport, cli_works: bool | None,
          facts: Facts) -> tuple[str, str]:
    """``(verdict, reason)`` for one transport, against what the probes observed."""
    if transport.error:
        return "fails", transport.error
    if transport == cli:
        if cli_works:
            return "ok", "same endpoint and TLS settings as the docker CLI, which works"
        if cli_works is False:
            return "fails", "same endpoint and TLS settings as the docker CLI, which fails"
        return "unknown", "same endpoint and TLS settings as the docker CLI"
    if transport.scheme != "tcp" or cli.scheme != "tcp":
        return "unknown", f"dials {transport.dial}, the docker CLI {cli.dial}"
    if (transport.host, transport.port) != (cli.host, cli.port):
        return "unknown", f"dials {transport.dial}, the docker CLI {cli.dial}"
    port = facts.port(transport.port) if transport.port else None
    spoken = port.protocol if port else None
    if not transport.tls and spoken == "tls":
        return "fails", ("speaks plain HTTP to a TLS port: the daemon answers "
                         "\"Client sent an HTTP request to an HTTPS server.\"")
    if transport.tls and spoken == "http":
        return "fails", "starts a TLS handshake on a plain-HTTP port"
    if transport.tls and not transport.cert_path:
        return "fails", ("TLS without client certificates: the dind daemon (--tlsverify) "
                         "rejects it, and its CA is not trusted")
    if transport.tls and transport.cert_path != cli.cert_path:
        present = _cert_files_present(facts, transport.cert_path)
        if present is False:
            return "fails", f"no ca.pem/cert.pem/key.pem in {transport.cert_path}"
        return "unknown", f"reads its certificates from {transport.cert_path}"
    if transport.tls == cli.tls and cli_works:
        return "ok", "same daemon port and certificates as the docker CLI, which works"
    return "unknown", "differs from the docker CLI"


def _cert_files_present(facts: Facts, path: str | None) -> bool | None:
    if path is None:
        return None
    if facts.certs is not None and facts.certs.path == path:
        return facts.certs.ca.file.exists and facts.certs.cert.file.exists
    known = facts.env.paths.get(path)
    if known is not None and not known.exists:
        return False
    return None


def cli_works(facts: Facts) -> bool | None:
    if facts.api is None or not facts.api.attempted:
        return None
    return facts.api.ping_ok


def views(facts: Facts, endpoint: Endpoint) -> list[ClientView]:
    """One view per client the job uses (the docker CLI first, when it is installed)."""
    if facts.clients is None:
        return []
    env = job_env(facts, endpoint)
    cli = transports.cli(endpoint)
    works = cli_works(facts)
    result: list[ClientView] = []
    for client in used_clients(facts):
        label, rule = RULES.get(client.name, (client.name, ""))
        transport = transport_for(client.name, env, facts, endpoint)
        verdict, reason = judge(transport, cli, works, facts)
        result.append(ClientView(client.name, label, client.version, client.source, transport,
                                 verdict, reason, rule))
    return result


def used_clients(facts: Facts) -> list[ClientFact]:
    """The library clients found (the docker CLI has its own chain of checks)."""
    if facts.clients is None:
        return []
    return [c for c in facts.clients.clients if c.name in RULES and c.name != "docker-cli"]
