"""Static checks of the runner's ``config.toml`` (and Helm ``runners.config``), link RUNNER.

They read ``facts.runner_config`` and, for what the runner must provide, ``facts.ci_file``.
``privileged-missing`` also joins live facts: a declared dind service whose alias does not
resolve on a per-job network means the service died at startup.
"""

from __future__ import annotations

import json

from ..config import declared
from ..config.filefacts import RunnerConfigFacts, RunnerDecl
from ..config.purpose import DAEMONLESS
from ..model import Link
from .base import Context, Verdict, check, each_runner, fail, info, ok, warn, worst
from .dind_scope import DindScope, dind_scope, each_dind_runner

PER_JOB_RESOLVER = "127.0.0.11"
DIND_ENV_KEYS = ("DOCKER_HOST", "DOCKER_TLS_CERTDIR", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH",
                 "DOCKER_DRIVER")
NEEDS = ("runner-config-invalid",)


def _rc(ctx: Context) -> RunnerConfigFacts | None:
    return ctx.facts.runner_config


def _at(rc: RunnerConfigFacts, runner: RunnerDecl, key: str = "") -> str:
    line = runner.key_lines.get(key) or runner.line
    return declared.where(rc.path, line)


def _section(runner: RunnerDecl) -> str:
    return "[runners.kubernetes]" if runner.kubernetes else "[runners.docker]"


@check("runner-config-invalid", Link.RUNNER, "Runner config readable")
def runner_config_invalid(ctx: Context) -> Verdict | None:
    rc = _rc(ctx)
    if rc is None:
        return None
    label = "Helm values" if rc.helm else "runner config"
    if not rc.found or rc.error:
        return fail(f"The {label} {declared.where(rc.path, rc.error_line)} cannot be used: "
           f"{rc.error or 'not found'}.", ("file", rc.path), ("source", rc.source),
           fix="Point --runner-config (or --helm-values) at the runner's config.toml.")
    if not rc.runners:
        return warn(f"The {label} declares no [[runners]]; nothing to check.",
           ("file", rc.path), *[("note", n) for n in rc.notes])
    evidence = [("file", rc.path), ("runners", [f"{r.name} ({r.executor or '?'})"
                                                for r in rc.runners])]
    if rc.notes:
        return warn(f"The {label} parses, with {len(rc.notes)} value(s) the runner would reject "
           "or ignore.", *evidence, *[("note", n) for n in rc.notes])
    return ok(f"The {label} parses: {len(rc.runners)} runner(s).", *evidence)


@check("runner-executor", Link.RUNNER, "Runner executor", needs=NEEDS)
def runner_executor(ctx: Context) -> Verdict | None:
    rc = _rc(ctx)
    if rc is None or not rc.parsed or not rc.runners:
        return None
    dind = bool(declared.dind_jobs(ctx.facts.ci_file, ctx.env))
    verdicts = []
    for runner in rc.runners:
        where = ("executor", f"{runner.name}: {runner.executor or '(none)'} "
                             f"({_at(rc, runner, 'executor')})")
        if runner.kubernetes:
            verdicts.append(info(
                f"{runner.name}: Kubernetes executor — services share the pod's network "
                "(aliases map to 127.0.0.1), the job image entrypoint does not run, certs need "
                "an empty_dir and the health check needs HEALTHCHECK_TCP_PORT.", where))
        elif runner.docker_like:
            verdicts.append(ok(f"{runner.name}: {runner.executor} executor runs services such "
                               "as docker:dind.", where))
        elif runner.executor == "shell" and dind:
            verdicts.append(fail(
                f"{runner.name}: the shell executor ignores `services:`, so the declared dind "
                "service never starts and `docker` does not resolve.", where,
                fix="Run DinD jobs on a docker or kubernetes runner (tags), or use the host "
                    "daemon: add the gitlab-runner user to the docker group."))
        else:
            verdicts.append(info(f"{runner.name}: {runner.executor or 'no'} executor; DinD "
                                 "services need the docker or kubernetes executor.", where))
    return worst(verdicts)


