"""What the inner daemon brings to registries: credentials, trust of $CI_REGISTRY.

The dind daemon starts with defaults: no credentials, only its own CA store. The
runner's DOCKER_AUTH_CONFIG and the host's daemon.json never reach it; the docker client in
the job sends credentials from its own config.json. Credential values never reach the facts.
"""

from __future__ import annotations

from ..facts import ClientConfigFact, RegistryFacts
from ..hosturl import is_ip_literal
from ..model import Link
from .base import Context, Verdict, check, info, ok, warn
from .daemon_facts import daemon_info

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (every run loads this)

if TYPE_CHECKING:
    from typing import Any


def registry_key(name: str) -> str:
    """A registry as config.json keys name it, reduced to host[:port] (Docker Hub: docker.io)."""
    text = name.strip().lower()
    for prefix in ("https://", "http://"):
        if text.startswith(prefix):
            text = text[len(prefix):]
    text = text.split("/", 1)[0]
    return "docker.io" if text in ("index.docker.io", "registry-1.docker.io", "docker.io") \
        else text


def _registry_config(daemon: dict[str, Any]) -> dict[str, Any] | None:
    config = daemon.get("RegistryConfig")
    return config if isinstance(config, dict) else None


def _client_covers(client: ClientConfigFact | None, registry: str) -> str | None:
    """How the job's client authenticates to ``registry``: 'auths', 'credHelpers', None."""
    if client is None:
        return None
    if any(registry_key(name) == registry for name in client.auths):
        return "auths"
    if any(registry_key(name) == registry for name in client.cred_helpers):
        return "credHelpers"
    return None


def _client_evidence(client: ClientConfigFact | None) -> tuple[str, object]:
    if client is None:
        return ("client config", "(not read)")
    if not client.file.exists:
        return ("client config", f"{client.path} ({client.source}): missing")
    if client.parse_error:
        return ("client config", f"{client.path} ({client.source}): {client.parse_error}")
    names = ", ".join(client.auths) or "none"
    store = f"; credsStore {client.creds_store}" if client.creds_store else ""
    return ("client config", f"{client.path} ({client.source}): auths for {names}{store}")


@check("registry-auth-not-inherited", Link.DAEMON, "Registry credentials in the job")
def registry_auth_not_inherited(ctx: Context) -> Verdict | None:
    if "DOCKER_AUTH_CONFIG" not in ctx.env or not daemon_info(ctx):
        return None  # no daemon: whose credentials it would get does not matter yet
    host = ctx.facts.host
    if host is None:
        return None
    client = host.client_config
    evidence: list[tuple[str, object]] = [_client_evidence(client)]
    if host.auth_config_error:
        return info(f"DOCKER_AUTH_CONFIG is set but is {host.auth_config_error}: the runner "
                    "cannot use it for the job's images either.",
                    ("DOCKER_AUTH_CONFIG", "set (value not shown)"), *evidence)
    registries = [registry_key(name) for name in host.auth_config_registries]
    evidence.insert(0, ("DOCKER_AUTH_CONFIG", f"set (value not shown), credentials for "
                                              f"{', '.join(registries) or 'no registry'}"))
    missing = [r for r in registries if not _client_covers(client, r)]
    if not missing:
        return ok("The job's docker client has credentials for every registry in "
                  "DOCKER_AUTH_CONFIG.", *evidence)
    where = client.path if client is not None else "~/.docker/config.json"
    store = (f" Its credential store ({client.creds_store}) was not asked and may hold them."
             if client is not None and client.creds_store else "")
    read_only = client is not None and client.file.exists and not client.file.writable
    tail = (f" {where} is not writable, so docker login cannot store credentials there either "
            "(set DOCKER_CONFIG to a writable directory)." if read_only else "")
    return info(
        f"DOCKER_AUTH_CONFIG holds credentials for {', '.join(missing)}, but the runner uses "
        "them only to pull the job and service images. docker commands in the script "
        f"authenticate with {where}, which has none for {', '.join(missing)}: their pulls, "
        f"builds and pushes there go without credentials.{store}{tail}", *evidence,
        fix="Log in before the first docker command (echo \"$CI_REGISTRY_PASSWORD\" | docker "
            "login -u \"$CI_REGISTRY_USER\" --password-stdin \"$CI_REGISTRY\"), or write "
            "DOCKER_AUTH_CONFIG to the client's config: mkdir -p ~/.docker && printf '%s' "
            "\"$DOCKER_AUTH_CONFIG\" > ~/.docker/config.json.")


