"""TLS link: the client's cert directory, the daemon's certificate, and mutual TLS."""

from __future__ import annotations

from ..facts import CertDirFacts, CertFileFact, CertInfo, TlsFacts
from ..hosturl import is_ip_literal
from ..model import Link, Status
from . import gates
from .base import Context, Verdict, check, error, fail, ok
from .observed import collected_at, epoch_to_iso, parse_utc

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (every run loads this)

if TYPE_CHECKING:
    from datetime import datetime

SHARE_CERTS_FIX = ("Share dind's client certs: [runners.docker] volumes = [\"/certs/client\", "
                   "\"/cache\"] (Kubernetes: an empty_dir at /certs/client); DOCKER_CERT_PATH "
                   "must be $DOCKER_TLS_CERTDIR/client.")
FRESH_CERTS_FIX = ("Use a fresh per-job anonymous volume \"/certs/client\" (no host path, not "
                   "shared between concurrent jobs) so the job sees this dind's certs.")
KNOWN_VERIFY_ERRORS = ("unknown-authority", "hostname-mismatch", "expired", "not-yet-valid",
                       "no-ca-file")


STALE_CA_S = 600  # ca.pem this much older than the job start cannot be this dind's
_FILES_SHOWN = ("ca.pem", "cert.pem", "key.pem")


def uses_tls(ctx: Context) -> bool:
    return ctx.endpoint.scheme == "tcp" and ctx.endpoint.tls


def _files(certs: CertDirFacts) -> dict[str, CertFileFact]:
    return {"ca.pem": certs.ca, "cert.pem": certs.cert, "key.pem": certs.key}


def _describe_file(fact: CertFileFact) -> str:
    file = fact.file
    if not file.exists:
        return file.kind
    text = f"{file.kind}, {file.size} bytes, mode {file.mode or '?'}"
    if fact.cert is not None:
        text += f", subject {fact.cert.subject}, issuer {fact.cert.issuer}"
    if fact.key_type:
        text += f", {fact.key_type} key"
    return text


def _cert_facts(ctx: Context) -> CertDirFacts | Verdict:
    if ctx.facts.certs is None:
        return error("The client certificate directory was not examined.")
    return ctx.facts.certs


def _tls_facts(ctx: Context) -> TlsFacts | None:
    tls = ctx.facts.tls
    return tls if tls is not None and tls.attempted else None


@check("certs-client-not-shared", Link.TLS, "Client certs present", needs=gates.PROTOCOL,
       applies=uses_tls, probes=("certs",))
def certs_client_not_shared(ctx: Context) -> Verdict | None:
    certs = _cert_facts(ctx)
    if isinstance(certs, Verdict):
        return certs
    files = _files(certs)
    evidence: list[tuple[str, object]] = [
        ("cert dir", f"{certs.path} ({certs.source}): {certs.dir.kind}"),
        ("DOCKER_TLS_CERTDIR", ctx.env.get("DOCKER_TLS_CERTDIR", "(unset)")),
        ("DOCKER_CERT_PATH", ctx.env.get("DOCKER_CERT_PATH", "(unset)")),
        *((name, _describe_file(fact)) for name, fact in files.items()),
    ]
    if certs.dir.kind == "missing":
        return fail(f"{certs.path} does not exist in the job: dind's client certs are not "
                    "shared with it.", *evidence, fix=SHARE_CERTS_FIX)
    if certs.dir.kind != "dir":
        return fail(f"{certs.path} is a {certs.dir.kind}, not a directory.", *evidence,
                    fix=SHARE_CERTS_FIX)
    missing = [name for name, fact in files.items()
               if not fact.file.exists or (fact.file.kind == "file" and fact.file.size == 0)]
    if len(missing) == len(files):
        return fail(f"{certs.path} is empty: dind's client certs are not shared with the job "
                    "(or dind has not written them yet).", *evidence, fix=SHARE_CERTS_FIX)
    if missing:
        effect = ("the CLI stops with 'could not read CA certificate'" if "ca.pem" in missing
                  else "the CLI silently sends no client cert and the daemon rejects it")
        return fail(f"{certs.path} is incomplete (missing or empty: {', '.join(missing)}): "
                    f"{effect}.", *evidence, fix=SHARE_CERTS_FIX)
    return ok(f"ca.pem, cert.pem and key.pem are in {certs.path}.", *evidence)