def service_privilege(runner: RunnerDecl, image: str) -> tuple[bool, str]:
    """Whether ``image`` runs privileged as a service on ``runner``, and why."""
    if runner.services_privileged is not None:
        flag, key = runner.services_privileged, (
            "service_container_security_context.privileged" if runner.kubernetes
            else "services_privileged")
    else:
        flag, key = bool(runner.privileged), "privileged"
    if not flag:
        return False, f"{_section(runner)} {key} = {'false' if flag is False else '(unset)'}"
    allowed = runner.allowed_privileged_services
    if allowed and not any(declared.glob_match(p, image) for p in allowed):
        return False, f"allowed_privileged_services {allowed} does not match {image}"
    return True, f"{_section(runner)} {key} = true"


@check("privileged-missing", Link.RUNNER, "DinD service privileged", needs=NEEDS)
def privileged_missing(ctx: Context) -> Verdict | None:
    if not declared.runners_in_scope(ctx.facts.runner_config, ctx.env):
        return _died_at_startup(ctx)
    return each_dind_runner(ctx, _privileged_missing)


def _privileged_missing(ctx: Context, rc: RunnerConfigFacts, runner: RunnerDecl,
                        scope: DindScope) -> Verdict:
    inferred = scope.evidence()
    images = declared.declared_dind_images(ctx.facts.ci_file, runner, ctx.env)
    checked = images or ["docker:dind"]
    denied = [(image, why) for image in checked
              for allowed, why in [service_privilege(runner, image)] if not allowed]
    key = "kubernetes.privileged" if runner.kubernetes else "docker.privileged"
    where = ("where", _at(rc, runner, key))
    if not denied:
        return ok(f"{runner.name}: dind services run privileged.", where, inferred)
    hint = ""
    if runner.kubernetes and runner.privileged_elsewhere:
        hint = (" privileged = true is set under [runners.docker], which the kubernetes "
                "executor does not read.")
    evidence = [where, inferred, *[("image", f"{image}: {why}") for image, why in denied]]
    fix = f"{_section(runner)}\n  privileged = true"
    if scope.purpose.kind == DAEMONLESS:  # unprivileged on purpose: route, don't unlock
        fix = (f"Give job(s) {', '.join(scope.landing)} the tags of a DinD runner, or build "
               f"them the way this runner is meant for; {runner.name} is kept unprivileged "
               "for daemonless builds.")
    if scope.landing or scope.own_dind:
        return fail(f"{runner.name}: the dind service is not privileged, so dockerd dies at "
                    f"startup (mount: permission denied, no `docker` host).{hint}", *evidence,
                    fix=fix)
    if scope.level == "full":
        return warn(f"{runner.name}: services are not privileged; a docker:dind "
                    f"service would die at startup.{hint}", *evidence, fix=fix)
    return info(f"{runner.name}: services are not privileged; if a docker:dind "
                "job runs here, its service dies at startup.", *evidence)


@check("dind-service-not-allowed", Link.RUNNER, "dind service not in allowed_services",
       passing="dind service allowed", needs=NEEDS)
def dind_service_not_allowed(ctx: Context) -> Verdict | None:
    return each_runner(ctx, _dind_service_not_allowed)


def _dind_service_not_allowed(ctx: Context, rc: RunnerConfigFacts,
                              runner: RunnerDecl) -> Verdict | None:
    allowed = runner.allowed_services
    if not allowed:  # unset or empty: the runner allows every service
        return None
    scope = dind_scope(ctx, runner)
    if scope.level == "none":
        return ok(scope.not_dind(), scope.evidence())
    images = declared.declared_dind_images(ctx.facts.ci_file, runner, ctx.env)
    checked = images or ["docker:dind"]
    denied = [image for image in checked
              if not any(declared.glob_match(pattern, image) for pattern in allowed)]
    evidence = [("where", _at(rc, runner, "docker.allowed_services")),
                ("allowed_services", allowed), scope.evidence()]
    if not denied:
        return ok(f"{runner.name}: allowed_services admits {', '.join(checked)}.", *evidence)
    wanted = sorted({image.rsplit(":", 1)[0] + ":*dind" for image in denied})  # docker:dind too
    fix = f"{_section(runner)}\n  allowed_services = {json.dumps([*allowed, *wanted])}"
    refused = (f"{runner.name}: allowed_services {allowed} does not match "
               f"{', '.join(denied)}, so the runner refuses the dind service")
    if scope.landing or scope.own_dind:
        return fail(f"{refused} and the job fails before its script runs.", *evidence, fix=fix)
    if scope.level == "full":
        return warn(f"{refused}: this runner is set up for dind, yet a dind job here fails "
                    "before its script runs.", *evidence, fix=fix)
    return info(f"{refused}, if a dind job runs here.", *evidence, fix=fix)


