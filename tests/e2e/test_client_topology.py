"""Testcontainers in a GitLab-shaped job next to a TLS dind service, for real.

The job uses testcontainers-node 10.x (tests/clients/node) from a project whose package.json
names it. With TESTCONTAINERS_HOST_OVERRIDE=localhost on the Docker executor the docker CLI
works but Testcontainers dials the job's own loopback: the headline names the library and the
fix, and the real library's host does not answer. Without the override the real library's host
answers and the report stays quiet.
"""

from __future__ import annotations

import json

import pytest

from tests.clients.realclients import NODE_DIR, node_ready
from tests.support.topology import TLS_ENV

pytestmark = pytest.mark.topology

PROJECT = "/builds/group/project"
PACKAGE_JSON = json.dumps({"devDependencies": {"testcontainers": "^10.28.0"}})


def job_env(**extra: str) -> dict[str, str]:
    return {**TLS_ENV, "CI_PROJECT_DIR": PROJECT, "TESTCONTAINERS_RYUK_DISABLED": "true",
            "HOME": "/root", **extra}


def diagnose(topology, env):
    result = topology.run_tool("--json", "--timeout", "10", env=env,
                               files={f"{PROJECT}/package.json": PACKAGE_JSON})
    assert not result.timed_out and result.exit_code in (0, 1), str(result)
    return result.json()


def run_testcontainers(topology, env) -> dict:
    """The real testcontainers-node in a job container: the host it would dial for mapped
    ports, and whether that host answers on 2376, a port the dind service publishes (this
    harness's inner daemon cannot start containers itself: its cgroups are read-only)."""
    result = topology.run_job(["node", str(NODE_DIR / "probe.js"), "testcontainers", "2376"],
                              env=env, volumes=["/usr/bin/node:/usr/bin/node:ro"],
                              working_dir=str(NODE_DIR), timeout=120)
    assert not result.timed_out, str(result)
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def dind(topology):
    node_ready()
    topology.start_service()
    return topology


def test_host_override_localhost_cli_works_testcontainers_does_not(dind) -> None:
    env = job_env(TESTCONTAINERS_HOST_OVERRIDE="localhost")
    report = diagnose(dind, env)
    head = report["headline"]
    assert head["id"] == "testcontainers-host-override", head
    assert "Testcontainers for Node" in head["summary"]
    assert "Remove TESTCONTAINERS_HOST_OVERRIDE" in head["fix"]
    by_id = {f["id"]: f for f in report["findings"]}
    assert by_id["daemon-api"]["status"] == "ok"  # the docker CLI's chain works
    real = run_testcontainers(dind, env)
    assert real == {"ok": True, "host": "localhost", "reachable": False}, real


def test_same_topology_without_override_is_quiet_and_works(dind) -> None:
    env = job_env(DOCKER_AUTH_CONFIG='{"auths": {}}')
    report = diagnose(dind, env)
    assert report["counts"]["fail"] == 0, report["headline"]
    by_id = {f["id"]: f for f in report["findings"]}
    # the only warning here is the test image's missing compose plugin
    assert [f["id"] for f in report["findings"] if f["status"] == "warn"] == ["compose-missing"]
    assert by_id["testcontainers-host-override"]["status"] == "ok"
    assert by_id["client-tls-env-semantics"]["status"] == "ok"
    # the inner daemon has no mirror and the job no Docker Hub login: a risk, said as info
    assert by_id["registry-rate-limit"]["status"] == "info"
    assert "DOCKER_AUTH_CONFIG" in by_id["registry-rate-limit"]["summary"]
    assert "dind-rootless-mode" not in by_id
    real = run_testcontainers(dind, env)
    assert real == {"ok": True, "host": "docker", "reachable": True}, real


def test_tls_verify_zero_on_2376_works_for_testcontainers_node(dind) -> None:
    """Measured: docker-modem switches to https for port 2376 and reads DOCKER_CERT_PATH
    whatever DOCKER_TLS_VERIFY says, so "0" works for Node here (not so for Java or .NET)."""
    env = job_env(DOCKER_TLS_VERIFY="0")
    real = run_testcontainers(dind, env)
    assert real == {"ok": True, "host": "docker", "reachable": True}, real
    report = diagnose(dind, env)
    by_id = {f["id"]: f for f in report["findings"]}
    assert by_id["client-tls-env-semantics"]["status"] == "info"  # odd value, harmless here
    assert report["counts"]["fail"] == 0, report["headline"]