@check("tls-cert-files-invalid", Link.TLS, "Client cert files valid",
       needs=(*gates.PROTOCOL, "certs-client-not-shared"), applies=uses_tls, probes=("certs",))
def tls_cert_files_invalid(ctx: Context) -> Verdict | None:
    certs = _cert_facts(ctx)
    if isinstance(certs, Verdict):
        return certs
    problems: list[str] = []
    for name, fact in _files(certs).items():
        if not fact.file.readable:
            problems.append(f"{name} is not readable (mode {fact.file.mode or '?'}"
                            + (f", {fact.file.error}" if fact.file.error else "") + ")")
        elif fact.parse_error or not fact.parsed:
            problems.append(f"{name} is not valid PEM ({fact.parse_error or 'not parsed'})")
    if certs.key_matches_cert is False:
        problems.append("key.pem is not the key of cert.pem")
    if certs.cert_signed_by_ca is False:
        problems.append("cert.pem was not issued by ca.pem")
    evidence: list[tuple[str, object]] = [
        *((name, _describe_file(fact)) for name, fact in _files(certs).items()),
        ("key matches cert", certs.key_matches_cert),
        ("cert signed by ca.pem", certs.cert_signed_by_ca),
    ]
    if problems:
        return fail(f"The client cert files in {certs.path} are broken: "
                    + "; ".join(problems) + ".", *evidence,
                    fix="Let dind write them: remove hand-copied or persisted files and "
                        + FRESH_CERTS_FIX[0].lower() + FRESH_CERTS_FIX[1:])
    return ok("The client cert files parse, and cert.pem, key.pem and ca.pem belong together.",
              *evidence)


@check("tls-unknown-authority", Link.TLS, "Server cert issued by ca.pem",
       needs=gates.CERT_FILES, applies=uses_tls, probes=("tls",))
def tls_unknown_authority(ctx: Context) -> Verdict | None:
    tls = _tls_facts(ctx)
    if tls is None:
        return None
    certs = ctx.facts.certs
    server = tls.server_cert
    if server is None:
        return None
    evidence: list[tuple[str, object]] = [
        ("server cert", f"subject {server.subject}, issuer {server.issuer}"),
        ("verification", tls.verify_error or "ok"),
    ]
    if certs is not None and certs.ca.cert is not None:
        evidence += [("ca.pem", f"subject {certs.ca.cert.subject}, "
                      f"sha256 {certs.ca.cert.fingerprint_sha256[:23]}"),
                     ("ca.pem written", epoch_to_iso(certs.ca.file.mtime)),
                     ("job container started", epoch_to_iso(ctx.facts.env.job_started_at))]
    signed = certs.server_signed_by_ca if certs is not None else None
    if signed is False or tls.verify_error == "unknown-authority":
        started = ctx.facts.env.job_started_at
        age = (started - certs.ca.file.mtime if certs is not None and started is not None
               and certs.ca.file.mtime is not None else None)
        # dind writes ca.pem seconds before the job starts; minutes before is an earlier dind
        why = (f" ca.pem was written {age / 60:.0f} min before the job container started: it "
               "is kept from an earlier dind." if age is not None and age > STALE_CA_S
               else " ca.pem is not the CA of this daemon (a shared or persisted cert "
                    "directory, or files copied from elsewhere).")
        return fail("The daemon's certificate was not issued by the job's ca.pem ('x509: "
                    "certificate signed by unknown authority')." + why, *evidence,
                    fix=FRESH_CERTS_FIX)
    if tls.verify_error and tls.verify_error not in KNOWN_VERIFY_ERRORS:
        return Verdict(status=Status.FAIL, title="TLS verification failed",
                       summary=f"A verifying client fails: {tls.verify_error}.",
                       evidence=evidence, fix=FRESH_CERTS_FIX)
    return ok(f"The daemon's certificate was issued by ca.pem ({server.issuer}).", *evidence)


