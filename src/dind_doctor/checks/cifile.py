"""Static checks of ``.gitlab-ci.yml`` (what the jobs declare), link JOB.

Each check looks at the jobs in scope (the current job inside CI, else every job, else the
templates of an include file) that declare a dind service, and names every offending job
with its line. Runner facts refine some of them (Kubernetes, MTU).
"""

from __future__ import annotations

from collections.abc import Callable

from ..config import declared
from ..config.filefacts import CiFileFacts, JobDecl, ServiceDecl
from ..config.images import parse_image
from ..model import Link
from ..proxyenv import daemon_proxy, no_proxy_of, with_entry
from .base import Context, Verdict, check, fail, info, ok, warn, worst
from .dind_scope import job_runners

NEEDS = ("ci-file-invalid",)


def _ci(ctx: Context) -> CiFileFacts | None:
    ci = ctx.facts.ci_file
    return ci if ci is not None and ci.parsed else None


def _at(ctx: Context, line: int | None) -> str:
    ci = ctx.facts.ci_file
    return declared.where(ci.path if ci else ".gitlab-ci.yml", line)


def _job_where(ctx: Context, job: JobDecl, key: str | None = None) -> tuple[str, str]:
    line = job.variable_lines.get(key) if key else None
    return f"job {job.name}", _at(ctx, line or job.line)


def job_image(ctx: Context, job: JobDecl) -> tuple[str, bool]:
    """The image a job runs (its own, else the runner's default) and whether its entrypoint
    was emptied with ``entrypoint: [""]``."""
    if job.image is not None:
        emptied = job.image.entrypoint is not None and all(not p for p in job.image.entrypoint)
        return job.image.name, emptied
    runners = declared.runners_in_scope(ctx.facts.runner_config, ctx.env)
    return (runners[0].image if runners and runners[0].image else ""), False


def _dind(ctx: Context) -> list[tuple[JobDecl, ServiceDecl]]:
    return declared.dind_jobs(_ci(ctx), ctx.env)


DindJudge = Callable[[Context, JobDecl, ServiceDecl], "Verdict | None"]


def each_dind_job(ctx: Context, judge: DindJudge, ok_text: str) -> Verdict | None:
    """``judge``'s problems over every job with a dind service, summed up by :func:`summarise`."""
    pairs = _dind(ctx)
    problems = [v for job, svc in pairs if (v := judge(ctx, job, svc)) is not None]
    return summarise(problems, ok_text, bool(pairs))


def summarise(problems: list[Verdict], ok_text: str, any_jobs: bool) -> Verdict | None:
    """The worst problem; else ``ok_text`` when there were dind jobs to look at, else nothing."""
    if problems:
        return worst(problems)
    return ok(ok_text) if any_jobs else None


def client_vars_needed(job: JobDecl, svc: ServiceDecl, *, kubernetes: bool) -> dict[str, str]:
    """Variables a client without the docker entrypoint needs to reach this dind service."""
    tls = declared.dind_tls(job, svc)
    host = "docker" if "docker" in svc.hostnames else svc.hostnames[-1]
    needed: dict[str, str] = {}
    if "DOCKER_HOST" not in job.variables:
        needed["DOCKER_HOST"] = f"tcp://{host}:{2376 if tls else 2375}"
    if tls:
        if not job.variables.get("DOCKER_TLS_VERIFY"):
            needed["DOCKER_TLS_VERIFY"] = "1"
        if not job.variables.get("DOCKER_CERT_PATH"):
            certdir = declared.tls_certdir(job, svc)[0].rstrip("/")
            needed["DOCKER_CERT_PATH"] = f"{certdir}/client"
    if kubernetes and "HEALTHCHECK_TCP_PORT" not in declared.service_env(job, svc):
        needed["HEALTHCHECK_TCP_PORT"] = "2376" if tls else "2375"
    return needed


def _vars_snippet(values: dict[str, str]) -> str:
    return "variables:\n" + "\n".join(f'  {k}: "{v}"' for k, v in values.items())


