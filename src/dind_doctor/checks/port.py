"""Port link: does something listen on the daemon port the client dials?"""

from __future__ import annotations

from ..model import Link
from . import gates
from .base import Context, Verdict, check, error, fail, info, ok, over_tcp, warn
from .observed import DIND_PORTS, describe_port, endpoint_port, epoch_to_iso, is_open

DEAD_DAEMON_FIX = ("Read 'Service container logs' in the job log for the dind startup error; dind "
                   "needs privileged = true ([runners.docker] or [runners.kubernetes]).")
SILENT = {"silent": "accepts connections but never answers",
          "closed": "accepts connections and closes them at once",
          "other": "answers, but neither HTTP nor TLS: not a Docker daemon"}
STATE_MEANING = {
    "refused": "nothing listens: dind died at startup or has not started yet",
    "timeout": "connections time out: packets are dropped (wrong network, firewall, or the "
               "address of a dead container)",
    "unreachable": "no route to the host",
    "unresolved": "the name did not resolve when the port was dialled",
}


RACE_WINDOW_S = 300  # seconds after the job started in which late certs hint at a race
CLOCK_SLACK_S = 5  # btime has whole seconds and drifts: closer timestamps say nothing


@check("daemon-tls-client-plain-2375", Link.PORT, "TLS daemon, client on 2375",
       passing="Client dials the daemon's port",
       needs=gates.NAME,
       applies=lambda ctx: over_tcp(ctx) and ctx.endpoint.port == 2375, probes=("ports",))
def daemon_tls_client_plain_2375(ctx: Context) -> Verdict | None:
    endpoint = ctx.endpoint
    plain, tls = ctx.facts.port(2375), ctx.facts.port(2376)
    if is_open(plain) or not is_open(tls) or tls is None or tls.protocol not in ("tls", None):
        return None
    certs = ctx.facts.certs
    shared = certs is not None and certs.ca.file.exists
    how = "with TLS" if endpoint.tls else "plain"
    return fail(
        f"The client dials {endpoint.host}:2375 ({how}) but the daemon serves TLS on 2376 "
        "(TLS is the dind default since 19.03).",
        ("DOCKER_HOST", endpoint.url),
        (f"{endpoint.host}:2375", describe_port(plain)),
        (f"{endpoint.host}:2376", describe_port(tls)),
        ("DOCKER_TLS_CERTDIR", ctx.env.get("DOCKER_TLS_CERTDIR", "(unset: /certs in docker:dind)")),
        ("client certs", f"{certs.path}: {'present' if shared else 'missing'}" if certs else None),
        fix="Use TLS: DOCKER_HOST: tcp://docker:2376, DOCKER_TLS_VERIFY: \"1\", DOCKER_CERT_PATH: "
            "\"/certs/client\" + volumes = [\"/certs/client\"]; or disable it: "
            "DOCKER_TLS_CERTDIR: \"\".",
    )


@check("daemon-unreachable", Link.PORT, "Daemon port open",
       needs=(*gates.NAME, "daemon-tls-client-plain-2375"), applies=over_tcp,
       probes=("ports",))
def daemon_unreachable(ctx: Context) -> Verdict | None:
    endpoint = ctx.endpoint
    main = endpoint_port(ctx)
    if main is None or main.state == "not-probed":
        return error(f"Port {endpoint.port} on {endpoint.host} was not probed.")
    others = [p for p in ctx.facts.ports if p.port != main.port and p.port in DIND_PORTS]
    evidence: list[tuple[str, object]] = [
        (f"{p.host}:{p.port}", describe_port(p)) for p in [main, *others]
    ]
    evidence += [("address dialled", main.address), ("attempts", main.attempts)]
    where = f"{endpoint.host}:{endpoint.port}"
    if is_open(main):
        if main.protocol in SILENT:
            return fail(f"{where} {SILENT[main.protocol]}.", *evidence,
                        fix="Check what owns the port (a proxy, port-forward or a hung dockerd); "
                            "restart the job so dind starts fresh.")
        return ok(f"{where} is open ({main.protocol or 'protocol unknown'}).", *evidence)
    answering = [p for p in others if is_open(p) and p.protocol not in SILENT]
    if answering:
        port = answering[0]
        summary = (f"{where} is {main.state}, but the daemon listens on {port.port} "
                   f"({port.protocol or 'protocol unknown'})")
        if endpoint.tls and port.protocol == "http":  # the protocol link names this mismatch
            return info(summary + ": client and daemon disagree on TLS.", *evidence)
        tls_vars = (", DOCKER_TLS_VERIFY: \"1\", DOCKER_CERT_PATH: \"/certs/client\""
                    if port.protocol == "tls" else "")
        return fail(summary + ": the client dials the wrong port.", *evidence,
                    fix=f"Set DOCKER_HOST: tcp://{endpoint.host}:{port.port}{tls_vars}.")
    meaning = STATE_MEANING.get(main.state, main.error or main.state)
    hung = [f"{p.port} {SILENT[p.protocol]}" for p in others
            if is_open(p) and p.protocol in SILENT]
    summary = f"{where} is {main.state}: {meaning}."
    if hung:
        summary += " Port " + "; ".join(hung) + "."
    return fail(summary, *evidence, fix=DEAD_DAEMON_FIX)


@check("daemon-not-ready-race", Link.PORT, "Daemon ready when probed", needs=gates.PORT,
       applies=over_tcp, probes=("ports",))
def daemon_not_ready_race(ctx: Context) -> Verdict | None:
    late = [(p, p.opened_after_ms / 1000) for p in ctx.facts.ports
            if p.opened_after_ms is not None]
    started = ctx.facts.env.job_started_at
    certs = ctx.facts.certs
    cert_times = [] if certs is None else [
        f.file.mtime for f in (certs.ca, certs.cert, certs.key) if f.file.mtime is not None
    ]
    newest = max(cert_times, default=None)
    evidence: list[tuple[str, object]] = [
        ("job container started", epoch_to_iso(started)),
        ("client certs written", epoch_to_iso(newest)),
        ("HEALTHCHECK_TCP_PORT", ctx.env.get("HEALTHCHECK_TCP_PORT", "(not in the job env)")),
    ]
    evidence += [(f"{p.host}:{p.port}", f"open after {seconds:.1f} s of retries")
                 for p, seconds in late]
    fix = ("Give the dind service HEALTHCHECK_TCP_PORT: \"2376\" so the runner waits for it, "
           "and wait in before_script: until docker info; do sleep 1; done (bounded).")
    if late:
        first, seconds = late[0]
        return warn(f"Port {first.port} opened only after {seconds:.1f} s: "
                    "the job started before dind was listening.", *evidence, fix=fix)
    # The job start comes from /proc/stat btime (whole seconds, drifting with the wall
    # clock) plus PID 1's start ticks: a cert mtime a few seconds after it proves nothing,
    # and even a clear gap is only a hint (the daemon answers now). Never more than info.
    gap = (newest - started if ctx.facts.env.in_container and started is not None
           and newest is not None else None)
    if gap is not None and CLOCK_SLACK_S < gap < RACE_WINDOW_S \
            and not ctx.env.get("HEALTHCHECK_TCP_PORT"):
        return info(f"The client certs are {gap:.0f} s newer than the job container's start, "
                    "which hints that dind was still starting when the job began; the daemon "
                    "answered when probed, so this run is not affected.", *evidence, fix=fix)
    main = endpoint_port(ctx)
    if main is None or main.state == "not-probed":
        return None
    return ok("The daemon was listening when probed; nothing shows a start-up race.", *evidence)
