"""Client views: the libraries and plugins a job uses, each reading the environment its own way.

Every check here returns ``None`` when the job uses no client it is about: a job that only
runs the docker CLI hears nothing from them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..clients.views import TESTCONTAINERS, ClientView, cli_works, job_env, views
from ..model import SEVERITY, Link
from .base import Context, Verdict, check, fail, info, ok, warn

LOOPBACK = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}
FIXED_CA_DIND = (28, 2)
TLS_VARS = ('DOCKER_HOST: "tcp://docker:2376"\nDOCKER_TLS_VERIFY: "1"\n'
            'DOCKER_CERT_PATH: "$DOCKER_TLS_CERTDIR/client"')


def _fail(summary: str, *evidence: tuple[str, object], fix: str = "",
          title: str | None = None) -> Verdict:
    """A failure whose title names the client, so the headline does."""
    verdict = fail(summary, *evidence, fix=fix)
    verdict.title = title
    return verdict


def _warn(summary: str, *evidence: tuple[str, object], fix: str = "",
          title: str | None = None) -> Verdict:
    verdict = warn(summary, *evidence, fix=fix)
    verdict.title = title
    return verdict


def client_views(ctx: Context) -> list[ClientView]:
    return views(ctx.facts, ctx.endpoint)


def _names(found: list[ClientView]) -> str:
    return ", ".join(v.title for v in found)


def _row(view: ClientView) -> tuple[str, str]:
    return (view.title, f"dials {view.transport.dial}, TLS {view.transport.tls_label} -> "
                        f"{view.verdict}: {view.reason}")


@check("client-tls-env-semantics", Link.TOOLS, "Docker clients and the TLS variables")
def client_tls_env_semantics(ctx: Context) -> Verdict | None:
    found = client_views(ctx)
    if not found:
        return None
    cli = ctx.endpoint
    works = cli_works(ctx.facts)
    env = job_env(ctx.facts, cli)
    state = "works" if works else "did not work" if works is False else "not tried"
    evidence: list[tuple[str, object]] = [
        ("docker CLI", f"dials {cli.url}, TLS {'on' if cli.tls else 'off'} -> {state}"),
        *(_row(v) for v in found),
        ("DOCKER_TLS_VERIFY", repr(env["DOCKER_TLS_VERIFY"]) if "DOCKER_TLS_VERIFY" in env
         else "unset"),
        ("DOCKER_CERT_PATH", env.get("DOCKER_CERT_PATH") or "unset"),
    ]
    failing = [v for v in found if v.verdict == "fails"]
    fix = ("Set the three variables explicitly in the job, with DOCKER_TLS_VERIFY exactly \"1\" "
           "(the docker CLI, docker-py and the Go SDK take any non-empty value as on; "
           "Java and .NET take only 1/true, Node only 1):\n" + TLS_VARS)
    if failing and works:
        first = failing[0]
        return _fail(f"{_names(failing)} would fail where the docker CLI works: "
                     f"{first.reason.rstrip('.')}.",
                    *evidence, fix=fix,
                    title=f"{first.title} reads the Docker TLS variables differently")
    if failing:
        return info(f"{_names(failing)} would fail too: {failing[0].reason.rstrip('.')}.",
                    *evidence, fix=fix)
    odd = env.get("DOCKER_TLS_VERIFY") not in (None, "", "1")
    if odd and cli.scheme == "tcp":
        return info(f"DOCKER_TLS_VERIFY={env['DOCKER_TLS_VERIFY']!r} means different things to "
                    "different clients; none of the ones found fails on it here.", *evidence,
                    fix=fix)
    if works is False and any(v.verdict == "ok" for v in found):
        return info("A client would connect although the docker CLI does not.", *evidence)
    return ok(f"{_names(found)}: same endpoint and TLS as the docker CLI, or judged to work.",
              *evidence)


def _tc_views(ctx: Context) -> list[ClientView]:
    return [v for v in client_views(ctx) if v.name in TESTCONTAINERS]


@check("testcontainers-host-override", Link.TOOLS, "Testcontainers host and Ryuk settings")
def testcontainers_host_override(ctx: Context) -> Verdict | None:
    clients = ctx.facts.clients
    if clients is None:
        return None
    tc = _tc_views(ctx)
    tc_env, props = clients.env, clients.tc_properties
    if not tc and not tc_env and "tc.host" not in props:
        return None
    who = _names(tc) if tc else "Testcontainers"
    langs = {v.name for v in tc}
    endpoint = ctx.endpoint
    evidence: list[tuple[str, object]] = [
        ("Testcontainers", _names(tc) if tc else "(only its variables are set)"),
        ("DOCKER_HOST host", endpoint.host if endpoint.scheme == "tcp" else endpoint.url),
        *((k, v) for k, v in tc_env.items()),
    ]
    if clients.tc_properties_path:
        evidence.append((clients.tc_properties_path,
                         ", ".join(f"{k}={v}" for k, v in props.items()) or "(empty)"))
    found: list[Verdict] = []
    override = tc_env.get("TESTCONTAINERS_HOST_OVERRIDE", tc_env.get("TC_HOST"))
    if override is not None:
        found.append(_host_override(override, who, langs, ctx))
    tc_host = props.get("tc.host")
    if tc_host and tc_host.strip() != endpoint.url:
        stale = (f"tc.host={tc_host} in {clients.tc_properties_path} is tried before "
                 f"DOCKER_HOST ({endpoint.url})")
        fix = (f"Remove tc.host from {clients.tc_properties_path}, or do not cache that file "
               "between jobs.")
        if "testcontainers-python" in langs:
            found.append(_fail(
                f"{stale}; Testcontainers for Python uses it with no fallback, so it never "
                "reaches the dind service.", fix=fix,
                title="Testcontainers for Python: a stale tc.host in ~/.testcontainers.properties"))
        else:
            found.append(info(
                f"{stale}; {who} falls back to DOCKER_HOST only when it does not answer, so an "
                "answering endpoint there wins over the dind service.", fix=fix))
    socket_override = tc_env.get("TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE", "")
    if "://" in socket_override:
        found.append(_fail(
            f"TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE={socket_override} is a URL; it is the "
            "daemon-side socket path Ryuk mounts: the daemon answers \"invalid volume "
            "specification\".",
            fix="Remove it (the default /var/run/docker.sock is right for docker:dind), or give "
                "the path inside the dind service, e.g. /run/user/1000/docker.sock for "
                "dind-rootless.",
            title=f"{who}: the Ryuk socket override is a URL"))
    ryuk = tc_env.get("TESTCONTAINERS_RYUK_DISABLED")
    ignoring = langs & {"testcontainers-go", "testcontainers-node", "testcontainers-python"}
    if ryuk is not None and ryuk != "true" and ryuk.lower() in ("1", "true", "yes", "on") \
            and (ignoring or not langs):
        found.append(_warn(
            f"TESTCONTAINERS_RYUK_DISABLED={ryuk!r}: Testcontainers for Go, Node and Python "
            "disable Ryuk only for the exact value \"true\", so Ryuk still starts.",
            fix='Write TESTCONTAINERS_RYUK_DISABLED: "true".',
            title=f"{who}: the Ryuk switch is not read as true"))
    if "TESTCONTAINERS_RYUK_CONTAINER_PRIVILEGED" in tc_env and ignoring:
        found.append(info(
            "TESTCONTAINERS_RYUK_CONTAINER_PRIVILEGED is the Java/.NET name; Node and Python "
            "read TESTCONTAINERS_RYUK_PRIVILEGED.",
            fix="Set TESTCONTAINERS_RYUK_PRIVILEGED as well."))
    if not found:
        return ok(f"{who}: mapped ports are dialled on the DOCKER_HOST host; no override "
                  "points elsewhere.", *evidence)
    worst = min(found, key=lambda v: SEVERITY.index(v.status))
    worst.evidence = evidence + [("also", v.summary) for v in found if v is not worst]
    return worst


def _host_override(override: str, who: str, langs: set[str], ctx: Context) -> Verdict:
    endpoint = ctx.endpoint
    name = "TESTCONTAINERS_HOST_OVERRIDE"
    docker_host = endpoint.host if endpoint.scheme == "tcp" else None
    remove = (f"Remove {name} from the job: with DOCKER_HOST={endpoint.url} Testcontainers "
              f"already uses {docker_host}, where the dind service publishes the ports."
              if docker_host else f"Remove {name}, or set it to the host that publishes ports.")
    if "://" in override:
        return _fail(f"{name}={override} is a URL; it must be a bare host name. Node resolves "
                    "it as a name and drops the strategy; Java and Go dial a host that does "
                    "not exist.", fix=remove, title=f"{who}: {name} is a URL")
    if override == "":
        if langs and not langs & {"testcontainers-go", "testcontainers-node"}:
            return info(f"{name} is set but empty; Java, Python and .NET ignore an empty value.",
                        fix=remove)
        return _fail(f"{name} is set but empty: Testcontainers for Go and Node use the empty "
                    "host as it is.", fix=remove, title=f"{who}: {name} is empty")
    if docker_host is None or override == docker_host:
        return ok(f"{name}={override}: the host of DOCKER_HOST.")
    if override in LOOPBACK and docker_host in LOOPBACK:
        return ok(f"{name}={override}: the daemon itself is on this machine's loopback.")
    if ctx.kubernetes and override in LOOPBACK:
        return ok(f"{name}={override}: on the Kubernetes executor services share the pod's "
                  "network, so published ports are on localhost.")
    if override in LOOPBACK or override == "host.docker.internal":
        where = ("the job container's own loopback" if override in LOOPBACK
                 else "a name that only exists for Docker Desktop or with extra_hosts")
        cli = " The docker CLI works;" if cli_works(ctx.facts) else ""
        return _fail(f"{who} would dial every mapped container port (and Ryuk) at {override}, "
                    f"{where}; the dind service publishes them on {docker_host}.{cli} the "
                    "tests would time out waiting for ports.",
                    fix=remove, title=f"{who}: {name}={override} points away from the dind "
                                      "service")
    return _warn(f"{who} would dial mapped ports at {override}, not at {docker_host} where the "
                "dind service publishes them.", fix=remove,
                title=f"{who}: {name} points away from DOCKER_HOST")


def _version_tuple(text: str | None) -> tuple[int, ...] | None:
    if not text:
        return None
    match = re.match(r"v?(\d+(?:\.\d+)*)", text.strip())
    return tuple(int(p) for p in match.group(1).split(".")) if match else None


@check("python-strict-x509-dind-ca", Link.TLS, "Python strict certificate checks")
def python_strict_x509(ctx: Context) -> Verdict | None:
    clients = ctx.facts.clients
    strict = clients.strict_tls if clients else None
    if clients is None or strict is None or not strict.default_ok:
        return None  # no Python client over TLS, or a TLS problem the TLS checks report
    python = clients.python
    py_clients = [c for c in clients.clients if c.language == "python"]
    daemon = (ctx.facts.api.version.get("Version") if ctx.facts.api else None) or "unknown"
    evidence: list[tuple[str, object]] = [
        ("Python clients", ", ".join(f"{c.name} {c.version or ''}".strip() for c in py_clients)),
        ("job Python", f"{python.version} ({python.executable})" if python else "not found"),
        ("urllib3", python.packages.get("urllib3", "not installed") if python else "unknown"),
        ("CA", strict.ca_path),
        ("default handshake", "ok"),
        ("strict handshake", "ok" if strict.strict_ok else strict.strict_error),
        ("daemon version", daemon),
    ]
    if strict.strict_ok:
        return ok("The dind CA passes Python's strict X.509 checks (VERIFY_X509_STRICT).",
                  *evidence)
    fix = ("Use docker:28.2-dind or newer for the service (its generated CA has keyUsage), "
           "then remove the old certificates volume; until then pin urllib3<2.4 or use "
           "Python 3.12 in the job.")
    py = _version_tuple(python.version) if python else None
    urllib3 = _version_tuple(python.packages.get("urllib3")) if python else None
    strict_now = py is not None and py >= (3, 13) and urllib3 is not None and urllib3 >= (2, 4)
    message = (f"the dind CA fails the strict check: \"{strict.strict_error}\". Python >= 3.13 "
               "with urllib3 >= 2.4 verifies with VERIFY_X509_STRICT (the CLI does not)")
    if strict_now and python is not None:
        return _fail(f"docker-py (Python {python.version}, urllib3 "
                    f"{python.packages.get('urllib3')}) will refuse the daemon: {message}. "
                    "dind images before 28.2 generate such a CA.", *evidence, fix=fix,
                    title="Python refuses the dind CA (no keyUsage)")
    return info(f"Works with this Python today, but {message}: upgrading Python or urllib3 "
                "breaks it unless the service is docker:28.2-dind or newer.", *evidence, fix=fix)


# library -> (first fixed version(s), why old ones fail, source)
# client -> (too old for Docker 29?, first good version, what breaks, upstream issues)
API_FLOOR_RULES: dict[str, tuple[Callable[[tuple[int, ...]], bool], str, str, str]] = {
    "testcontainers-java": (
        lambda v: v < (1, 21, 4) or (2, 0, 0) <= v < (2, 0, 2), "1.21.4 / 2.0.2",
        "falls back to API 1.32: \"client version 1.32 is too old\" inside \"Could not find a "
        "valid Docker environment\"", "testcontainers-java#11210, #11211"),
    "testcontainers-dotnet": (
        lambda v: v < (4, 9, 0), "4.9.0",
        "its Docker.DotNet does not speak the API that Docker 29 requires (4.9.0 pins 1.44)",
        "testcontainers-dotnet#1575, #1576"),
}


@check("testcontainers-api-too-old", Link.TOOLS, "Testcontainers and the daemon's API floor")
def testcontainers_api_too_old(ctx: Context) -> Verdict | None:
    """Java and .NET Testcontainers pin an API version; Python and Go negotiate, and
    docker-modem (Node) sends unversioned requests, so only the first two are judged."""
    clients = ctx.facts.clients
    named = [c for name in API_FLOOR_RULES
             if clients and (c := clients.client(name)) is not None]
    found = [(c, v) for c in named if (v := _version_tuple(c.version)) is not None]
    if not found:
        return None
    api = ctx.facts.api
    minimum = api.version.get("MinAPIVersion") if api else None
    floor = _version_tuple(minimum)
    evidence: list[tuple[str, object]] = [
        *((c.name, f"{c.version} ({c.source})") for c, _ in found),
        ("daemon", f"{api.version.get('Version', 'unknown')}" if api else "not reached"),
        ("daemon minimum API", minimum or "unknown"),
    ]
    old = [(c, API_FLOOR_RULES[c.name]) for c, v in found if API_FLOOR_RULES[c.name][0](v)]
    if not old:
        return ok(", ".join(f"{c.name} {c.version}" for c, _ in found)
                  + " speaks an API version Docker 29 accepts.", *evidence)
    client, (_, fixed, why, source) = old[0]
    label = f"{client.name} {client.version}"
    fix = (f"Upgrade {client.name} to {fixed} or newer ({source}); until then pin the "
           "service image, e.g. docker:28-dind.")
    if floor is not None and floor >= (1, 40):
        return _fail(f"{label} is too old for this daemon (minimum API {minimum}): it {why}.",
                     *evidence, fix=fix, title=f"{label} is too old for this daemon")
    today = "works with this daemon, but " if floor is not None else ""
    return info(f"{label} {today}fails against Docker 29 and later (minimum API 1.44; it "
                f"{why}): an unpinned docker:dind service breaks it.", *evidence, fix=fix)


@check("buildx-tls-context", Link.TOOLS, "buildx builders and TLS variables")
def buildx_tls_context(ctx: Context) -> Verdict | None:
    clients = ctx.facts.clients
    if clients is None or "buildx create" not in clients.script_mentions:
        return None
    env = job_env(ctx.facts, ctx.endpoint)
    tls_env = bool(env.get("DOCKER_TLS_VERIFY") or env.get("DOCKER_CERT_PATH"))
    buildx = clients.buildx
    evidence: list[tuple[str, object]] = [
        ("buildx", f"{buildx.version} at {buildx.path}" if buildx and buildx.path
         else "plugin not found"),
        ("CI file runs", ", ".join(clients.script_mentions)),
        ("TLS variables", "set" if tls_env else "unset"),
    ]
    if not tls_env or "docker context create" in clients.script_mentions:
        return ok("buildx create runs with a context (or without TLS variables).", *evidence)
    if buildx is None:
        return info("The CI file runs `docker buildx create` with TLS variables set; this job "
                    "has no buildx plugin, the job that builds will need a context.", *evidence,
                    fix="docker context create dind && docker buildx create --use dind")
    return _fail("`docker buildx create` refuses TLS settings taken from DOCKER_TLS_VERIFY/"
                "DOCKER_CERT_PATH: \"could not create a builder instance with TLS data loaded "
                "from environment\".", *evidence,
                fix="Create a context first and build the builder on it:\n"
                    "docker context create dind\n"
                    "docker buildx create --use dind",
                title="buildx needs a docker context for TLS")
