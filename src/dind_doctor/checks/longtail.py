"""The inner daemon's situation beyond reachability: rootless mode, anonymous Docker Hub pulls.

Both read what the daemon reported (``/info``) and what the job's clients hold; both stay
quiet when the daemon was not reached or the client facts were not collected.
"""

from __future__ import annotations

from ..clients.views import TESTCONTAINERS, views
from ..model import Link
from .base import Context, Verdict, check, info, ok, warn

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (every run loads this)

if TYPE_CHECKING:
    from typing import Any

HUB_NAMES = ("docker.io", "index.docker.io", "registry-1.docker.io")
ROOTLESS_SOCKET = "/run/user/1000/docker.sock"


def _daemon_info(ctx: Context) -> dict[str, Any] | None:
    api = ctx.facts.api
    return api.info if api is not None and api.info else None


@check("dind-rootless-mode", Link.DAEMON, "Rootless dind")
def dind_rootless_mode(ctx: Context) -> Verdict | None:
    daemon = _daemon_info(ctx)
    options = (daemon.get("SecurityOptions") or []) if daemon else []
    if not any("name=rootless" in str(o) for o in options):
        return None
    clients = ctx.facts.clients
    tc_env = clients.env if clients else {}
    tc = [v for v in views(ctx.facts, ctx.endpoint) if v.name in TESTCONTAINERS]
    evidence: list[tuple[str, object]] = [("security options", options),
                                          ("Testcontainers", ", ".join(v.title for v in tc)
                                           or "not used")]
    ryuk_on = tc_env.get("TESTCONTAINERS_RYUK_DISABLED") != "true"
    socket = tc_env.get("TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE", "/var/run/docker.sock")
    if (tc or tc_env) and ryuk_on and not socket.startswith("/run/user/"):
        return warn(f"The dind daemon runs rootless, so its socket is {ROOTLESS_SOCKET}; Ryuk "
                    f"bind-mounts {socket}, which does not exist there, and fails to start.",
                    *evidence,
                    fix=f'Set TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE: "{ROOTLESS_SOCKET}" (or '
                        'TESTCONTAINERS_RYUK_DISABLED: "true").')
    return info("The dind daemon runs rootless (docker:dind-rootless): its socket is "
                f"{ROOTLESS_SOCKET}, the service still needs privileged = true, "
                "--privileged containers and some mounts (sysfs) are refused inside it. It "
                "listens on 2376 (TLS) through rootlesskit; ports its containers publish are "
                "forwarded by rootlesskit (below 1024 only with net.ipv4."
                "ip_unprivileged_port_start lowered); its MTU is rootlesskit's (1500 unless "
                "DOCKERD_ROOTLESS_ROOTLESSKIT_MTU is set); rootless overlay2 needs kernel 5.11 "
                "or later, else it stores images on fuse-overlayfs or vfs.",
                *evidence)


@check("registry-rate-limit", Link.DAEMON, "Docker Hub pulls of the inner daemon")
def registry_rate_limit(ctx: Context) -> Verdict | None:
    daemon = _daemon_info(ctx)
    clients = ctx.facts.clients
    if daemon is None or clients is None:
        return None
    mirrors = (daemon.get("RegistryConfig") or {}).get("Mirrors") or []
    logins, helpers, store = _client_credentials(ctx)
    hub_login = [r for r in logins if _is_hub(r)]
    evidence: list[tuple[str, object]] = [
        ("registry mirrors (inner daemon)", mirrors),
        ("client config", clients.docker_config_path or "none"),
        ("logged in to", logins),
        ("credential store", store or "none"),
    ]
    if helpers:
        evidence.append(("credential helpers", helpers))
    if mirrors or hub_login:
        return ok("The inner daemon pulls through a mirror or with Docker Hub credentials.",
                  *evidence)
    fix = ('Log in before pulling (echo "$DOCKERHUB_TOKEN" | docker login -u '
           '"$DOCKERHUB_USER" --password-stdin), or give the service a mirror: '
           'command: ["--registry-mirror", "https://mirror.gcr.io"].')
    limit = "Since April 2025 anonymous pulls are limited to 10 per hour per IP address."
    hub_helpers = [r for r in helpers if _is_hub(r)]
    if store or helpers:
        # a store or a helper says where credentials would be looked up, not that any are there
        held = (f"a credential helper for Docker Hub ({', '.join(hub_helpers)})" if hub_helpers
                else " and ".join(part for part in (
                    f"a credential store ({store})" if store else "",
                    f"credential helpers for {', '.join(helpers)}" if helpers else "") if part))
        summary = (f"The job's docker config names {held}, but has no Docker Hub entry under "
                   "auths: whether it holds Docker Hub credentials is not visible here "
                   "(dind-doctor never runs a credential helper). Without them, and with no "
                   f"registry mirror, the inner daemon pulls from Docker Hub anonymously. {limit}")
    else:
        summary = ("The inner daemon starts empty and pulls from Docker Hub anonymously: no "
                   f"registry mirror and no Docker Hub login in the job. {limit}")
    if "DOCKER_AUTH_CONFIG" in ctx.env:
        summary += (" DOCKER_AUTH_CONFIG is set, but only the runner reads it (for the job and "
                    "service images); neither the job's docker client nor the inner daemon do.")
    return info(summary, *evidence, fix=fix)


def _is_hub(registry: str) -> bool:
    return any(name in registry for name in HUB_NAMES)


def _client_credentials(ctx: Context) -> tuple[list[str], list[str], str | None]:
    """Registries the job's docker config has a login for (``auths``), those it names a
    credential helper for, and its credential store. From the host probe, which keeps logins
    and helpers apart; facts without it fall back to the clients probe, which merges them."""
    host = ctx.facts.host
    config = host.client_config if host is not None else None
    if config is not None and config.file.kind == "file" and config.parse_error is None:
        return config.auths, config.cred_helpers, config.creds_store
    clients = ctx.facts.clients
    if clients is None:
        return [], [], None
    return clients.docker_config_registries, [], clients.docker_config_store