@check("ci-file-invalid", Link.JOB, "CI file readable")
def ci_file_invalid(ctx: Context) -> Verdict | None:
    ci = ctx.facts.ci_file
    if ci is None:
        return None
    if not ci.found or ci.error:
        return fail(f"{declared.where(ci.path, ci.error_line)} cannot be analysed: "
                    f"{ci.error or 'not found'}.", ("file", ci.path), ("source", ci.source),
                    fix="Check the file with GitLab's pipeline editor (CI Lint).")
    evidence = [("file", ci.path), ("jobs", len(ci.jobs))]
    if ci.notes:
        return warn(f"{declared.where(ci.path, None)} parses, with remarks.", *evidence,
                    *[("note", n) for n in ci.notes])
    return ok(f"{declared.where(ci.path, None)} parses: {len(ci.jobs)} job(s), "
              f"{len(_dind(ctx))} with a dind service.", *evidence)


@check("ci-file-unresolved", Link.JOB, "CI file completeness", needs=NEEDS)
def ci_file_unresolved(ctx: Context) -> Verdict | None:
    ci = _ci(ctx)
    if ci is None:
        return None
    gaps = list(ci.unresolved) + [u for job in ci.jobs for u in job.unresolved]
    if ci.includes or gaps:
        return info("Parts of the pipeline come from elsewhere; the checks see only this file.",
                    *[("include (not followed)", i) for i in ci.includes],
                    *[("unresolved", g) for g in dict.fromkeys(gaps)])
    return ok("No include:, and every extends: and !reference resolves inside the file.")


@check("dind-service-missing", Link.JOB, "DinD service declared", needs=NEEDS)
def dind_service_missing(ctx: Context) -> Verdict | None:
    ci = _ci(ctx)
    if ci is None:
        return None
    problems, runner_known = [], []
    users = [job for job in declared.jobs_in_scope(ci, ctx.env) if job.uses_docker]
    for job in users:
        runners = job_runners(ctx, job)  # the runners this job lands on, by tags
        socket = any(declared.mounts(r, declared.DOCKER_SOCKET) for r in runners)
        _, host, _ = declared.docker_host(job)
        image = parse_image(job.image.name) if job.image else None
        if runners:
            runner_known.append(job.name)
        if declared.dind_service(job) or socket or (host and host != "docker") or \
                (image is not None and image.is_dind) or \
                job.variables.get("DOCKER_HOST", "").startswith(("unix://", "ssh://")):
            continue
        problems.append(job)
    if not problems:
        return ok("Every job that runs docker has a daemon: a dind service, a socket volume or "
                  "an explicit DOCKER_HOST.") if users else None
    evidence = [_job_where(ctx, job) for job in problems]
    fix = "services:\n  - docker:29-dind\nvariables:\n  DOCKER_TLS_CERTDIR: \"/certs\""
    current = ctx.env.get("CI_JOB_NAME")
    this_job = len(problems) == len(users) or any(job.name == current for job in problems)
    lookup = _docker_unresolved(ctx) if this_job else ""
    if lookup:  # live: this job has no `docker` host, so the declared file is the cause
        return fail(f"{len(problems)} job(s) run docker without a dind service, and `docker` "
                    "does not resolve in this job: there is no daemon to reach.", *evidence,
                    ("lookup docker", lookup), fix=fix)
    if all(job.name in runner_known for job in problems):
        return fail(f"{len(problems)} job(s) run docker without a dind service, and the "
                    "runner they run on does not mount the host socket: there is no daemon.",
                    *evidence, fix=fix)
    return warn(f"{len(problems)} job(s) run docker without a dind service: there is no "
                "`docker` host and no daemon (unless the runner mounts the host socket).",
                *evidence, fix=fix)


def _docker_unresolved(ctx: Context) -> str:
    """How the live lookup of `docker` failed in this job; "" when it resolved or was not
    looked up."""
    name = ctx.facts.name
    if name is None or name.host != "docker" or name.is_ip or name.addresses:
        return ""
    return name.dns_error or name.system_error or "no address"


