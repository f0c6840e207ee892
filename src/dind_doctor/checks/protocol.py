"""Protocol link: do client and daemon agree on TLS versus plain HTTP?"""

from __future__ import annotations

from ..model import Link
from . import gates
from .base import Context, Verdict, check, fail, ok, over_tcp
from .observed import describe_port, endpoint_port, is_open, speaks


@check("client-plain-http-to-tls-port", Link.PROTOCOL, "Plain client, TLS port",
       passing="Client protocol fits the port",
       needs=gates.PORT,
       applies=lambda ctx: over_tcp(ctx) and not ctx.endpoint.tls, probes=("ports",))
def client_plain_http_to_tls_port(ctx: Context) -> Verdict | None:
    endpoint = ctx.endpoint
    port = endpoint_port(ctx)
    if not is_open(port):
        return None
    where = f"{endpoint.host}:{endpoint.port}"
    evidence: list[tuple[str, object]] = [
        ("DOCKER_HOST", endpoint.url),
        ("DOCKER_TLS_VERIFY", ctx.env.get("DOCKER_TLS_VERIFY", "(unset)")),
        (where, describe_port(port)),
    ]
    if speaks(port, "tls"):
        certs = ctx.facts.certs
        if certs is not None:
            evidence.append(("client certs", f"{certs.path}: "
                             + ("present" if certs.ca.file.exists else "missing")))
        return fail(f"The client speaks plain HTTP to {where}, which serves TLS ('Client sent an "
                    "HTTP request to an HTTPS server.').", *evidence,
                    fix="Export DOCKER_TLS_VERIFY: \"1\" and DOCKER_CERT_PATH: "
                        "\"$DOCKER_TLS_CERTDIR/client\" (the image entrypoint did not).")
    if speaks(port, "http"):
        return ok(f"Plain HTTP on both sides ({where}).", *evidence)
    return None


@check("daemon-plain-client-expects-tls", Link.PROTOCOL, "TLS client, plain daemon",
       passing="Daemon protocol matches",
       needs=gates.PORT,
       applies=lambda ctx: over_tcp(ctx) and ctx.endpoint.tls, probes=("ports",))
def daemon_plain_client_expects_tls(ctx: Context) -> Verdict | None:
    endpoint = ctx.endpoint
    port, plain = endpoint_port(ctx), ctx.facts.port(2375)
    where = f"{endpoint.host}:{endpoint.port}"
    evidence: list[tuple[str, object]] = [
        ("DOCKER_HOST", endpoint.url),
        ("DOCKER_TLS_VERIFY", ctx.env.get("DOCKER_TLS_VERIFY", "(unset)")),
        ("DOCKER_TLS_CERTDIR", ctx.env.get("DOCKER_TLS_CERTDIR", "(unset)")),
        (where, describe_port(port)),
    ]
    fix = ("Make both sides agree: TLS (DOCKER_TLS_CERTDIR: \"/certs\", DOCKER_HOST: "
           "tcp://docker:2376) or plain (DOCKER_HOST: tcp://docker:2375, DOCKER_TLS_CERTDIR, "
           "DOCKER_TLS_VERIFY and DOCKER_CERT_PATH all \"\").")
    if speaks(port, "http"):
        return fail(f"The client expects TLS but {where} serves plain HTTP ('server gave HTTP "
                    "response to HTTPS client').", *evidence, fix=fix)
    if not is_open(port) and endpoint.port != 2375 and speaks(plain, "http"):
        evidence.append((f"{endpoint.host}:2375", describe_port(plain)))
        return fail(f"The client expects TLS on {where}, but the daemon runs without TLS on "
                    "2375 (DOCKER_TLS_CERTDIR was empty for the service).", *evidence, fix=fix)
    if speaks(port, "tls"):
        return ok(f"TLS on both sides ({where}).", *evidence)
    return None
