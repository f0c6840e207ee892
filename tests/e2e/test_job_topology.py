"""`dind-doctor --json` inside a real job container next to a real dind service.

Each test builds the GitLab layout on a private outer dockerd (see tests/support/topology.py):
a user-defined network, a `docker:dind` stand-in running dockerd with the alias `docker`,
and a job container that runs the tool. The asserted ids are what a user would be told.
"""

from __future__ import annotations

import time

import pytest

from tests.support.topology import TLS_ENV

pytestmark = pytest.mark.topology

TOOL_ARGS = ("--json", "--timeout", "10")


def diagnose(topology, scenario: str, *args: str, **kwargs):
    result = topology.run_scenario(scenario, [topology.tool, *TOOL_ARGS, *args], **kwargs)
    assert not result.timed_out, str(result)
    assert result.exit_code in (0, 1), str(result)
    report = result.json()
    by_id = {f["id"]: f for f in report["findings"]}
    return result, report, by_id


CHAIN_LINKS = ("endpoint", "name", "port", "protocol", "tls", "api")


def assert_chain_ok(report, *required):
    """Every finding on the chain up to the API is ok, and the named ones are there."""
    by_id = {f["id"]: f for f in report["findings"]}
    for finding in report["findings"]:
        if finding["link"] in CHAIN_LINKS:
            assert finding["status"] == "ok", finding
    for id_ in required:
        assert by_id[id_]["status"] == "ok", by_id[id_]


def test_healthy_tls(topology):
    result, report, _ = diagnose(topology, "healthy_tls")
    assert result.exit_code == 0, report["headline"]
    assert report["endpoint"]["url"] == "tcp://docker:2376" and report["endpoint"]["tls"]
    assert_chain_ok(report, "alias-unresolvable", "daemon-unreachable", "tls-unknown-authority",
                    "tls-san-mismatch-custom-alias", "daemon-api")
    assert report["counts"]["fail"] == 0


def test_healthy_plain(topology):
    result, report, _ = diagnose(topology, "healthy_plain")
    assert result.exit_code == 0, report["headline"]
    assert_chain_ok(report, "alias-unresolvable", "daemon-unreachable", "daemon-api")


def test_tls_daemon_but_job_dials_2375(topology):
    result, report, by_id = diagnose(topology, "tls_daemon_job_plain")
    assert result.exit_code == 1
    assert report["headline"]["id"] == "daemon-tls-client-plain-2375"
    assert by_id["daemon-api"]["status"] == "skip"
    assert by_id["daemon-api"]["blocked_by"] == "daemon-tls-client-plain-2375"


def test_plain_http_to_the_tls_port(topology):
    result, report, _ = diagnose(topology, "tls_daemon_job_plain_2376")
    assert result.exit_code == 1
    assert report["headline"]["id"] == "client-plain-http-to-tls-port"


def test_tls_client_to_a_plain_daemon(topology):
    result, report, _ = diagnose(topology, "plain_daemon_job_tls")
    assert result.exit_code == 1
    assert report["headline"]["id"] == "daemon-plain-client-expects-tls"


def test_certs_not_shared(topology):
    result, report, _ = diagnose(topology, "certs_not_shared")
    assert result.exit_code == 1
    assert report["headline"]["id"] == "certs-client-not-shared"


def test_service_without_alias(topology):
    result, report, by_id = diagnose(topology, "no_alias")
    assert result.exit_code == 1
    assert report["headline"]["id"] == "alias-unresolvable"
    evidence = " ".join(e["value"] for e in by_id["alias-unresolvable"]["evidence"])
    assert "127.0.0.11" in evidence  # Docker's embedded DNS answered: a per-job network


def test_no_service_at_all(topology):
    result, report, _ = diagnose(topology, "no_service")
    assert result.exit_code == 1
    assert report["headline"]["id"] == "alias-unresolvable"


def test_vfs_storage_driver(topology):
    result, _, by_id = diagnose(topology, "vfs", "--strict")
    assert by_id["storage-driver-vfs-fallback"]["status"] == "warn"
    assert result.exit_code == 1  # --strict: the warning fails the gate


def test_service_without_privileges_dies_and_is_diagnosed(topology):
    result, report, _ = diagnose(topology, "unprivileged")
    assert result.exit_code == 1
    # the dead service loses its alias on the network: name resolution fails first
    assert report["headline"]["id"] in ("alias-unresolvable", "daemon-unreachable")


def test_unprivileged_fallback_to_vfs(topology):
    _, _, by_id = diagnose(topology, "unprivileged_vfs_fallback")
    assert by_id["storage-driver-vfs-fallback"]["status"] == "warn"


def test_job_that_starts_before_the_daemon_listens(topology):
    """dind with TLS off waits ~15 s before it opens 2375; a patient run sees the race."""
    from tests.support.topology import PLAIN_ENV, ServiceSpec

    topology.start_service(ServiceSpec(tls=False), wait=False)
    result = topology.run_tool("--json", "--timeout", "40", "--settle", "35",
                               env=dict(PLAIN_ENV), timeout=90)
    report = result.json()
    by_id = {f["id"]: f for f in report["findings"]}
    assert by_id["daemon-not-ready-race"]["status"] in ("warn", "fail"), by_id[
        "daemon-not-ready-race"]