@check("dind-alias-missing", Link.JOB, "DinD service hostname", needs=NEEDS)
def dind_alias_missing(ctx: Context) -> Verdict | None:
    return each_dind_job(ctx, _dind_alias_missing,
                         "Every dind service is reachable as `docker` (or the "
                         "DOCKER_HOST host).")


def _dind_alias_missing(ctx: Context, job: JobDecl, svc: ServiceDecl) -> Verdict | None:
    _, host, _ = declared.docker_host(job)
    expected = host or "docker"
    if expected == "docker" and "docker" not in svc.hostnames and not svc.alias:
        return fail(
            f"Job {job.name}: the service {svc.name} is registry-prefixed, so its hostnames "
            f"are {', '.join(svc.hostnames)} — not `docker` (lookup docker: no such host).",
            ("service", f"{svc.name} ({_at(ctx, svc.line)})"),
            fix=f"services:\n  - name: {svc.name}\n    alias: docker")
    return None


@check("dind-alias-mismatch", Link.JOB, "DOCKER_HOST host vs service alias", needs=NEEDS)
def dind_alias_mismatch(ctx: Context) -> Verdict | None:
    return each_dind_job(ctx, _dind_alias_mismatch,
                         "DOCKER_HOST names the dind service's hostname.")


def _dind_alias_mismatch(ctx: Context, job: JobDecl, svc: ServiceDecl) -> Verdict | None:
    k8s = ctx.kubernetes_executor
    raw, host, _ = declared.docker_host(job)
    source = "job variables"
    if raw is None and ctx.env.get("DOCKER_HOST"):
        job_env = JobDecl(name=job.name, variables={"DOCKER_HOST": ctx.env["DOCKER_HOST"]})
        raw, host, _ = declared.docker_host(job_env)
        source = "the job's environment"
    if host is None or (host == "docker" and not svc.alias
                        and "docker" not in svc.hostnames):
        return None  # unset/unparsable, or dind-alias-missing's case
    if host in ("localhost", "127.0.0.1") and k8s:
        return None  # one pod, one network namespace
    line = job.variable_lines.get("DOCKER_HOST")
    evidence = [("DOCKER_HOST", f"{raw} ({source}, {_at(ctx, line)})"),
                ("service hostnames", svc.hostnames)]
    if host not in svc.hostnames:
        return fail(
            f"Job {job.name}: DOCKER_HOST names {host!r} but the dind service {svc.name} "
            f"is reachable as {', '.join(svc.hostnames)}.", *evidence,
            fix=f"services:\n  - name: {svc.name}\n    alias: {host}")
    san = declared.service_env(job, svc).get("DOCKER_TLS_SAN", "")
    if declared.dind_tls(job, svc) and host != "docker" and f"DNS:{host}" not in san:
        return warn(
            f"Job {job.name}: with TLS, the dind server certificate covers `docker`, "
            f"`localhost` and the container's name and IPs, not {host!r} (x509: "
            "certificate is valid for ..., not ...).", *evidence,
            fix=f'services:\n  - name: {svc.name}\n    variables:\n'
                f'      DOCKER_TLS_SAN: "DNS:{host}"')
    return None


@check("ci-tls-port-mismatch", Link.JOB, "DOCKER_HOST port vs dind TLS", needs=NEEDS)
def ci_tls_port_mismatch(ctx: Context) -> Verdict | None:
    return each_dind_job(ctx, _ci_tls_port_mismatch,
                         "DOCKER_HOST's port matches the dind TLS mode in every job "
                         "that sets it.")


