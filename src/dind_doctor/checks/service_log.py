"""What only the dind service's own log shows, and how to see it from the job.

A dind that dies at start-up (iptables backend, overlay mounts, privileges) or falls back to
vfs says why in its container log, which the job cannot read. The runner prints that log into
the job log when the job sets ``CI_DEBUG_SERVICES: "true"``. Said only when a symptom is there.
"""

from __future__ import annotations

from ..model import Link
from .base import Context, Verdict, check, info
from .daemon_facts import daemon_info
from .job import executor_guess
from .observed import DIND_PORTS

TITLE = "The dind service's own log (the job cannot see it)"
NO_DAEMON_STATES = ("refused", "timeout", "unreachable", "unresolved")


def debug_services_on(ctx: Context) -> bool:
    return ctx.env.get("CI_DEBUG_SERVICES", "").lower() == "true"


def _how_to_see(ctx: Context) -> tuple[str, str]:
    """(sentence, fix)."""
    if debug_services_on(ctx):
        return ("CI_DEBUG_SERVICES is on: the job log holds the service's lines, prefixed "
                "[service:docker...].", "")
    return ("Set CI_DEBUG_SERVICES: \"true\" on the job to have the runner print the service's "
            "log into the job log (GitLab Runner 15.7+).",
            "variables:\n  CI_DEBUG_SERVICES: \"true\"")


def _no_daemon(ctx: Context) -> bool:
    """A TCP endpoint where nothing answers on the dind ports and the API got no answer."""
    endpoint, api = ctx.endpoint, ctx.facts.api
    if endpoint.scheme != "tcp" or (api is not None and api.ping_ok):
        return False
    ports = [p for p in ctx.facts.ports if p.port in DIND_PORTS]
    return bool(ports) and all(p.state in NO_DAEMON_STATES for p in ports)


@check("iptables-backend-mismatch", Link.DAEMON, TITLE)
def iptables_backend_mismatch(ctx: Context) -> Verdict | None:
    if executor_guess(ctx)[0] == "shell" or not _no_daemon(ctx):
        return None
    see, fix = _how_to_see(ctx)
    name = ctx.facts.name
    resolved = name is not None and bool(name.addresses)
    lead = ("No dind daemon answers. Why a dind service stops at start-up"
            if resolved else "No dind daemon answers and its name does not resolve. If the job "
            "has a dind service, why it stopped at start-up")
    return info(
        f"{lead} is written only in its own "
        "container log, which the job cannot read: \"Error initializing network controller\" "
        "with \"(nf_tables)\" or \"(legacy)\" (iptables backend mismatch; DOCKER_IPTABLES_LEGACY "
        "on the service), \"failed to mount overlay\" (overlay on overlay), or \"mount: "
        f"permission denied\" (not privileged). {see}",
        ("endpoint", ctx.endpoint.url),
        ("name", ", ".join(name.addresses) if name is not None and resolved
         else "does not resolve"),
        *((f"port {p.port}", p.state) for p in ctx.facts.ports if p.port in DIND_PORTS),
        ("CI_DEBUG_SERVICES", ctx.env.get("CI_DEBUG_SERVICES", "(unset)")),
        fix=fix,
    )


@check("overlay-on-overlay", Link.DAEMON, "Why overlay2 was not used")
def overlay_on_overlay(ctx: Context) -> Verdict | None:
    daemon = daemon_info(ctx)
    wanted = ctx.env.get("DOCKER_DRIVER", "")
    if daemon.get("Driver") != "vfs" or wanted == "vfs":
        return None
    see, fix = _how_to_see(ctx)
    return info(
        "dind runs on vfs although nothing in the job asks for it: dockerd fell back after "
        "overlay2 failed. The reason (\"failed to mount overlay: invalid argument\", "
        "\"'overlay2' is not supported over overlayfs\", \"driver not supported\") is in the "
        f"service's own log, which the job cannot read. {see}",
        ("storage driver", "vfs"),
        ("DOCKER_DRIVER", wanted or "(unset)"),
        ("docker root", daemon.get("DockerRootDir")),
        ("CI_DEBUG_SERVICES", ctx.env.get("CI_DEBUG_SERVICES", "(unset)")),
        fix=fix,
    )
