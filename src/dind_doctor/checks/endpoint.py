"""Endpoint link: which daemon address the job's client uses, and whether it can work."""

from __future__ import annotations

from ..endpoint import DEFAULT_SOCKET
from ..model import Link
from . import gates
from .base import Context, Verdict, check, fail, ok, warn
from .observed import (
    describe_port,
    dind_port_evidence,
    docker_alias_addresses,
    host_socket_present,
    is_open,
    socket_state,
    speaks,
)

TLS_HOST_VARS = ("DOCKER_HOST: tcp://docker:2376, DOCKER_TLS_VERIFY: \"1\", "
                 "DOCKER_CERT_PATH: \"$DOCKER_TLS_CERTDIR/client\"")


def _endpoint_evidence(ctx: Context) -> list[tuple[str, object]]:
    endpoint = ctx.endpoint
    return [
        ("DOCKER_HOST", ctx.env.get("DOCKER_HOST", "(unset)")),
        ("effective endpoint", endpoint.url),
        ("chosen by", endpoint.source),
        ("derivation", "; ".join(endpoint.derivation)),
    ]


@check("docker-host-invalid", Link.ENDPOINT, "Docker endpoint", needs=gates.JOB)
def docker_host_invalid(ctx: Context) -> Verdict | None:
    endpoint = ctx.endpoint
    evidence = _endpoint_evidence(ctx)
    if endpoint.scheme == "invalid":
        return fail(f"DOCKER_HOST {endpoint.url!r} is unusable: {endpoint.error}.", *evidence,
                    fix="Set DOCKER_HOST: tcp://docker:2376 (TLS) or tcp://docker:2375 "
                        "(TLS disabled), or unix:///path/to/docker.sock.")
    if endpoint.error:
        return warn(f"{endpoint.error}.", *evidence,
                    fix="For Docker-in-Docker set DOCKER_HOST: tcp://docker:2376.")
    if endpoint.scheme == "unix":
        summary = f"The client uses the unix socket {endpoint.socket_path}."
    elif endpoint.tls:
        mode = "with verification" if endpoint.tls_verify else "without verification"
        summary = (f"The client uses {endpoint.host}:{endpoint.port} over TLS {mode} "
                   f"(certs from {endpoint.cert_path}).")
    else:
        summary = f"The client uses {endpoint.host}:{endpoint.port} over plain HTTP."
    return ok(summary, *evidence)


def _unix_socket(ctx: Context) -> str | None:
    """The unix socket the client dials ("" when the URL names none); None over TCP."""
    endpoint = ctx.endpoint
    return endpoint.socket_path or "" if endpoint.scheme == "unix" else None


@check("docker-host-unset-unix-socket", Link.ENDPOINT, "Default socket fallback",
       passing="Endpoint set (no default-socket fallback)",
       needs=(*gates.JOB, "docker-host-invalid"),
       applies=lambda ctx: _unix_socket(ctx) == DEFAULT_SOCKET, probes=("sockets",))
def docker_host_unset_unix_socket(ctx: Context) -> Verdict | None:
    endpoint = ctx.endpoint
    kind, ping = socket_state(ctx, DEFAULT_SOCKET)
    addresses = docker_alias_addresses(ctx)
    evidence: list[tuple[str, object]] = [
        *_endpoint_evidence(ctx)[:3],
        (DEFAULT_SOCKET, f"{kind}, ping {ping}"),
        ("docker resolves to", addresses if addresses is not None else "(not looked up)"),
        *dind_port_evidence(ctx),
    ]
    if kind == "socket" and ping in ("ok", "not-probed"):
        return ok(f"The client uses {DEFAULT_SOCKET}, which is a socket"
                  + (" that answers." if ping == "ok" else "."), *evidence)
    if kind == "socket":
        fix = ("Run the job as a user in the socket's group (or root)."
               if ping == "permission-denied" else
               f"Point DOCKER_HOST at the dind service instead: {TLS_HOST_VARS}.")
        return fail(f"{DEFAULT_SOCKET} exists but does not answer ({ping}).", *evidence, fix=fix)
    unset = not ctx.env.get("DOCKER_HOST")
    why = ("DOCKER_HOST is unset and nothing derived it, so the client falls back to "
           if unset else "DOCKER_HOST is ")
    found = f"{why}{endpoint.url}, but {DEFAULT_SOCKET} is {kind}."
    tls_port, plain_port = ctx.facts.port(2376), ctx.facts.port(2375)
    if addresses and (speaks(tls_port, "tls") or (is_open(tls_port) and not is_open(plain_port))):
        found += " A dind daemon is up on docker:2376 (TLS): only the client is misdirected."
        fix = f"Set job variables {TLS_HOST_VARS}."
    elif addresses and is_open(plain_port):
        found += " A dind daemon is up on docker:2375 (plain): only the client is misdirected."
        fix = "Set the job variable DOCKER_HOST: tcp://docker:2375."
    elif addresses:
        found += (" The docker service resolves but 2375/2376 are "
                  f"{describe_port(plain_port)} / {describe_port(tls_port)}.")
        fix = f"Set job variables {TLS_HOST_VARS}, and check that the dind service started."
    else:
        found += " No docker service resolves either."
        fix = (f"Add services: [docker:29-dind] (privileged runner) and set {TLS_HOST_VARS}.")
    return fail(found, *evidence, fix=fix)


