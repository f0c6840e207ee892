"""How each Docker client reads DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH (pure).

Every function takes the job's environment and returns the :class:`Transport` that client
would use. Each follows the named source; the rules that can run here are proven against the
real client in tests/clients.
"""

from __future__ import annotations

from collections.abc import Mapping

from .. import hosturl
from ..model import Endpoint
from ..records import record

DEFAULT_UNIX = "unix:///var/run/docker.sock"


@record(frozen=True)
class Transport:
    """What one client dials and with which TLS settings."""

    scheme: str  # tcp, unix, other
    host: str | None = None
    port: int | None = None
    tls: bool = False
    verify: bool = False  # the server certificate is checked
    cert_path: str | None = None  # where ca.pem / cert.pem / key.pem are read from
    socket: str | None = None
    error: str | None = None  # the client's own error before it dials anything

    @property
    def dial(self) -> str:
        if self.error and not self.host and not self.socket:
            return "nothing (fails before dialling)"
        if self.scheme == "unix":
            return f"unix://{self.socket}"
        if self.scheme == "tcp":
            port = f":{self.port}" if self.port else ""
            return f"{'https' if self.tls else 'http'}://{self.host}{port}"
        return self.scheme

    @property
    def tls_label(self) -> str:
        if not self.tls:
            return "off"
        verify = "verify" if self.verify else "no verify"
        return f"{verify}, certs {self.cert_path}" if self.cert_path else f"{verify}, no certs"


def parse_host(url: str) -> tuple[str, str | None, int | None, str | None]:
    """(scheme, host, port, socket path) of a DOCKER_HOST value."""
    raw = url.strip()
    if raw.startswith("unix://"):
        return "unix", None, None, raw[len("unix://"):] or "/var/run/docker.sock"
    if "://" not in raw:
        raw = "tcp://" + raw
    try:
        parts = hosturl.split(raw)
    except ValueError:
        return "invalid", None, None, None
    port = parts.port
    if parts.scheme in ("tcp", "http", "https") and parts.host:
        return "tcp", parts.host, port, None
    return parts.scheme or "invalid", parts.host, port, None


def _home_docker(home: str) -> str:
    return f"{home.rstrip('/')}/.docker"


def cli(endpoint: Endpoint) -> Transport:
    """docker CLI and Compose v2 (a CLI plugin): the endpoint derivation of endpoint.py."""
    return Transport(endpoint.scheme, endpoint.host, endpoint.port, endpoint.tls,
                     endpoint.tls_verify, endpoint.cert_path, endpoint.socket_path)


def docker_py(env: Mapping[str, str], home: str) -> Transport:
    """docker-py ``kwargs_from_env`` + ``parse_host`` (docker/utils/utils.py, docker/tls.py).

    TLS when DOCKER_CERT_PATH is non-empty or DOCKER_TLS_VERIFY is set to anything but ""
    ("0" too); certs default to ~/.docker; DOCKER_TLS is ignored; a tcp host needs a port.
    """
    scheme, host, port, socket = parse_host(env.get("DOCKER_HOST") or "http+unix:")
    if not env.get("DOCKER_HOST"):
        scheme, socket = "unix", "/var/run/docker.sock"
    cert_path = env.get("DOCKER_CERT_PATH") or None
    verify_value = env.get("DOCKER_TLS_VERIFY")
    verify = verify_value is not None and verify_value != ""
    tls = bool(cert_path) or verify
    error = None
    if scheme == "tcp" and port is None:
        error = f"Invalid bind address format: port is required: {env.get('DOCKER_HOST')}"
    return Transport(scheme, host, port, tls and scheme == "tcp", verify,
                     (cert_path or _home_docker(home)) if tls else None, socket, error)


