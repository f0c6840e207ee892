"""Derive the Docker endpoint the job's client uses, as the image entrypoint and the CLI would.

Pure: it reads the environment variables and the path facts the environment probe
collected. The rules follow ``docker-entrypoint.sh`` of the official ``docker`` image and
the Docker CLI's handling of ``DOCKER_HOST``, ``DOCKER_TLS_VERIFY``, ``DOCKER_TLS`` and
``DOCKER_CERT_PATH``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from . import hosturl
from .facts import PathFact
from .model import Endpoint

DEFAULT_SOCKET = "/var/run/docker.sock"
ENTRYPOINT_SCRIPT = "/usr/local/bin/docker-entrypoint.sh"
CLIENT_CERT_FILES = ("ca.pem", "cert.pem", "key.pem")
DEFAULT_PORTS = {True: 2376, False: 2375}


def is_kubernetes(env: Mapping[str, str]) -> bool:
    return bool(env.get("KUBERNETES_SERVICE_HOST"))


def xdg_socket(env: Mapping[str, str], uid: int | None) -> str:
    runtime = env.get("XDG_RUNTIME_DIR") or f"/run/user/{uid if uid is not None else 0}"
    return f"{runtime.rstrip('/')}/docker.sock"


def certdir_client(env: Mapping[str, str]) -> str | None:
    certdir = env.get("DOCKER_TLS_CERTDIR", "")
    return f"{certdir.rstrip('/')}/client" if certdir else None


def paths_to_stat(env: Mapping[str, str], uid: int | None, home: str) -> list[str]:
    """Every path the derivation (and the checks after it) want to know about."""
    paths = [DEFAULT_SOCKET, xdg_socket(env, uid), ENTRYPOINT_SCRIPT, "/.dockerenv",
             "/certs/client"]
    client = certdir_client(env)
    if client:
        paths.append(client)
        paths += [f"{client}/{name}" for name in CLIENT_CERT_FILES]
    host = env.get("DOCKER_HOST", "")
    if host.startswith("unix://"):
        paths.append(host[len("unix://"):])
    paths.append(cert_path_for(env, home)[0])
    return list(dict.fromkeys(paths))


def cert_path_for(env: Mapping[str, str], home: str) -> tuple[str, str]:
    """The directory the CLI loads ``ca.pem``/``cert.pem``/``key.pem`` from, and why."""
    if env.get("DOCKER_CERT_PATH"):
        return env["DOCKER_CERT_PATH"], "DOCKER_CERT_PATH"
    if env.get("DOCKER_CONFIG"):
        return env["DOCKER_CONFIG"], "DOCKER_CONFIG"
    return f"{home.rstrip('/')}/.docker", "default (~/.docker)"


def _is_socket(paths: Mapping[str, PathFact], path: str) -> bool:
    fact = paths.get(path)
    return fact is not None and fact.kind == "socket"


def _nonempty(paths: Mapping[str, PathFact], path: str) -> bool:
    fact = paths.get(path)
    return fact is not None and fact.kind == "file" and fact.size > 0


def entrypoint_status(env: Mapping[str, str], paths: Mapping[str, PathFact]) -> tuple[bool, str]:
    """Whether the ``docker`` image entrypoint's auto-configuration runs for this job."""
    if not (paths.get(ENTRYPOINT_SCRIPT) and paths[ENTRYPOINT_SCRIPT].exists):
        return False, "no docker-entrypoint.sh: the job image is not a docker:* image"
    if is_kubernetes(env) and env.get("FF_KUBERNETES_HONOR_ENTRYPOINT", "").lower() != "true":
        return False, ("Kubernetes executor without FF_KUBERNETES_HONOR_ENTRYPOINT: "
                       "the image entrypoint does not run")
    return True, "docker:* image: its entrypoint derives DOCKER_HOST and the TLS variables"


