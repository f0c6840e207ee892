"""Job link: what kind of job this is, and job-level wiring that breaks everything after it."""

from __future__ import annotations

from ..endpoint import entrypoint_status
from ..model import Link
from ..proxyenv import daemon_proxy, no_proxy_of, with_entry
from .base import Context, Verdict, check, fail, info, ok
from .observed import LOOPBACK_HOSTS, endpoint_port, path_kind

K8S_TLS_FIX = ("Set job variables DOCKER_HOST: tcp://docker:2376, DOCKER_TLS_VERIFY: \"1\", "
               "DOCKER_CERT_PATH: \"$DOCKER_TLS_CERTDIR/client\"; give the dind service "
               "HEALTHCHECK_TCP_PORT: \"2376\" and an empty_dir at /certs/client.")


def executor_guess(ctx: Context) -> tuple[str, str]:
    """('kubernetes' | 'docker' | 'shell', the clue it rests on)."""
    if ctx.kubernetes:
        return "kubernetes", "KUBERNETES_SERVICE_HOST is set"
    dockerenv = ctx.facts.env.paths.get("/.dockerenv")
    if dockerenv is not None and dockerenv.exists:
        return "docker", "/.dockerenv exists"
    if ctx.facts.env.in_container:
        return "docker", "running in a container"
    return "shell", "no /.dockerenv and not in a container"


@check("job-environment", Link.JOB, "Job environment", probes=("env",))
def job_environment(ctx: Context) -> Verdict | None:
    env = ctx.env
    executor, clue = executor_guess(ctx)
    applies, why = entrypoint_status(env, ctx.facts.env.paths)
    server = env.get("CI_SERVER_HOST", "")
    gitlab = " ".join(filter(None, [server, env.get("CI_SERVER_VERSION", "")])) or "(unknown)"
    where = "a GitLab CI job" if env.get("GITLAB_CI") else "not a GitLab CI job (GITLAB_CI unset)"
    summary = (f"{executor.capitalize()} executor ({clue}), {where}; the docker image "
               f"entrypoint {'configures' if applies else 'does not configure'} the client.")
    return info(
        summary,
        ("executor", f"{executor} ({clue})"),
        ("GitLab", gitlab + (" (GitLab.com)" if server == "gitlab.com" else "")),
        ("runner version", env.get("CI_RUNNER_VERSION")),
        ("job image", env.get("CI_JOB_IMAGE")),
        ("image entrypoint", why),
        ("network per build", env.get("FF_NETWORK_PER_BUILD") or env.get("CI_BUILD_NETWORK_NAME")),
    )


@check("k8s-executor-wiring", Link.JOB, "Kubernetes executor wiring", needs=("job-environment",))
def k8s_executor_wiring(ctx: Context) -> Verdict | None:
    endpoint, env = ctx.endpoint, ctx.env
    if not ctx.kubernetes:
        if endpoint.scheme == "tcp" and endpoint.host in LOOPBACK_HOSTS:
            port = endpoint_port(ctx)
            if port is not None and port.state in ("refused", "timeout"):
                return fail(
                    f"DOCKER_HOST points at {endpoint.host}, which only reaches dind on the "
                    "Kubernetes executor (one pod network); here nothing listens there.",
                    ("DOCKER_HOST", endpoint.url), (f"{endpoint.host}:{endpoint.port}", port.state),
                    fix="Use the service alias: DOCKER_HOST: tcp://docker:2376 (TLS) or "
                        "tcp://docker:2375 (TLS disabled).",
                )
        return None
    problems: list[str] = []
    if endpoint.scheme == "unix":
        sock = ctx.facts.socket(endpoint.socket_path or "")
        if path_kind(ctx, endpoint.socket_path or "") != "socket":
            problems.append("DOCKER_HOST is unset and the image entrypoint does not run, so the "
                            f"client falls back to {endpoint.url}, which does not exist"
                            if not env.get("DOCKER_HOST") else
                            f"DOCKER_HOST is {endpoint.url}, which does not exist in the pod")
        elif sock is not None and sock.ping not in ("ok", "not-probed"):
            problems.append(f"DOCKER_HOST is {endpoint.url} ({sock.ping})")
    if endpoint.scheme == "tcp" and endpoint.port == 2376 and not endpoint.tls:
        problems.append("DOCKER_HOST uses port 2376 but DOCKER_TLS_VERIFY is empty: the client "
                        "speaks plain HTTP to the TLS port")
    certs = ctx.facts.certs
    if (endpoint.tls and not env.get("DOCKER_CERT_PATH") and not endpoint.entrypoint_applies
            and certs is not None and not certs.ca.file.exists):
        problems.append(f"DOCKER_CERT_PATH is unset: the client reads certs from "
                        f"{endpoint.cert_path}, which has no ca.pem")
    evidence: list[tuple[str, object]] = [
        ("DOCKER_HOST", env.get("DOCKER_HOST", "(unset)")),
        ("DOCKER_TLS_VERIFY", env.get("DOCKER_TLS_VERIFY", "(unset)")),
        ("DOCKER_CERT_PATH", env.get("DOCKER_CERT_PATH", "(unset)")),
        ("image entrypoint", "runs" if endpoint.entrypoint_applies else "does not run"),
        ("HEALTHCHECK_TCP_PORT", env.get("HEALTHCHECK_TCP_PORT",
                                         "(not in the job env; set it on the dind service)")),
    ]
    if problems:
        return fail("Kubernetes executor: " + "; ".join(problems) + ".", *evidence,
                    fix=K8S_TLS_FIX)
    return ok("Kubernetes executor: the client endpoint and TLS variables are set explicitly.",
              *evidence)


@check("proxy-not-propagated", Link.JOB, "Proxy settings", needs=("job-environment",))
def proxy_not_propagated(ctx: Context) -> Verdict | None:
    env, endpoint = ctx.env, ctx.endpoint
    job_proxy = next((env[n] for n in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")
                      if env.get(n)), "")
    if not job_proxy:
        return None
    no_proxy_name, no_proxy = no_proxy_of(env)
    evidence: list[tuple[str, object]] = [("job proxy", job_proxy),
                                          (no_proxy_name or "NO_PROXY", no_proxy or "(unset)")]
    if endpoint.scheme == "tcp" and endpoint.host:
        via, client_proxy = daemon_proxy(env, endpoint.host, endpoint.port, endpoint.tls)
        if client_proxy:
            return fail(
                f"The job has a proxy and NO_PROXY does not exempt {endpoint.host!r}: the client "
                f"would send its requests for {endpoint.host}:{endpoint.port} to the proxy "
                f"({via}).", *evidence, ("DOCKER_HOST", endpoint.url),
                fix=f"Add the daemon host to NO_PROXY: NO_PROXY: "
                    f"\"{with_entry(no_proxy, endpoint.host)}\"",
            )
    daemon = ctx.facts.api.info if ctx.facts.api is not None else {}
    if daemon:
        inner_proxy = daemon.get("HttpsProxy") or daemon.get("HttpProxy") or ""
        evidence.append(("daemon proxy", inner_proxy or "(none)"))
        if not inner_proxy:  # a risk, not a proven failure: direct egress may well work
            return info(
                "The job has a proxy but the dind daemon reports none: its pulls and pushes go "
                "out directly. Where the network only lets traffic out through the proxy, they "
                "time out.", *evidence,
                fix="Set HTTP_PROXY/HTTPS_PROXY/NO_PROXY as job variables (they reach the dind "
                    "service) or in the service's variables:.",
            )
    return ok("The client bypasses the proxy for the daemon"
              + (" and the daemon has a proxy." if daemon else "."), *evidence)