def _died_at_startup(ctx: Context) -> Verdict | None:
    """Live + static: a declared dind alias that does not resolve on a per-job network."""
    name, ci = ctx.facts.name, ctx.facts.ci_file
    pairs = declared.dind_jobs(ci, ctx.env)
    if name is None or ci is None or name.is_ip or name.addresses or not pairs:
        return None
    per_job = PER_JOB_RESOLVER in ctx.facts.env.resolv_nameservers or \
        bool(ctx.env.get("CI_BUILD_NETWORK_NAME"))
    named = [(job, svc) for job, svc in pairs if name.host in svc.hostnames]
    if not per_job or not named:
        return None
    job, svc = named[0]
    return fail(
        f"The dind service {svc.name} is declared with hostname {name.host!r}, yet that name "
        f"does not resolve on the per-job network: the service container exited at startup. "
        "Most likely it is not privileged; next, iptables (nf_tables vs legacy) or the storage "
        "driver. The service log (CI_DEBUG_SERVICES=true) tells which.",
        ("declared", f"{svc.name} in job {job.name} ({declared.where(ci.path, svc.line)})"),
        ("resolver", ctx.facts.env.resolv_nameservers),
        ("lookup", name.dns_error or name.system_error or "no address"),
        ("confirm: privileged", "mount: permission denied (are you root?) / "
                                "Could not mount /sys/kernel/security."),
        ("confirm: iptables", "failed to start daemon: Error initializing network controller"),
        ("confirm: storage", "failed to mount overlay: invalid argument"),
        fix="[runners.docker]\n  privileged = true   # or services_privileged = true",
    )


def tls_certdirs(ctx: Context) -> list[tuple[str, str]]:
    """(client cert dir, job name) for every dind job whose daemon serves TLS."""
    out = []
    for job, svc in declared.dind_jobs(ctx.facts.ci_file, ctx.env):
        certdir, _ = declared.tls_certdir(job, svc)
        if certdir and not declared.command_drops_defaults(svc):
            out.append((certdir.rstrip("/") + "/client", job.name))
    return out


@check("certs-volume-missing", Link.RUNNER, "Client certs shared with the job", needs=NEEDS)
def certs_volume_missing(ctx: Context) -> Verdict | None:
    return each_dind_runner(ctx, _certs_volume_missing)