def _ci_tls_port_mismatch(ctx: Context, job: JobDecl, svc: ServiceDecl) -> Verdict | None:
    if declared.command_drops_defaults(svc):
        return None
    raw, _, port = declared.docker_host(job)
    if raw is None or port is None:
        return None
    certdir, origin = declared.tls_certdir(job, svc)
    evidence = [("DOCKER_HOST", f"{raw} ({_at(ctx, job.variable_lines.get('DOCKER_HOST'))})"),
                ("DOCKER_TLS_CERTDIR", f"{certdir!r} ({origin})")]
    if port == 2375 and certdir:
        return fail(
            f"Job {job.name}: dind serves TLS on 2376 (DOCKER_TLS_CERTDIR={certdir!r}) but "
            "DOCKER_HOST dials plain 2375: Cannot connect to the Docker daemon at "
            "tcp://docker:2375.", *evidence,
            fix='variables:\n  DOCKER_HOST: tcp://docker:2376\n  DOCKER_TLS_CERTDIR: "/certs"'
                "\n# or turn TLS off for both: DOCKER_HOST: tcp://docker:2375 and "
                'DOCKER_TLS_CERTDIR: ""')
    elif port == 2376 and not certdir:
        return fail(
            f"Job {job.name}: DOCKER_TLS_CERTDIR is empty, so dind listens on plain 2375, "
            "but DOCKER_HOST dials 2376.", *evidence,
            fix="variables:\n  DOCKER_HOST: tcp://docker:2375")
    elif port not in (2375, 2376):
        return warn(f"Job {job.name}: DOCKER_HOST uses port {port}; dind listens "
                    f"on {2376 if certdir else 2375}.", *evidence)
    return None


@check("ci-tls-flag-ignored", Link.JOB, "--tls=false with TLS on", needs=NEEDS,
       passing="dind --tls flag")
def ci_tls_flag_ignored(ctx: Context) -> Verdict | None:
    return each_dind_job(ctx, _ci_tls_flag_ignored,
                         "No ineffective --tls=false.")


def _ci_tls_flag_ignored(ctx: Context, job: JobDecl, svc: ServiceDecl) -> Verdict | None:
    flags = [c for c in svc.command or [] if c in ("--tls=false", "--tlsverify=false")]
    certdir, origin = declared.tls_certdir(job, svc)
    if flags and certdir and not declared.command_drops_defaults(svc):
        return warn(
            f"Job {job.name}: {flags[0]} does not turn TLS off while DOCKER_TLS_CERTDIR is "
            f"{certdir!r} ({origin}): the entrypoint still adds --tlsverify on 2376.",
            ("service", f"{svc.name} ({_at(ctx, svc.line)})"),
            fix='variables:\n  DOCKER_TLS_CERTDIR: ""\n  DOCKER_HOST: tcp://docker:2375')
    return None


@check("ci-k8s-tls-vars", Link.JOB, "Kubernetes DinD variables", needs=NEEDS)
def ci_k8s_tls_vars(ctx: Context) -> Verdict | None:
    if not ctx.kubernetes_executor:
        return None
    return each_dind_job(ctx, _ci_k8s_tls_vars,
                         "Every dind job sets DOCKER_HOST, the TLS variables and "
                         "HEALTHCHECK_TCP_PORT explicitly.")


def _ci_k8s_tls_vars(ctx: Context, job: JobDecl, svc: ServiceDecl) -> Verdict | None:
    if job.variables.get("FF_KUBERNETES_HONOR_ENTRYPOINT", "").lower() == "true":
        return None
    needed = client_vars_needed(job, svc, kubernetes=True)
    if not needed:
        return None
    verdict = warn if set(needed) == {"HEALTHCHECK_TCP_PORT"} else fail
    return verdict(
        f"Job {job.name}: the Kubernetes executor does not run the image entrypoint, so "
        f"nothing derives {', '.join(needed)}.", _job_where(ctx, job),
        ("missing", list(needed)), fix=_vars_snippet(needed))


@check("ci-entrypoint-bypassed", Link.JOB, "Client auto-configuration", needs=NEEDS)
def ci_entrypoint_bypassed(ctx: Context) -> Verdict | None:
    if ctx.kubernetes_executor:
        return None  # ci-k8s-tls-vars covers it
    return each_dind_job(ctx, _ci_entrypoint_bypassed,
                         "Every dind job's client is configured, by the docker image "
                         "entrypoint or by explicit variables.")