def _split_host(registry: str) -> str:
    host = registry.rsplit(":", 1)[0] if registry.count(":") == 1 else registry
    return host.strip("[]")


def _in_cidrs(host: str, cidrs: list[str]) -> str | None:
    if not is_ip_literal(host):
        return None
    import ipaddress  # only for a registry given as an address

    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    for cidr in cidrs:
        try:
            if address in ipaddress.ip_network(cidr, strict=False):
                return cidr
        except ValueError:
            continue
    return None


@check("inner-daemon-registry-trust", Link.DAEMON, "Inner daemon trust of $CI_REGISTRY")
def inner_daemon_registry_trust(ctx: Context) -> Verdict | None:
    registry = registry_key(ctx.env.get("CI_REGISTRY", ""))
    config = _registry_config(daemon_info(ctx))
    if not registry or config is None:
        return None
    indexes = config.get("IndexConfigs") or {}
    cidrs = [str(c) for c in config.get("InsecureRegistryCIDRs") or []]
    entry = indexes.get(registry) or {}
    probed = ctx.facts.registry
    port = probed.port if probed is not None else None
    cidr = _in_cidrs(_split_host(registry), cidrs) or (
        _in_cidrs(port.address, cidrs) if port is not None and port.address else None)
    evidence: list[tuple[str, object]] = [
        ("CI_REGISTRY", registry),
        ("daemon insecure registries",
         [name for name, idx in indexes.items() if idx.get("Secure") is False] + cidrs),
    ]
    if probed is not None and port is not None:
        evidence.append(("from the job", _describe_probe(probed)))
    if entry.get("Secure") is False or cidr:
        why = f"its address is in {cidr}" if cidr else "it is listed as an insecure registry"
        return info(f"The dind daemon treats {registry} as insecure ({why}): it accepts plain "
                    "HTTP and does not verify the registry's certificate.", *evidence)
    if port is not None and port.state == "open" and port.protocol == "http":
        return warn(f"{registry} answers plain HTTP, but the dind daemon treats it as a secure "
                    "registry and never falls back to HTTP: docker login, pull and push fail "
                    "with \"http: server gave HTTP response to HTTPS client\".", *evidence,
                    fix=f"Start the dind service with command: [\"--insecure-registry="
                        f"{registry}\"], or serve the registry over HTTPS.")
    if probed is not None and probed.verified is False:
        return info(f"The job's own CA store rejects {registry}'s certificate "
                    f"({probed.verify_error}). The dind daemon verifies it with its own store "
                    f"(the image's bundle plus /etc/docker/certs.d/{registry}/ in the service), "
                    "so unless the service was given this CA, docker login, pull and push fail "
                    "with \"x509: certificate signed by unknown authority\".", *evidence,
                    fix=TRUST_FIX.format(registry=registry))
    ca_file = ctx.env.get("CI_SERVER_TLS_CA_FILE")
    if ca_file:
        evidence.append(("CI_SERVER_TLS_CA_FILE", ca_file))
        return info(f"GitLab uses a CA of its own (CI_SERVER_TLS_CA_FILE is set). The dind "
                    f"daemon verifies {registry} with its own CA store, which does not have "
                    "it: if the registry's certificate comes from that CA, docker login, pull "
                    "and push fail with \"x509: certificate signed by unknown authority\".",
                    *evidence, fix=TRUST_FIX.format(registry=registry))
    return None


TRUST_FIX = ("Install the CA in the dind service before dockerd starts, or mount it at "
             "/etc/docker/certs.d/{registry}/ca.crt in the service.")


def _describe_probe(probed: RegistryFacts) -> str:
    port = probed.port
    if port is None:
        return "not probed"
    if port.state != "open":
        return f"{port.host}:{port.port} {port.state}"
    text = f"{port.host}:{port.port} speaks {port.protocol or 'an unknown protocol'}"
    if probed.verified is True:
        text += ", certificate verified by the job's CA store"
    elif probed.verified is False:
        text += f", certificate rejected by the job's CA store ({probed.verify_error})"
    return text