def _certs_volume_missing(ctx: Context, rc: RunnerConfigFacts, runner: RunnerDecl,
                          scope: DindScope) -> Verdict:
    ci = ctx.facts.ci_file
    known = ci is not None and ci.parsed
    inferred = scope.evidence()
    here = set(scope.landing) | set(scope.maybe)
    wanted = ([(path, job) for path, job in tls_certdirs(ctx) if job in here] if known
              else [(declared.CERTS_CLIENT, "(CI file not given)")])
    if not wanted:
        return ok(f"{runner.name}: no job runs dind with TLS here; no cert volume needed.",
                  inferred)
    missing = sorted({path for path, _ in wanted if not declared.mounts(runner, path)})
    volumes = ("volumes", [v.spec for v in runner.volumes])
    if not missing:
        return ok(f"{runner.name}: {', '.join(sorted({p for p, _ in wanted}))} is "
                  "shared between the dind service and the job.", volumes)
    jobs = sorted({job for path, job in wanted if path in missing})
    fix = (f'[[runners.kubernetes.volumes.empty_dir]]\n  name = "docker-certs"\n'
           f'  mount_path = "{missing[0]}"\n  medium = "Memory"' if runner.kubernetes
           else f'[runners.docker]\n  volumes = ["{missing[0]}", "/cache"]')
    summary = (f"{runner.name}: TLS is on but {', '.join(missing)} is not a runner volume: "
               "the job cannot read the client certs (ca.pem not found, or the client "
               "falls back to plain 2375).")
    evidence = [("where", _at(rc, runner, "docker.volumes" if runner.docker_like
                              else "kubernetes")), volumes, inferred, ("jobs", jobs)]
    landing = [job for job in jobs if job in scope.landing]
    if landing:
        return fail(summary, *evidence, fix=fix)
    if scope.level == "full" and known:
        return warn(summary, *evidence, fix=fix)
    if not known:  # TLS off (DOCKER_TLS_CERTDIR: "") needs no volume: not proven
        return info(f"{runner.name}: {', '.join(missing)} is not a runner volume; "
                    "dind jobs with TLS on (the default) cannot read the client "
                    "certs here. Give --ci-file to check the jobs.", *evidence, fix=fix)
    return info(f"{runner.name}: {', '.join(missing)} is not a runner volume; "
                "if a dind job with TLS runs here, it cannot read the client certs.",
                *evidence)


@check("certs-volume-shared", Link.RUNNER, "Cert volume lifetime", needs=NEEDS)
def certs_volume_shared(ctx: Context) -> Verdict | None:
    """Several verdicts a runner (one a certs volume), so not :func:`each_runner`."""
    rc = _rc(ctx)
    if rc is None:
        return None
    verdicts = []
    for runner in declared.runners_in_scope(rc, ctx.env):
        for volume in runner.volumes:
            if not declared.CERTS_CLIENT.startswith(volume.target.rstrip("/") + "/") and \
                    volume.target.rstrip("/") != declared.CERTS_CLIENT:
                continue
            where = ("volume", f"{volume.spec} ({declared.where(rc.path, volume.line)})")
            if volume.kind in ("bind", "named", "host_path", "pvc", "nfs"):
                verdicts.append(warn(
                    f"{runner.name}: {volume.spec} is shared by every job on this runner: "
                    "concurrent dind services overwrite each other's certs (certificate signed "
                    "by unknown authority, bad certificate).", where,
                    fix=f'volumes = ["{declared.CERTS_CLIENT}"]   '
                        "# a per-job volume, no host path"))
            elif volume.kind == "volume" and not runner.disable_cache:
                verdicts.append(info(
                    f"{runner.name}: {volume.spec} is a runner-managed volume that persists "
                    "between jobs of the same slot (disable_cache is off); dind rewrites the "
                    "certs at each start, so a job that runs before dind is up may read old "
                    "ones.", where))
            else:
                verdicts.append(ok(f"{runner.name}: {volume.spec} is per job.", where))
    return worst(verdicts) if verdicts else None


@check("socket-volume-with-dind", Link.RUNNER, "Host socket and dind", needs=NEEDS,
       passing="No host socket beside dind")
def socket_volume_with_dind(ctx: Context) -> Verdict | None:
    return each_runner(ctx, _socket_volume_with_dind)


def _socket_volume_with_dind(ctx: Context, rc: RunnerConfigFacts,
                             runner: RunnerDecl) -> Verdict | None:
    if runner.kubernetes:
        return None
    sockets = [v for v in runner.volumes if v.target.rstrip("/") in (
        declared.DOCKER_SOCKET, "/var/run", "/run")]
    if not sockets:
        return ok(f"{runner.name}: the host docker socket is not mounted.")
    scope = dind_scope(ctx, runner)
    where = ("volume", f"{sockets[0].spec} ({declared.where(rc.path, sockets[0].line)})")
    inferred = scope.evidence()
    if scope.landing or scope.own_dind:
        dind = scope.landing or ["the runner's own dind service"]
        return fail(
            f"{runner.name}: the host socket is mounted into every container, services "
            "included, while a dind service runs here: dind cannot create its socket "
            "(failed to load listeners) and the job's docker CLI talks to the host daemon.",
            where, inferred, ("dind", dind),
            fix="Pick one model: drop the docker.sock volume (pure dind) or drop the dind "
                "service (socket binding); or send the dind jobs to a dind runner (tags).")
    elif scope.maybe:
        return info(
            f"{runner.name}: socket binding; if dind job(s) {', '.join(scope.maybe)} run "
            "here (their tags do not say), the socket and dind clash.", where, inferred)
    elif not scope.ci_known and scope.purpose.dind_signals:
        return info(
            f"{runner.name}: the host socket is mounted, and the runner is also set up for "
            f"dind ({'; '.join(scope.purpose.dind_signals)}): a docker:dind job here breaks.",
            where, inferred)
    else:
        return info(f"{runner.name}: socket binding — jobs use the host daemon "
                    "(root on the host); no dind service runs here.", where,
                    inferred)


