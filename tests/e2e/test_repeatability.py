"""Healthy jobs get a clean bill, every time, also on a busy machine.

Each healthy topology is built once (network, dind service); then a fresh job container
runs `dind-doctor --json` five times on a quiet machine and five times while a CPU hog
runs. Where the job sees dind's client certificates, the service is restarted before each
run, so that every job starts right after its dind wrote them, as on a runner (the timing
the race heuristic looks at). The job looks like a real GitLab job: predefined CI
variables, the project's `.gitlab-ci.yml` in `$CI_PROJECT_DIR` (so the static checks run
too). Every run must exit 0 and report no `warn`, `fail` or `error` except the findings
the topology really has, listed per topology. This is a repeatability test, not a timed one.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.support.topology import SCENARIOS, Topology

pytestmark = pytest.mark.topology

REPETITIONS = 5
TOOL_ARGS = ("--json", "--timeout", "10")
PROJECT_DIR = "/builds/group/project"
NOT_QUIET = ("warn", "fail", "error")

#: What GitLab predefines in every job (values of a self-managed instance).
GITLAB_JOB_ENV = {
    "CI": "true",
    "GITLAB_CI": "true",
    "CI_SERVER_HOST": "gitlab.example.com",
    "CI_SERVER_VERSION": "17.5.1",
    "CI_RUNNER_VERSION": "17.5.0",
    "CI_JOB_IMAGE": "docker:20.10.24",
    "CI_JOB_ID": "4242",
    "CI_PROJECT_DIR": PROJECT_DIR,
}

#: The job image has the docker CLI but no compose, and nothing in the job uses compose: an
#: `info`, not a warning. A healthy job is quiet.
NO_COMPOSE: frozenset[str] = frozenset()

TLS_VARS = """\
    DOCKER_HOST: tcp://docker:2376
    DOCKER_TLS_CERTDIR: "/certs"
    DOCKER_TLS_VERIFY: "1"
    DOCKER_CERT_PATH: "$DOCKER_TLS_CERTDIR/client"
"""
PROXY_VARS = """\
    HTTP_PROXY: http://proxy.corp.invalid:3128
    HTTPS_PROXY: http://proxy.corp.invalid:3128
    http_proxy: http://proxy.corp.invalid:3128
    https_proxy: http://proxy.corp.invalid:3128
    NO_PROXY: docker
"""


def ci_file(variables: str, service: str = "    - docker:20.10.24-dind\n") -> str:
    """A one-job `.gitlab-ci.yml` with these job variables and services."""
    return ("build:\n  image: docker:20.10.24\n  services:\n" + service
            + "  variables:\n" + variables + "  script:\n    - docker info\n")


@dataclass(frozen=True)
class Healthy:
    """A healthy topology: a :data:`SCENARIOS` preset, its CI file, its real findings.

    ``fresh_service``: restart dind before each run (new certificates each time).
    """

    scenario: str
    ci_file: str
    expected: frozenset[str] = NO_COMPOSE
    fresh_service: bool = True


HEALTHY = {
    "tls": Healthy("healthy_tls", ci_file(TLS_VARS)),
    "tls-by-image-entrypoint": Healthy("healthy_tls_entrypoint", ci_file(
        '    DOCKER_TLS_CERTDIR: "/certs"\n')),
    "tls-off": Healthy("healthy_plain", ci_file(
        '    DOCKER_HOST: tcp://docker:2375\n    DOCKER_TLS_CERTDIR: ""\n',
        '    - name: docker:20.10.24-dind\n      command: ["--tls=false"]\n'),
        fresh_service=False),
    "socket-volume": Healthy("socket_volume", ci_file(
        "    DOCKER_HOST: unix:///runner/services/docker/docker.sock\n"), fresh_service=False),
    "hosts-file-alias": Healthy("hosts_alias", ci_file(TLS_VARS)),
    "kubernetes-tls": Healthy("k8s_tls", ci_file(
        TLS_VARS, '    - name: docker:20.10.24-dind\n      variables:\n'
                  '        HEALTHCHECK_TCP_PORT: "2376"\n')),
    "kubernetes-tls-off": Healthy("k8s_plain", ci_file(
        '    DOCKER_HOST: tcp://docker:2375\n    DOCKER_TLS_CERTDIR: ""\n',
        '    - name: docker:20.10.24-dind\n      command: ["--tls=false"]\n'
        '      variables:\n        HEALTHCHECK_TCP_PORT: "2375"\n'), fresh_service=False),
    "proxy-no-proxy": Healthy("proxy_no_proxy", ci_file(TLS_VARS + PROXY_VARS)),
    "mtu-matched": Healthy("mtu_matched", ci_file(
        TLS_VARS, '    - name: docker:20.10.24-dind\n      command: ["--mtu=1400"]\n')),
}


@contextlib.contextmanager
def cpu_hog(seconds: float = 300.0) -> Iterator[subprocess.Popen]:
    """A busy-loop subprocess (bounded: it ends by itself after *seconds*)."""
    loop = f"import time\nend = time.monotonic() + {seconds}\nwhile time.monotonic() < end: pass"
    proc = subprocess.Popen([sys.executable, "-c", loop])
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def diagnose_once(topology: Topology, healthy: Healthy) -> tuple[int | None, dict]:
    """One fresh job container running the tool -> (exit code, JSON report)."""
    scenario = SCENARIOS[healthy.scenario]
    kwargs = scenario.job_kwargs(
        topology,
        env=GITLAB_JOB_ENV,
        files={f"{PROJECT_DIR}/.gitlab-ci.yml": healthy.ci_file},
        working_dir=PROJECT_DIR,
    )
    result = topology.run_job([topology.tool, *TOOL_ARGS], timeout=120, **kwargs)
    assert not result.timed_out, str(result)
    return result.exit_code, result.json()


def not_quiet(report: dict) -> dict[str, str]:
    """``{id: "status: summary"}`` of every warn/fail/error finding."""
    return {f["id"]: f"{f['status']}: {f['summary']}"
            for f in report["findings"] if f["status"] in NOT_QUIET}


@pytest.mark.parametrize("name", sorted(HEALTHY))
def test_healthy_topology_stays_quiet_on_every_run(topology, name):
    healthy = HEALTHY[name]
    SCENARIOS[healthy.scenario].setup(topology)
    problems: list[str] = []

    def run(label: str) -> None:
        if healthy.fresh_service:
            assert topology.service is not None
            topology.service.restart()
        code, report = diagnose_once(topology, healthy)
        loud = not_quiet(report)
        unexpected = {k: v for k, v in loud.items() if k not in healthy.expected}
        missing = sorted(healthy.expected - set(loud))
        if code != 0 or unexpected or missing:
            problems.append(f"{label}: exit {code}, unexpected {unexpected}, missing {missing}")

    for i in range(REPETITIONS):
        run(f"quiet run {i + 1}")
    with cpu_hog():
        for i in range(REPETITIONS):
            run(f"run {i + 1} under CPU load")
    assert not problems, "\n".join(problems)


def test_every_healthy_topology_is_covered():
    """TLS (explicit and by the image entrypoint), TLS off, socket volume, hosts alias,
    Kubernetes TLS and TLS off, proxy with NO_PROXY, MTU matched."""
    assert {h.scenario for h in HEALTHY.values()} == {
        "healthy_tls", "healthy_tls_entrypoint", "healthy_plain", "socket_volume",
        "hosts_alias", "k8s_tls", "k8s_plain", "proxy_no_proxy", "mtu_matched",
    }