@check("unix-socket-shared-volume-misconfig", Link.ENDPOINT, "Socket on a shared volume",
       needs=(*gates.JOB, "docker-host-invalid"),
       applies=lambda ctx: _unix_socket(ctx) not in (None, DEFAULT_SOCKET), probes=("sockets",))
def unix_socket_shared_volume_misconfig(ctx: Context) -> Verdict | None:
    endpoint = ctx.endpoint
    path = endpoint.socket_path or ""
    kind, ping = socket_state(ctx, path)
    folder = path.rsplit("/", 1)[0] or "/"
    evidence = [*_endpoint_evidence(ctx)[:3], (path, f"{kind}, ping {ping}")]
    volume_fix = (f"Add volumes = [\"{folder}\"] to [runners.docker] in config.toml (Kubernetes: "
                  f"an empty_dir at {folder}) and keep DOCKER_HOST identical for job and service.")
    if kind == "missing":
        return fail(f"{path} does not exist in the job: the directory dind writes its socket to "
                    "is not shared with the job.", *evidence, fix=volume_fix)
    if kind != "socket":
        return fail(f"{path} is a {kind}, not a socket: the shared volume is mounted at the wrong "
                    "path, or DOCKER_HOST names the directory.", *evidence,
                    fix=f"DOCKER_HOST must name the socket file, e.g. unix://{folder}/docker.sock; "
                        + volume_fix)
    if ping not in ("ok", "not-probed"):
        return fail(f"{path} is a socket but does not answer ({ping}): a stale socket from a dead "
                    "dind, or the job user cannot open it.", *evidence,
                    fix="Check that the dind service runs with the same DOCKER_HOST and is "
                        "privileged; run the job as root or in the socket's group.")
    return ok(f"The shared socket {path} is present" + (" and answers." if ping == "ok" else "."),
              *evidence)


@check("socket-binding-mixed-with-dind", Link.ENDPOINT, "Host socket and dind together",
       passing="Host socket not mixed with dind",
       needs=(*gates.JOB, "docker-host-invalid"))
def socket_binding_mixed_with_dind(ctx: Context) -> Verdict | None:
    if not host_socket_present(ctx):
        return None
    endpoint = ctx.endpoint
    addresses = docker_alias_addresses(ctx)
    info = ctx.facts.api.info if ctx.facts.api is not None else {}
    evidence: list[tuple[str, object]] = [
        (DEFAULT_SOCKET, "socket"),
        ("effective endpoint", endpoint.url),
        ("docker resolves to", addresses if addresses is not None else "(not looked up)"),
    ]
    if info:
        evidence += [("daemon name", info.get("Name")), ("containers", info.get("Containers"))]
    fix = ("Pick one model: remove /var/run/docker.sock from [runners.docker] volumes (dind "
           "only), or drop the docker:dind service (socket binding only).")
    if endpoint.scheme == "unix" and endpoint.socket_path == DEFAULT_SOCKET and addresses:
        return warn("The host's Docker socket is mounted into the job and a docker service "
                    "exists: the client talks to the host daemon, not to dind.", *evidence,
                    fix=fix)
    if endpoint.scheme == "tcp" and endpoint.host == "docker":
        return warn("The host's Docker socket is mounted into the job while DOCKER_HOST points "
                    "at dind: the runner mounts it into the dind service too, where dockerd "
                    "fails with 'failed to load listeners'.", *evidence, fix=fix)
    return ok("The host's Docker socket is mounted (socket binding) and no dind service is "
              "in sight.", *evidence)