def san_covers(cert: CertInfo, host: str) -> bool:
    """Whether a certificate names ``host`` (DNS SAN with one-label wildcards, or IP SAN)."""
    if is_ip_literal(host):
        import ipaddress  # only for an IP endpoint (compares 10.0.0.1 with ::ffff:... forms)

        address = ipaddress.ip_address(host)
        return any(ipaddress.ip_address(ip) == address for ip in cert.sans_ip)
    host = host.lower().rstrip(".")
    for name in (n.lower().rstrip(".") for n in cert.sans_dns):
        if name == host:
            return True
        if name.startswith("*.") and "." in host and host.split(".", 1)[1] == name[2:]:
            return True
    return False


@check("tls-san-mismatch-custom-alias", Link.TLS, "Server cert names the host",
       needs=gates.CERT_FILES, applies=uses_tls, probes=("tls",))
def tls_san_mismatch_custom_alias(ctx: Context) -> Verdict | None:
    tls = _tls_facts(ctx)
    if tls is None or tls.server_cert is None:
        return None
    host = ctx.endpoint.host or ""
    server = tls.server_cert
    evidence: list[tuple[str, object]] = [
        ("host dialled", host), ("DNS names", server.sans_dns), ("IP addresses", server.sans_ip),
    ]
    if tls.verify_error == "hostname-mismatch" or not san_covers(server, host):
        extra = (" Dialling an IP: use the alias instead." if is_ip_literal(host)
                 else f" The service alias {host!r} is not 'docker'.")
        return fail(f"The daemon's certificate does not name {host!r} ('x509: certificate is "
                    f"valid for {', '.join(server.sans_dns)}, not {host}')." + extra, *evidence,
                    fix=f"Use alias: docker with DOCKER_HOST: tcp://docker:2376, or give the "
                        f"service the variable DOCKER_TLS_SAN: \"DNS:{host}\".")
    return ok(f"The daemon's certificate names {host!r}.", *evidence)


def _window(name: str, cert: CertInfo, now: datetime) -> tuple[str, str | None]:
    """Evidence line for one certificate and, when ``now`` is outside it, the problem."""
    start, end = parse_utc(cert.not_before), parse_utc(cert.not_after)
    line = f"valid {cert.not_before} .. {cert.not_after}"
    if now < start:
        hours = (start - now).total_seconds() / 3600
        return line, f"{name} is not valid yet (starts {hours:.1f} h after the job's clock)"
    if now > end:
        days = (now - end).total_seconds() / 86400
        return line, f"{name} expired {days:.1f} days before the job's clock"
    return line, None


@check("clock-skew-cert-validity", Link.TLS, "Certificates valid now", needs=gates.CERT_FILES,
       applies=uses_tls)
def clock_skew_cert_validity(ctx: Context) -> Verdict | None:
    certs, tls = ctx.facts.certs, ctx.facts.tls
    named: list[tuple[str, CertInfo]] = []
    if tls is not None and tls.server_cert is not None:
        named.append(("server cert", tls.server_cert))
    if certs is not None:
        named += [(name, fact.cert) for name, fact in _files(certs).items()
                  if fact.cert is not None]
    if not named:
        return None
    now = collected_at(ctx)
    evidence: list[tuple[str, object]] = [("job clock", ctx.facts.collected_at)]
    problems: list[str] = []
    for name, cert in named:
        line, problem = _window(name, cert, now)
        evidence.append((name, line))
        if problem:
            problems.append(problem)
    verify_error = tls.verify_error if tls is not None else None
    if not problems and verify_error in ("expired", "not-yet-valid"):
        problems.append(f"a verifying client reports the certificate {verify_error}")
    if problems:
        behind = any("not valid yet" in p or "not-yet-valid" in p for p in problems)
        fix = ("The job host's clock is behind: sync it (chrony/NTP on the runner host or node)."
               if behind else "Rotate the certificates: let dind generate them per job instead "
                              "of mounting long-lived ones.")
        text = "; ".join(problems)
        if not text.startswith(tuple(_FILES_SHOWN)):  # file names keep their case
            text = text[0].upper() + text[1:]
        return fail(text + ".", *evidence, fix=fix)
    return ok("Every certificate is valid at the job's clock.", *evidence)


@check("tls-client-cert-rejected", Link.TLS, "Daemon accepts the client cert",
       needs=(*gates.CERT_FILES, "tls-unknown-authority"), applies=uses_tls, probes=("tls",))