def derive(env: Mapping[str, str], paths: Mapping[str, PathFact], *, uid: int | None = None,
           home: str = "/root", inherited: Sequence[str] = ()) -> Endpoint:
    """Return the effective endpoint for the job's ``docker`` client.

    ``inherited``: variables taken from the job's PID 1 because this shell lacks them.
    """
    steps: list[str] = []
    if inherited:
        steps.append(f"{', '.join(inherited)} taken from the job's PID 1: the image entrypoint "
                     "exported them there; this shell was opened beside the job")
    applies, why = entrypoint_status(env, paths)
    steps.append(why)
    env = dict(env)
    client = certdir_client(env)
    should_tls = bool(client) and all(
        _nonempty(paths, f"{client}/{name}") for name in CLIENT_CERT_FILES
    )
    source = "DOCKER_HOST"
    if env.get("DOCKER_HOST"):
        steps.append(f"DOCKER_HOST is set: {env['DOCKER_HOST']}")
    elif applies:
        if _is_socket(paths, DEFAULT_SOCKET):
            env["DOCKER_HOST"] = f"unix://{DEFAULT_SOCKET}"
            source = "entrypoint: /var/run/docker.sock exists"
        elif _is_socket(paths, xdg_socket(env, uid)):
            env["DOCKER_HOST"] = f"unix://{xdg_socket(env, uid)}"
            source = "entrypoint: rootless socket exists"
        elif should_tls or env.get("DOCKER_TLS_VERIFY"):
            env["DOCKER_HOST"] = "tcp://docker:2376"
            source = ("entrypoint: client certs found in " + (client or "")
                      if should_tls else "entrypoint: DOCKER_TLS_VERIFY is set")
        else:
            env["DOCKER_HOST"] = "tcp://docker:2375"
            source = ("entrypoint: no client certs in " + client if client
                      else "entrypoint: DOCKER_TLS_CERTDIR is empty")
        steps.append(f"{source} -> DOCKER_HOST={env['DOCKER_HOST']}")
    else:
        env["DOCKER_HOST"] = f"unix://{DEFAULT_SOCKET}"
        source = "client default"
        steps.append("DOCKER_HOST is unset: the client uses unix:///var/run/docker.sock")

    if (applies and env["DOCKER_HOST"].startswith("tcp:") and not env.get("DOCKER_TLS_VERIFY")
            and not env.get("DOCKER_CERT_PATH") and should_tls):
        env["DOCKER_TLS_VERIFY"] = "1"
        env["DOCKER_CERT_PATH"] = client or ""
        steps.append(f"entrypoint exports DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH={client}")

    tls_verify = bool(env.get("DOCKER_TLS_VERIFY"))
    tls = tls_verify or bool(env.get("DOCKER_TLS"))
    if env.get("DOCKER_TLS_VERIFY") == "0":
        steps.append("DOCKER_TLS_VERIFY=0 still turns TLS verification ON (any non-empty value)")
    cert_path, cert_source = cert_path_for(env, home)
    endpoint = _parse_host(env["DOCKER_HOST"])
    endpoint.source = source
    endpoint.entrypoint_applies = applies
    endpoint.tls = tls and endpoint.scheme == "tcp"
    endpoint.tls_verify = tls_verify and endpoint.scheme == "tcp"
    if endpoint.scheme == "tcp" and endpoint.port is None:
        endpoint.port = DEFAULT_PORTS[endpoint.tls]
        steps.append(f"no port in DOCKER_HOST: the CLI uses {endpoint.port}")
    if endpoint.tls:
        endpoint.cert_path = cert_path
        steps.append(f"TLS {'with' if tls_verify else 'without'} verification, "
                     f"certs from {cert_path} ({cert_source})")
    elif endpoint.scheme == "tcp":
        steps.append("plain HTTP (DOCKER_TLS_VERIFY and DOCKER_TLS are empty)")
    endpoint.derivation = steps
    return endpoint


def _parse_host(url: str) -> Endpoint:
    """Split a DOCKER_HOST value; an unusable one gives ``scheme='invalid'`` and ``error``."""
    raw = url.strip()
    if "://" not in raw:
        # the CLI accepts a bare "host:port" as tcp
        if raw and not raw.startswith("/"):
            raw = "tcp://" + raw
        else:
            return Endpoint(url=url, scheme="invalid",
                            error="DOCKER_HOST has no scheme (expected tcp://, unix:// or ssh://)")
    try:
        parts = hosturl.split(raw)
    except ValueError as exc:
        return Endpoint(url=url, scheme="invalid", error=f"DOCKER_HOST cannot be parsed: {exc}")
    scheme, port = parts.scheme, parts.port
    if scheme == "unix":
        path = raw[len("unix://"):]
        if not path:
            return Endpoint(url=url, scheme="invalid", error="unix:// DOCKER_HOST without a path")
        return Endpoint(url=url, scheme="unix", socket_path=path)
    if scheme in ("tcp", "http", "https"):
        if not parts.host:
            return Endpoint(url=url, scheme="invalid", error="DOCKER_HOST has no host name")
        return Endpoint(url=url, scheme="tcp", host=parts.host, port=port)
    if scheme in ("ssh", "npipe", "fd"):
        return Endpoint(url=url, scheme=scheme, host=parts.host, port=port,
                        error=f"{scheme}:// endpoints are not DinD endpoints; not probed")
    return Endpoint(url=url, scheme="invalid", error=f"unknown DOCKER_HOST scheme {scheme!r}")