@check("runner-docker-host-misread", Link.RUNNER, "[runners.docker] TLS settings", needs=NEEDS)
def runner_docker_host_misread(ctx: Context) -> Verdict | None:
    return each_runner(ctx, _docker_host_misread)


def _docker_host_misread(ctx: Context, rc: RunnerConfigFacts,
                         runner: RunnerDecl) -> Verdict | None:
    if not runner.docker_like:
        return None
    host = runner.docker_host
    if host and any(name in host for name in ("//docker:", "//dind", "//localhost:237")):
        return fail(
            f"{runner.name}: [runners.docker] host = {host!r} is where the runner itself "
            "creates job containers, not the job's DOCKER_HOST; pointing it at dind "
            "breaks every job.", ("where", _at(rc, runner, "docker.host")),
            fix="Remove `host` from [runners.docker]; set DOCKER_HOST in the job's "
                "variables instead.")
    if runner.docker_tls_verify or runner.docker_tls_cert_path:
        return warn(
            f"{runner.name}: tls_verify / tls_cert_path in [runners.docker] secure the "
            "runner's own daemon connection; they do not turn on TLS for dind (that is "
            "DOCKER_TLS_CERTDIR plus the /certs/client volume).",
            ("where", _at(rc, runner, "docker.tls_verify")),
            ("host", host or "(default: the local daemon)"))
    return ok(f"{runner.name}: no runner-daemon TLS settings mistaken for dind settings.")


@check("services-timeout-short", Link.RUNNER, "Service health-check timeout", needs=NEEDS)
def services_timeout_short(ctx: Context) -> Verdict | None:
    return each_runner(ctx, _services_timeout_short)


def _services_timeout_short(ctx: Context, rc: RunnerConfigFacts,
                            runner: RunnerDecl) -> Verdict | None:
    ci = ctx.facts.ci_file
    if not runner.docker_like:
        return None
    timeout = runner.wait_for_services_timeout
    where = ("where", _at(rc, runner, "docker.wait_for_services_timeout"))
    scope = dind_scope(ctx, runner)
    if scope.level == "none" or (ci is not None and ci.parsed
                                 and not declared.declared_dind_images(ci, runner, ctx.env)):
        return ok(f"{runner.name}: no dind service to wait for here.",
                  scope.evidence())
    elif timeout is not None and 0 < timeout < 30 and scope.level == "hint":
        return info(f"{runner.name}: wait_for_services_timeout = {timeout} s is "
                    "short for dind, if dind jobs run here.", where,
                    scope.evidence())
    elif timeout is not None and 0 < timeout < 30:
        return warn(
            f"{runner.name}: wait_for_services_timeout = {timeout} s; dind needs several "
            "seconds for 4096-bit certs and 16 s more without TLS, so jobs start before "
            "dockerd listens.", where, fix="wait_for_services_timeout = 60")
    elif timeout is not None and timeout < 0:
        return info(f"{runner.name}: the service health check is disabled "
                    f"(wait_for_services_timeout = {timeout}); scripts must wait "
                    "for dockerd themselves.", where)
    else:
        return ok(f"{runner.name}: the runner waits up to "
                  f"{timeout or 30} s for services.", where)


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def _per_build_jobs(ctx: Context) -> tuple[list[str], list[str]] | None:
    """(jobs that turn FF_NETWORK_PER_BUILD on in their variables, jobs that do not); None
    without a parsed CI file."""
    ci = ctx.facts.ci_file
    if ci is None or not ci.parsed:
        return None
    jobs = declared.jobs_in_scope(ci, ctx.env)
    on = [j.name for j in jobs if _truthy(j.variables.get("FF_NETWORK_PER_BUILD"))]
    return on, [j.name for j in jobs if j.name not in on]