def test_docker_image_entrypoint_derivation(topology):
    """No DOCKER_HOST set: the docker image entrypoint picks tcp://docker:2376 from the certs."""
    topology.start_service()
    result = topology.run_tool("--json", env={"DOCKER_TLS_CERTDIR": "/certs"},
                               docker_entrypoint=True)
    report = result.json()
    assert report["endpoint"]["url"] == "tcp://docker:2376", report["endpoint"]
    assert report["counts"]["fail"] == 0, report["headline"]


def test_debug_shell_beside_a_job_sees_the_entrypoint_exports(topology):
    """A shell opened with `docker exec` lacks what the entrypoint exported to the job's
    PID 1; the diagnosis still uses the job's endpoint (TLS on 2376), not the unix socket."""
    topology.start_service()
    job = topology.start_job("sleep 60", env={"DOCKER_TLS_CERTDIR": "/certs"},
                             docker_entrypoint=True)
    try:
        code, output = job.container.exec_run([topology.tool, "--json", "-q"], demux=True)
    finally:
        job.kill()
    stdout = output[0].decode()
    import json

    report = json.loads(stdout)
    assert report["endpoint"]["url"] == "tcp://docker:2376", report["endpoint"]
    assert any("PID 1" in step for step in report["endpoint"]["derivation"])
    assert code == 0, report["headline"]


# Broken twins of the healthy topologies in test_repeatability.py: one link broken, and the
# headline names that link (the root cause), not a symptom further down the chain.
BROKEN_TWINS = {
    # Kubernetes: no image entrypoint derives DOCKER_HOST; the client falls back to a socket
    "k8s_tls_vars_missing": "k8s-executor-wiring",
    # Kubernetes: DOCKER_HOST on 2376 but no DOCKER_TLS_VERIFY / DOCKER_CERT_PATH
    "k8s_tls_verify_missing": "k8s-executor-wiring",
    # Kubernetes: TLS variables right, no emptyDir at /certs/client
    "k8s_no_emptydir": "certs-client-not-shared",
    # proxy for job and service, NO_PROXY missing: the client would ask the proxy
    "proxy_without_no_proxy": "proxy-not-propagated",
    # per-build network with MTU 1400, dind's bridge left at 1500
    "mtu_unmatched": "mtu-mismatch",
    # dind's socket on DOCKER_HOST's directory, but no runner volume shares it
    "socket_not_shared": "unix-socket-shared-volume-misconfig",
}


@pytest.mark.parametrize("scenario", sorted(BROKEN_TWINS))
def test_broken_twin_headline_is_the_root_cause(topology, scenario):
    result, report, by_id = diagnose(topology, scenario)
    expected = BROKEN_TWINS[scenario]
    assert report["headline"]["id"] == expected, (report["headline"], result.stderr)
    assert by_id[expected]["status"] in ("fail", "warn")
    if by_id[expected]["status"] == "fail":
        assert result.exit_code == 1


def test_kubernetes_pod_is_recognised(topology):
    """The pod layout reads as Kubernetes, and `docker` resolves through the hostAlias."""
    result, report, by_id = diagnose(topology, "k8s_tls")
    assert result.exit_code == 0, report["headline"]
    assert by_id["job-environment"]["summary"].startswith("Kubernetes executor")
    assert by_id["k8s-executor-wiring"]["status"] == "ok"
    evidence = {e["label"]: e["value"] for e in by_id["alias-unresolvable"]["evidence"]}
    assert evidence["/etc/hosts"] == "127.0.0.1", evidence


def test_job_that_waited_for_a_late_dind_is_not_warned(topology):
    """The job container starts seconds before dind writes its certs, waits (bounded) until
    the daemon answers, then runs the tool: a healthy job, whatever the clocks say."""
    wait_then_diagnose = (
        "i=0; until docker version >/dev/null 2>&1; do i=$((i+1)); "
        "[ $i -lt 120 ] || exit 99; sleep 0.5; done; "
        f"exec {topology.tool} {' '.join(TOOL_ARGS)}"
    )
    job = topology.start_job(wait_then_diagnose, env=dict(TLS_ENV), mount_certs=True)
    time.sleep(7)  # the job is up well before dind starts: a real early start
    topology.start_service()
    result = job.wait(timeout=120)
    assert not result.timed_out and result.exit_code == 0, str(result)
    by_id = {f["id"]: f for f in result.json()["findings"]}
    assert by_id["daemon-not-ready-race"]["status"] in ("ok", "info"), by_id[
        "daemon-not-ready-race"]
    loud = {i for i, f in by_id.items() if f["status"] in ("warn", "fail", "error")}
    assert loud == set(), loud
