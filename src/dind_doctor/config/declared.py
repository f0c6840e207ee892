"""Pure questions about what the config files declare, shared by the static checks."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from .filefacts import CiFileFacts, JobDecl, RunnerConfigFacts, RunnerDecl, ServiceDecl
from .images import parse_image

CERTS_CLIENT = "/certs/client"
DOCKER_SOCKET = "/var/run/docker.sock"
_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")


def where(path: str, line: int | None) -> str:
    """``file:line`` for evidence (the file's base name keeps reports machine-independent)."""
    name = os.path.basename(path) or path
    return f"{name}:{line}" if line else name


def jobs_in_scope(ci: CiFileFacts, env: Mapping[str, str]) -> list[JobDecl]:
    """The job running now (``CI_JOB_NAME``), else every real job, else the templates."""
    current = env.get("CI_JOB_NAME")
    if current:
        match = [job for job in ci.jobs if job.name == current]
        if match:
            return match
    real = [job for job in ci.jobs if not job.hidden]
    return real or list(ci.jobs)


def dind_service(job: JobDecl) -> ServiceDecl | None:
    return next((s for s in job.services if s.is_dind), None)


def dind_jobs(ci: CiFileFacts | None, env: Mapping[str, str]) -> list[tuple[JobDecl, ServiceDecl]]:
    if ci is None or not ci.parsed:
        return []
    pairs = [(job, dind_service(job)) for job in jobs_in_scope(ci, env)]
    return [(job, svc) for job, svc in pairs if svc is not None]


def expand(value: str, variables: Mapping[str, str]) -> str:
    """Expand ``$VAR``/``${VAR}`` from ``variables`` (one level; unknown ones are kept)."""
    return _VAR.sub(lambda m: variables.get(m.group(1), m.group(0)), value)


def service_env(job: JobDecl, service: ServiceDecl) -> dict[str, str]:
    """Variables the service container gets: the job's, then the service's own."""
    return {**job.variables, **service.variables}


def tls_certdir(job: JobDecl, service: ServiceDecl) -> tuple[str, str]:
    """The DOCKER_TLS_CERTDIR dind sees, and where it comes from."""
    env = service_env(job, service)
    if "DOCKER_TLS_CERTDIR" in env:
        origin = "service variables" if "DOCKER_TLS_CERTDIR" in service.variables else \
            "job variables"
        return expand(env["DOCKER_TLS_CERTDIR"], env), origin
    version = parse_image(service.name).version
    if version is not None and version[0] == 18:
        return "", "image default (18.09: TLS off)"
    return "/certs", "image default (19.03+)"


def dind_tls(job: JobDecl, service: ServiceDecl) -> bool:
    """True when dind listens on 2376 with TLS (its entrypoint adds the default flags)."""
    return bool(tls_certdir(job, service)[0])


def command_drops_defaults(service: ServiceDecl) -> bool:
    """``command: ["dockerd", ...]``: the entrypoint adds no --host/TLS flags at all."""
    command = service.command or []
    return bool(command) and os.path.basename(command[0]) == "dockerd"


def docker_host(job: JobDecl) -> tuple[str | None, str | None, int | None]:
    """(raw DOCKER_HOST, host, port) of the job; host/port None when unset or not tcp."""
    raw = job.variables.get("DOCKER_HOST")
    if raw is None:
        return None, None, None
    value = expand(raw, job.variables).strip()
    if "$" in value or not value.startswith(("tcp://", "http://", "https://")):
        return raw, None, None
    from urllib.parse import urlsplit  # loaded when a job declares a DOCKER_HOST

    try:
        parts = urlsplit(value)
        return raw, parts.hostname, parts.port
    except ValueError:
        return raw, None, None


def runners_in_scope(rc: RunnerConfigFacts | None, env: Mapping[str, str]) -> list[RunnerDecl]:
    """The runners that could run DinD jobs; the current one when its name is known."""
    if rc is None or not rc.parsed:
        return []
    usable = [r for r in rc.runners if r.docker_like or r.kubernetes]
    current = env.get("CI_RUNNER_DESCRIPTION")
    if current:
        match = [r for r in usable if r.name == current]
        if match:
            return match
    return usable


def declared_dind_images(ci: CiFileFacts | None, runner: RunnerDecl | None,
                         env: Mapping[str, str]) -> list[str]:
    """Every dind image a job of the CI file (or the runner itself) starts as a service."""
    images = [svc.name for _, svc in dind_jobs(ci, env)]
    if runner is not None:
        images += [svc.name for svc in runner.services if svc.is_dind]
    return list(dict.fromkeys(images))


def mounts(runner: RunnerDecl, path: str) -> bool:
    """Whether a runner volume makes ``path`` shared (the path itself or a parent)."""
    path = path.rstrip("/") or "/"
    for volume in runner.volumes:
        target = volume.target.rstrip("/") or "/"
        if path == target or path.startswith(target + "/"):
            return True
    return False


def glob_match(pattern: str, image: str) -> bool:
    """GitLab's doublestar match for ``allowed_privileged_services`` (``*`` stops at ``/``)."""
    regex = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            regex += ".*"
            i += 2
        elif pattern[i] == "*":
            regex += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            regex += "[^/]"
            i += 1
        else:
            regex += re.escape(pattern[i])
            i += 1
    return re.fullmatch(regex, image) is not None
