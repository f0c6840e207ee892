"""Name link: does the daemon's host name (the service alias) resolve in the job?"""

from __future__ import annotations

from ..model import Link
from . import gates
from .base import Context, Verdict, check, error, fail, ok, over_tcp

EMBEDDED_DNS = "127.0.0.11"
GITLAB_COM_DNS = "169.254.169.254"

SERVICE_FIX = ("Declare the service with the alias the client uses: services: [{name: "
               "docker:29-dind, alias: docker}]; if it is declared, read 'Service container "
               "logs' in the job log and set privileged = true in config.toml.")


def resolver_story(ctx: Context, host: str) -> str:
    """What the failed lookup says about the network the job runs in."""
    env = ctx.facts.env
    servers = env.resolv_nameservers
    if ctx.kubernetes:
        return ("Kubernetes: the runner maps service aliases to 127.0.0.1 through hostAliases; "
                f"no entry for {host!r} means the alias is not declared on the service (or the "
                "runner predates 12.8).")
    if EMBEDDED_DNS in servers:
        return ("Docker's embedded DNS (127.0.0.11) answers on the per-job network: a service "
                f"named {host!r} is not on it. Either there is none, or its container died at "
                "startup (privileged missing, iptables backend, bad command:).")
    if GITLAB_COM_DNS in servers:
        return ("The resolver is 169.254.169.254 (GitLab.com hosted runner / GCP): the service "
                "is missing or died at startup; gitlab-org-tagged runners are not privileged.")
    return (f"No /etc/hosts line for {host!r} (the runner writes one per service link) and DNS "
            "does not know it: no such service, or its container died at startup.")


@check("alias-unresolvable", Link.NAME, "Service name resolves", needs=gates.ENDPOINT,
       applies=lambda ctx: over_tcp(ctx) and bool(ctx.endpoint.host), probes=("name",))
def alias_unresolvable(ctx: Context) -> Verdict | None:
    endpoint = ctx.endpoint
    name = ctx.facts.name
    if name is None or name.host != endpoint.host:
        return error(f"No name resolution facts for {endpoint.host!r}.",
                     ("looked up", name.host if name else "(nothing)"))
    if name.is_ip:
        return ok(f"{endpoint.host} is an IP address: nothing to resolve.")
    env = ctx.facts.env
    evidence: list[tuple[str, object]] = [
        ("host", name.host),
        ("/etc/hosts", name.hosts_file),
        ("system resolver", name.system or name.system_error),
        ("DNS", name.dns or name.dns_error),
        ("nameservers", env.resolv_nameservers if env.resolv_error is None
         else f"/etc/resolv.conf unreadable: {env.resolv_error}"),
    ]
    if name.dns_server:
        evidence.append(("DNS server asked", name.dns_server))
    addresses = name.addresses
    if addresses:
        via = "/etc/hosts" if name.hosts_file else ("DNS" if name.dns else "the system resolver")
        return ok(f"{name.host} resolves to {', '.join(addresses)} (via {via}).", *evidence)
    if env.hosts_error is not None:  # the runner writes the service links there
        evidence.append(("/etc/hosts unreadable", env.hosts_error))
    links = sorted(k for k in ctx.env if "_PORT_237" in k)
    if links:
        evidence.append(("link variables", links))
    summary = f"{name.host!r} does not resolve in the job. {resolver_story(ctx, name.host)}"
    fix = SERVICE_FIX
    if name.host != "docker":
        summary += f" DOCKER_HOST uses {name.host!r}: the service alias must be exactly that."
        fix = SERVICE_FIX.replace("alias: docker", f"alias: {name.host}")
    return fail(summary, *evidence, fix=fix)