@check("network-mtu-ignored", Link.RUNNER, "Per-build network MTU", needs=NEEDS)
def network_mtu_ignored(ctx: Context) -> Verdict | None:
    return each_runner(ctx, _network_mtu_ignored)


def _network_mtu_ignored(ctx: Context, rc: RunnerConfigFacts,
                         runner: RunnerDecl) -> Verdict | None:
    mtu = runner.network_mtu
    if not mtu:  # unset, or 0: what `gitlab-runner register` writes, meaning "default"
        return None
    where = ("where", _at(rc, runner, "docker.network_mtu"))
    if runner.network_mode:
        return warn(f"{runner.name}: network_mtu = {mtu} is ignored because "
                    f"network_mode = {runner.network_mode!r} attaches jobs to an "
                    "existing network (no per-build network is created).", where,
                    fix="Set the MTU on that network itself (docker network create "
                        f"-o com.docker.network.driver.mtu={mtu}), or remove "
                        "network_mode.")
    flag = ("[runners.feature_flags]" if runner.feature_flags.get("FF_NETWORK_PER_BUILD")
            else "runner environment" if _truthy(
                runner.environment.get("FF_NETWORK_PER_BUILD")) else "")
    if flag:
        return ok(f"{runner.name}: per-build networks use MTU {mtu} "
                  f"(FF_NETWORK_PER_BUILD in the {flag}).", where)
    jobs = _per_build_jobs(ctx)
    flag_evidence = ("FF_NETWORK_PER_BUILD", "not in [runners.feature_flags] nor the "
                                             "runner environment")
    if jobs is not None and jobs[0] and not jobs[1]:
        return ok(f"{runner.name}: network_mtu = {mtu} applies: every job turns "
                  "FF_NETWORK_PER_BUILD on in its variables.", where)
    summary = (f"{runner.name}: network_mtu = {mtu} only applies to per-build networks, "
               "and FF_NETWORK_PER_BUILD is not on for this runner")
    fix = ("[runners.feature_flags]\n  FF_NETWORK_PER_BUILD = true   # or remove "
           "network_mtu" if mtu < 1500 else "")
    if mtu >= 1500:  # the value asks for nothing the default does not already give
        return info(summary + f"; {mtu} is not below the default 1500, so nothing "
                    "is lost.", where, flag_evidence)
    elif jobs is None:  # jobs may turn the flag on themselves
        return info(summary + " (a job can still turn it on in its variables; "
                    "give --ci-file to check).", where, flag_evidence, fix=fix)
    else:
        return warn(summary + f"; job(s) {', '.join(jobs[1])} do not turn it on, "
                    "so their network keeps MTU 1500.", where, flag_evidence,
                    fix=fix)


@check("runner-env-docker-vars", Link.RUNNER, "Docker variables in runner environment",
       needs=NEEDS)
def runner_env_docker_vars(ctx: Context) -> Verdict | None:
    return each_runner(ctx, _env_docker_vars)


def _env_docker_vars(ctx: Context, rc: RunnerConfigFacts,
                     runner: RunnerDecl) -> Verdict:
    found = {k: v for k, v in runner.environment.items() if k in DIND_ENV_KEYS}
    if not found:
        return ok(f"{runner.name}: no Docker variables forced on every job.")
    return warn(
        f"{runner.name}: `environment` sets {', '.join(found)} for every job and every "
        "service, dind included (a DOCKER_HOST there makes dockerd listen on it; TLS "
        "variables flip the client for all projects).",
        ("where", _at(rc, runner, "environment")),
        *[(k, v) for k, v in found.items()],
        fix="Move these variables into the .gitlab-ci.yml of the jobs that need them.")