def tls_client_cert_rejected(ctx: Context) -> Verdict | None:
    tls = _tls_facts(ctx)
    if tls is None:
        return None
    evidence: list[tuple[str, object]] = [
        ("endpoint", f"{tls.host}:{tls.port}"),
        ("TLS version", tls.tls_version),
        ("client cert sent", tls.client_cert_sent),
    ]
    certs = ctx.facts.certs
    if certs is not None and certs.cert.cert is not None:
        evidence.append(("client cert issuer", certs.cert.cert.issuer))
    if tls.server_cert is not None:
        evidence.append(("server cert issuer", tls.server_cert.issuer))
    if tls.response:
        evidence.append(("daemon answered", tls.response))
    if tls.client_cert_accepted is False:
        if not tls.client_cert_sent:
            return fail("The daemon requires a client certificate and none was sent (cert.pem "
                        "or key.pem missing: the CLI drops them silently).", *evidence,
                        fix=SHARE_CERTS_FIX)
        return _rejected(ctx, tls, evidence)
    if not tls.handshake_ok:
        evidence.append(("error", tls.error))
        if tls.timed_out:
            return Verdict(Status.FAIL, "The TLS handshake timed out: packets are lost "
                           "on the way (MTU, proxy) or the daemon hangs.", evidence,
                           fix="Check the interface MTU against dind's (--mtu) and NO_PROXY.",
                           title="TLS handshake failed")
        return Verdict(Status.FAIL, f"The TLS handshake failed: {tls.error}.", evidence,
                       fix="Check that the port serves dind's TLS and the cert files are dind's.",
                       title="TLS handshake failed")
    if tls.client_cert_accepted:
        return ok("Mutual TLS works: the daemon accepted the client certificate.", *evidence)
    return None


def _rejection_facts(ctx: Context, tls: TlsFacts) -> tuple[list[str], str]:
    """What the facts show about a sent client cert the daemon refused, and the matching fix."""
    certs = ctx.facts.certs
    client = certs.cert.cert if certs is not None else None
    if client is None:
        return [], ""
    shown: list[str] = []
    fix = ""
    _, outside = _window("cert.pem", client, collected_at(ctx))
    if outside:
        shown.append(f"{outside} (see clock-skew-cert-validity)")
        fix = ("The job host's clock is behind: sync it (chrony/NTP on the runner host or node)."
               if "not valid yet" in outside else
               "Let dind write fresh certs per job instead of mounting long-lived ones: "
               + FRESH_CERTS_FIX[0].lower() + FRESH_CERTS_FIX[1:])
    if certs is not None and certs.cert_signed_by_ca is False:
        shown.append("cert.pem was not issued by ca.pem")
        fix = fix or FRESH_CERTS_FIX
    server = tls.server_cert
    if server is not None and server.issuer != client.issuer:
        shown.append(f"cert.pem was issued by {client.issuer}, the daemon's own certificate by "
                     f"{server.issuer}")
        fix = fix or FRESH_CERTS_FIX
    usage = client.extended_key_usage
    if usage and "clientAuth" not in usage:
        shown.append(f"cert.pem is not a client certificate (extended key usage: "
                     f"{', '.join(usage)})")
        fix = fix or FRESH_CERTS_FIX
    return shown, fix


def _rejected(ctx: Context, tls: TlsFacts, evidence: list[tuple[str, object]]) -> Verdict:
    """The daemon refused a client cert that was sent: say what the facts show, no guess."""
    answer = f" ({tls.response})" if tls.response else ""
    shown, fix = _rejection_facts(ctx, tls)
    if shown:
        return fail(f"The daemon rejected the client certificate{answer}: " + "; ".join(shown)
                    + ".", *evidence, fix=fix)
    certs = ctx.facts.certs
    known = ["cert.pem is valid at the job's clock"]
    if certs is not None and certs.cert_signed_by_ca:
        known.append("it was issued by ca.pem")
    if certs is not None and certs.server_signed_by_ca:
        known.append("ca.pem also issued the daemon's certificate")
    return fail(f"The daemon rejected the client certificate{answer}; the job's files do not "
                f"show why: {', '.join(known)}.", *evidence,
                fix="Compare the CA the daemon trusts for clients (dockerd --tlscacert) with "
                    "the job's ca.pem; " + FRESH_CERTS_FIX[0].lower() + FRESH_CERTS_FIX[1:])
