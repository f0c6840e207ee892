"""GitLab.com hosted runners and the network per job (FF_NETWORK_PER_BUILD), from job variables.

Both are context, not faults: they change what the other findings mean (which runners may run
a privileged dind, the network MTU, how the job finds the service), so they are ``info``.
"""

from __future__ import annotations

import json

from ..model import Link
from .base import Context, Verdict, check, info
from .job import executor_guess

GITLAB_COM = "gitlab.com"
HOSTED_MANAGER = "runners-manager.gitlab.com"
EMBEDDED_DNS = "127.0.0.11"
GCP_METADATA_DNS = "169.254.169.254"
TRUE_VALUES = ("1", "true", "yes", "on")


def runner_tags(value: str) -> list[str]:
    """``CI_RUNNER_TAGS``: a JSON array (GitLab 14+) or a comma-separated list."""
    text = value.strip()
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, list):
            return [str(tag).strip() for tag in parsed if str(tag).strip()]
        text = text.strip("[]")
    return [tag.strip().strip("\"'") for tag in text.split(",") if tag.strip().strip("\"'")]


def _mtu_evidence(ctx: Context) -> list[tuple[str, object]]:
    env = ctx.facts.env
    iface = env.default_interface
    job_mtu = env.interfaces_mtu.get(iface) if iface else None
    bridge = ctx.facts.api.bridge_mtu if ctx.facts.api is not None else None
    return [(f"job {iface} MTU" if iface else "job MTU", job_mtu), ("dind bridge MTU", bridge)]


@check("gitlab-saas-runner-specifics", Link.RUNNER, "GitLab.com hosted runner")
def gitlab_saas_runner_specifics(ctx: Context) -> Verdict | None:
    env = ctx.env
    if env.get("CI_SERVER_HOST", "").lower() != GITLAB_COM:
        return None
    tags = runner_tags(env.get("CI_RUNNER_TAGS", ""))
    description = env.get("CI_RUNNER_DESCRIPTION", "")
    saas = [t for t in tags if t.startswith("saas-")]
    hosted = bool(saas) or "gitlab-org" in tags or HOSTED_MANAGER in description
    if not hosted:
        return None
    notes: list[str] = []
    if "gitlab-org" in tags and not saas:
        notes.append("runners tagged gitlab-org do not run privileged services, so a dind "
                     "service dies at start-up there; use a saas-linux-* tag")
    else:
        notes.append("saas-linux-* runners run privileged services and mount /certs/client, so "
                     "the TLS recipe (tcp://docker:2376) works as documented")
    notes.append("their network MTU can be below dind's 1500 (saas-linux-small-amd64: 1360 "
                 "since May 2026), see the MTU finding")
    notes.append("errors that hit many projects at once are often fleet changes: check "
                 "status.gitlab.com")
    resolver = GCP_METADATA_DNS in ctx.facts.env.resolv_nameservers
    return info("GitLab.com hosted runner" + (f" ({', '.join(saas)})" if saas else "") + ": "
                + "; ".join(notes) + ".",
                ("CI_SERVER_HOST", env.get("CI_SERVER_HOST")),
                ("CI_RUNNER_TAGS", tags),
                ("CI_RUNNER_DESCRIPTION", description or None),
                ("resolver", ctx.facts.env.resolv_nameservers
                 + ([] if not resolver else ["(Google Cloud metadata DNS)"])),
                *_mtu_evidence(ctx))


@check("ff-network-per-build-effects", Link.RUNNER, "Network per job (FF_NETWORK_PER_BUILD)")
def ff_network_per_build_effects(ctx: Context) -> Verdict | None:
    env = ctx.env
    flag = env.get("FF_NETWORK_PER_BUILD", "").lower() in TRUE_VALUES
    network = env.get("CI_BUILD_NETWORK_NAME", "")
    if not (flag or network) or executor_guess(ctx)[0] != "docker":
        return None
    endpoint = ctx.endpoint
    link_vars = sorted(k for k in env if "_PORT_237" in k)
    notes = [
        "the job finds services through Docker's embedded DNS"
        + (" (resolver 127.0.0.11 here)" if EMBEDDED_DNS in ctx.facts.env.resolv_nameservers
           else ""),
        "no DOCKER_PORT_2375_TCP-style link variables are set, so DOCKER_HOST must be set "
        "explicitly" + (f" (it is: {endpoint.url})" if env.get("DOCKER_HOST")
                        else f" (it is not: the client uses {endpoint.url})"),
        "containers inside dind cannot use 127.0.0.11 and fall back to public DNS "
        "(--dns on the service when they need internal names)",
        "the network's MTU is network_mtu from config.toml (1500 when unset)",
    ]
    return info("The job runs on a network of its own: " + "; ".join(notes) + ".",
                ("FF_NETWORK_PER_BUILD", env.get("FF_NETWORK_PER_BUILD", "(unset)")),
                ("CI_BUILD_NETWORK_NAME", network or "(unset)"),
                ("resolver", ctx.facts.env.resolv_nameservers),
                ("link variables", link_vars),
                *_mtu_evidence(ctx))