def go_sdk(env: Mapping[str, str]) -> Transport:
    """moby ``client.FromEnv`` (client/options.go ``WithTLSClientConfigFromEnv``).

    TLS only when DOCKER_CERT_PATH is non-empty; DOCKER_TLS_VERIFY alone does nothing;
    DOCKER_TLS_VERIFY empty means TLS without verification (InsecureSkipVerify).
    """
    scheme, host, port, socket = parse_host(env.get("DOCKER_HOST") or DEFAULT_UNIX)
    cert_path = env.get("DOCKER_CERT_PATH") or None
    return Transport(scheme, host, port, bool(cert_path) and scheme == "tcp",
                     bool(env.get("DOCKER_TLS_VERIFY")), cert_path, socket)


def docker_java(env: Mapping[str, str], props: Mapping[str, str]) -> Transport:
    """docker-java ``DefaultDockerClientConfig`` (Testcontainers for Java).

    TLS only when DOCKER_TLS_VERIFY (or ``docker.tls.verify``) is "1" or "true" (any case);
    "0", "yes", "on" mean off. TLS without DOCKER_CERT_PATH throws.
    """
    url = env.get("DOCKER_HOST") or props.get("docker.host") or DEFAULT_UNIX
    scheme, host, port, socket = parse_host(url)
    raw = env.get("DOCKER_TLS_VERIFY", props.get("docker.tls.verify", ""))
    verify = raw.strip().lower() == "true" or raw.strip() == "1"
    cert_path = env.get("DOCKER_CERT_PATH") or props.get("docker.cert.path") or None
    error = None
    if verify and not cert_path:
        error = ("Enabled TLS verification (DOCKER_TLS_VERIFY=1) but certificate path "
                 "(DOCKER_CERT_PATH) is not defined.")
    return Transport(scheme, host, port, verify and scheme == "tcp", verify,
                     cert_path if verify else None, socket, error)


def docker_modem(env: Mapping[str, str], url: str | None = None) -> Transport:
    """dockerode / docker-modem ``defaultOpts`` (lib/modem.js), also under testcontainers-node.

    https when DOCKER_TLS_VERIFY is exactly "1" or the port is 2376, else http: loaded
    certificates do not switch a DOCKER_HOST from the environment to https. The files are read
    from DOCKER_CERT_PATH whenever it is set, whatever DOCKER_TLS_VERIFY says; no ~/.docker
    default; Node always verifies the server.
    """
    raw = url if url is not None else env.get("DOCKER_HOST")
    if not raw:
        return Transport("unix", socket="/var/run/docker.sock")
    scheme, host, port, socket = parse_host(raw)
    if scheme != "tcp":
        return Transport(scheme, host, port, socket=socket)
    cert_path = env.get("DOCKER_CERT_PATH") or None
    tls = env.get("DOCKER_TLS_VERIFY") == "1" or port == 2376
    return Transport("tcp", host, port, tls, tls, cert_path if tls else None)


def dotnet(env: Mapping[str, str], props: Mapping[str, str], home: str) -> Transport:
    """Testcontainers for .NET ``CustomConfiguration`` (docs/custom_configuration/index.md).

    TLS when DOCKER_TLS or DOCKER_TLS_VERIFY is "1" or parses as a true boolean; certs from
    DOCKER_CERT_PATH, default ~/.docker.
    """
    url = env.get("DOCKER_HOST") or props.get("docker.host") or DEFAULT_UNIX
    scheme, host, port, socket = parse_host(url)

    def on(value: str | None) -> bool:
        return value is not None and (value.strip() == "1" or value.strip().lower() == "true")

    verify = on(env.get("DOCKER_TLS_VERIFY", props.get("docker.tls.verify")))
    tls = verify or on(env.get("DOCKER_TLS", props.get("docker.tls")))
    cert_path = env.get("DOCKER_CERT_PATH") or props.get("docker.cert.path") or (
        _home_docker(home) if tls else None)
    return Transport(scheme, host, port, tls and scheme == "tcp", verify,
                     cert_path if tls else None, socket)


def with_host(transport: Transport, url: str) -> Transport:
    """The same TLS settings towards another host (``tc.host`` replaces DOCKER_HOST)."""
    scheme, host, port, socket = parse_host(url)
    return Transport(scheme, host, port, transport.tls and scheme == "tcp", transport.verify,
                     transport.cert_path, socket, transport.error)