def _ci_entrypoint_bypassed(ctx: Context, job: JobDecl, svc: ServiceDecl) -> Verdict | None:
    name, emptied = job_image(ctx, job)
    if name and parse_image(name).is_docker_image and not emptied:
        return None
    needed = client_vars_needed(job, svc, kubernetes=False)
    if not needed:
        return None
    if emptied:
        why = "`entrypoint: [\"\"]` removes docker-entrypoint.sh"
    elif not name:
        why = "the job has no image (the runner's default), which may not be a docker:* image"
    elif "$" in name:
        why = f"the job image {name} is set by variables, so it may not be a docker:* image"
    else:
        why = f"the job image {name} is not a docker:* image"
    # a custom image may configure the client itself; an emptied entrypoint cannot
    make = fail if emptied else warn
    return make(
        f"Job {job.name}: {why}, so nothing sets {', '.join(needed)}; the client falls back "
        "to unix:///var/run/docker.sock or speaks plain HTTP to the TLS port.",
        _job_where(ctx, job), ("missing", list(needed)), fix=_vars_snippet(needed))


@check("dind-command-drops-defaults", Link.JOB, "dind service command", needs=NEEDS)
def dind_command_drops_defaults(ctx: Context) -> Verdict | None:
    return each_dind_job(ctx, _dind_command_drops_defaults,
                         "No dind service replaces the entrypoint's default flags.")


def _dind_command_drops_defaults(ctx: Context, job: JobDecl, svc: ServiceDecl) -> Verdict | None:
    if not declared.command_drops_defaults(svc):
        return None
    command = svc.command or []
    tcp = any("tcp://" in part for part in command)
    flags = [c for c in command[1:]]
    text = (f"Job {job.name}: command starts with `dockerd`, so the entrypoint adds none of "
            "its flags (no --host, no TLS)")
    evidence = ("command", f"{command} ({_at(ctx, svc.line)})")
    fix = f"command: {flags!r}   # flags only: the entrypoint keeps its defaults"
    if tcp:
        return info(text + "; the command sets its own tcp listener.", evidence, fix=fix)
    return fail(text + ": dind listens on no TCP port.", evidence, fix=fix)


@check("floating-docker-tag", Link.JOB, "Pinned docker images", needs=NEEDS)
def floating_docker_tag(ctx: Context) -> Verdict | None:
    pairs = _dind(ctx)
    floating: dict[str, str] = {}
    for job, svc in pairs:
        for name, line in ((job.image.name, job.image.line) if job.image else ("", None),
                           (svc.name, svc.line)):
            ref = parse_image(name) if name else None
            if ref is not None and ref.is_docker_image and ref.floating:
                floating.setdefault(name, _at(ctx, line))
    if floating:
        stable = [n for n in floating if parse_image(n).tag.startswith("stable")]
        note = " docker:stable is frozen at 19.03." if stable else ""
        return warn(f"{len(floating)} docker image tag(s) float: a new Docker release changes "
                    f"the client or daemon under the pipeline.{note}",
                    *[("image", f"{n} ({w})") for n, w in floating.items()],
                    fix="image: docker:29.1.3-cli\nservices:\n  - docker:29.1.3-dind   "
                        "# same full version for both")
    return ok("The docker client and dind images are pinned.") if pairs else None


@check("docker-version-skew", Link.JOB, "Client vs dind version", needs=NEEDS)
def docker_version_skew(ctx: Context) -> Verdict | None:
    return each_dind_job(ctx, _docker_version_skew,
                         "Client and dind versions move together.")


def _docker_version_skew(ctx: Context, job: JobDecl, svc: ServiceDecl) -> Verdict | None:
    if job.image is None:
        return None
    client, daemon = parse_image(job.image.name), parse_image(svc.name)
    if not (client.is_docker_image and daemon.is_docker_image):
        return None
    cv, dv = client.version, daemon.version
    evidence = [("client", f"{job.image.name} ({_at(ctx, job.image.line)})"),
                ("dind", f"{svc.name} ({_at(ctx, svc.line)})")]
    if cv and dv and cv[0] < dv[0]:
        return warn(f"Job {job.name}: client {cv[0]}.x is older than dind "
                    f"{dv[0]}.x; newer daemons raise their minimum API version.",
                    *evidence)
    elif (cv or client.tag.startswith("stable")) and daemon.floating and dv is None:
        return warn(
            f"Job {job.name}: the client is pinned ({job.image.name}) but dind floats "
            f"({svc.name}); the next Docker release can reject the old client "
            "(client version ... is too old).", *evidence)
    return None


@check("docker-driver-vfs", Link.JOB, "DOCKER_DRIVER", needs=NEEDS)
def docker_driver_vfs(ctx: Context) -> Verdict | None:
    return each_dind_job(ctx, _docker_driver_vfs,
                         "No dind job forces the vfs storage driver.")


def _docker_driver_vfs(ctx: Context, job: JobDecl, svc: ServiceDecl) -> Verdict | None:
    driver = declared.service_env(job, svc).get("DOCKER_DRIVER", "")
    if driver.strip().lower() == "vfs":
        return warn(
            f"Job {job.name}: DOCKER_DRIVER=vfs reaches dockerd, which then copies every "
            "layer in full: slow builds and full disks.",
            _job_where(ctx, job, "DOCKER_DRIVER"), fix="variables:\n  DOCKER_DRIVER: overlay2")
    return None


@check("no-proxy-missing-docker", Link.JOB, "Proxy bypass for docker", needs=NEEDS)
def no_proxy_missing_docker(ctx: Context) -> Verdict | None:
    return each_dind_job(ctx, _no_proxy_missing_docker,
                         "Every proxied dind job bypasses the proxy for the daemon.")


def _no_proxy_missing_docker(ctx: Context, job: JobDecl, svc: ServiceDecl) -> Verdict | None:
    env = {k: declared.expand(v, job.variables) for k, v in job.variables.items()}
    _, host, port = declared.docker_host(job)
    host = host or "docker"
    tls = port == 2376 if port is not None else declared.dind_tls(job, svc)
    port = port or (2376 if tls else 2375)
    via, proxy = daemon_proxy(env, host, port, tls)
    if not proxy:
        return None
    name, no_proxy = no_proxy_of(env)
    return warn(
        f"Job {job.name}: {via} is set and NO_PROXY does not exempt {host}:{port}: the "
        "docker client sends its daemon requests to the proxy.",
        _job_where(ctx, job, name or via),
        (name or "NO_PROXY", no_proxy or "(unset)"),
        fix=f'variables:\n  NO_PROXY: "{with_entry(no_proxy, host)}"')


def path_mtu(ctx: Context) -> tuple[int | None, str]:
    """The smallest MTU known on the path: the runner's per-build network or the job's NIC."""
    for runner in declared.runners_in_scope(ctx.facts.runner_config, ctx.env):
        if runner.network_mtu and runner.network_mtu < 1500 and not runner.network_mode:
            return runner.network_mtu, f"{runner.name}: network_mtu"
    env = ctx.facts.env
    if env.default_interface and env.interfaces_mtu.get(env.default_interface, 1500) < 1500:
        return env.interfaces_mtu[env.default_interface], f"{env.default_interface} MTU (live)"
    return None, ""


@check("dind-mtu-flag-missing", Link.JOB, "dind MTU", needs=NEEDS)
def dind_mtu_flag_missing(ctx: Context) -> Verdict | None:
    mtu, source = path_mtu(ctx)
    if mtu is None:
        return None

    def flag_missing(ctx: Context, job: JobDecl, svc: ServiceDecl) -> Verdict | None:
        flags = [c for c in svc.command or [] if c.startswith("--mtu")]
        value = flags[0].partition("=")[2] if flags else ""
        if flags and not (value.isdigit() and int(value) > mtu):
            return None
        return warn(
            f"Job {job.name}: the path MTU is {mtu} ({source}) but dind's bridge uses "
            f"{value or 1500}: large packets from inner containers are dropped (hung "
            "downloads, TLS handshake timeouts).",
            ("service", f"{svc.name} ({_at(ctx, svc.line)})"),
            fix=f'services:\n  - name: {svc.name}\n    command: ["--mtu={mtu}"]')

    return each_dind_job(ctx, flag_missing, f"dind's MTU fits the path MTU {mtu}.")
