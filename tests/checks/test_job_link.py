"""Job link: job-environment, k8s-executor-wiring, proxy-not-propagated."""

from __future__ import annotations

import pytest

from dind_doctor.model import Status
from dind_doctor.proxyenv import bypasses_proxy
from tests.checks.outcome import assert_blocked, evidence, findings, status
from tests.factories import FactsBuilder


def test_job_environment_names_docker_executor_and_entrypoint() -> None:
    found = findings(FactsBuilder.healthy_tls())["job-environment"]
    assert found.status == Status.INFO
    assert evidence(found)["executor"].startswith("docker")
    assert "docker:* image" in evidence(found)["image entrypoint"]


def test_job_environment_guesses_kubernetes_and_shell() -> None:
    k8s = findings(FactsBuilder.healthy_tls().kubernetes())["job-environment"]
    assert evidence(k8s)["executor"].startswith("kubernetes")
    assert "does not run" in evidence(k8s)["image entrypoint"]
    builder = FactsBuilder.healthy_tls().path("/.dockerenv", "missing")
    builder.facts.env.in_container = False
    assert evidence(findings(builder)["job-environment"])["executor"].startswith("shell")


def test_env_probe_failure_is_an_error_that_blocks_the_chain_but_not_tools() -> None:
    found = findings(FactsBuilder.healthy_tls().probe_failed("env", "no /proc"))
    assert found["job-environment"].status == Status.ERROR
    assert "env probe failed" in found["job-environment"].summary
    assert_blocked(found, ["docker-host-invalid", "alias-unresolvable", "daemon-api"],
                   by="job-environment")
    assert found["compose-missing"].status == Status.OK


def test_k8s_without_tls_variables_fails() -> None:
    facts = FactsBuilder.healthy_tls().kubernetes().env(DOCKER_TLS_VERIFY=None,
                                                        DOCKER_CERT_PATH=None)
    found = findings(facts)["k8s-executor-wiring"]
    assert found.status == Status.FAIL
    assert "plain HTTP to the TLS port" in found.summary
    assert "DOCKER_TLS_VERIFY" in found.fix


def test_k8s_without_docker_host_falls_back_to_missing_socket() -> None:
    facts = FactsBuilder.healthy_tls().kubernetes().env(
        DOCKER_HOST=None, DOCKER_TLS_VERIFY=None, DOCKER_CERT_PATH=None)
    found = findings(facts)
    assert found["k8s-executor-wiring"].status == Status.FAIL
    assert "unix:///var/run/docker.sock" in found["k8s-executor-wiring"].summary
    assert found["docker-host-unset-unix-socket"].status == Status.FAIL


def test_k8s_with_explicit_tls_recipe_is_ok_and_absent_elsewhere() -> None:
    assert status(FactsBuilder.healthy_tls().kubernetes(), "k8s-executor-wiring") == Status.OK
    assert status(FactsBuilder.healthy_tls(), "k8s-executor-wiring") is None


def test_localhost_outside_kubernetes_fails() -> None:
    facts = (FactsBuilder.healthy_plain().env(DOCKER_HOST="tcp://localhost:2375")
             .host("localhost").port(2375, "refused"))
    found = findings(facts)["k8s-executor-wiring"]
    assert found.status == Status.FAIL
    assert "tcp://docker:2375" in found.fix


def test_proxy_without_no_proxy_for_docker_fails() -> None:
    facts = FactsBuilder.healthy_tls().env(HTTPS_PROXY="http://proxy.corp:3128",
                                           NO_PROXY="localhost,.corp")
    found = findings(facts)["proxy-not-propagated"]
    assert found.status == Status.FAIL
    assert "'docker'" in found.summary and "NO_PROXY" in found.fix


def test_only_http_proxy_does_not_catch_a_tls_client() -> None:
    facts = FactsBuilder.healthy_tls().env(HTTP_PROXY="http://proxy.corp:3128")
    # the TLS client uses HTTPS_PROXY only; the daemon still lacks the proxy: a risk, shown
    assert status(facts, "proxy-not-propagated") == Status.INFO


def test_proxy_with_no_proxy_but_daemon_without_proxy_is_info_then_ok() -> None:
    """Direct egress from the daemon may work: without a failed pull it is evidence, no warning."""
    facts = FactsBuilder.healthy_tls().env(HTTPS_PROXY="http://proxy.corp:3128",
                                           NO_PROXY="docker,localhost")
    found = findings(facts)["proxy-not-propagated"]
    assert found.status == Status.INFO
    assert ("daemon proxy", "(none)") in [(e.label, e.value) for e in found.evidence]
    facts.daemon_info(HttpsProxy="http://proxy.corp:3128")
    assert status(facts, "proxy-not-propagated") == Status.OK
    assert status(FactsBuilder.healthy_tls(), "proxy-not-propagated") is None


@pytest.mark.parametrize(("host", "port", "no_proxy", "expected"), [
    ("docker", 2376, "docker", True),
    ("docker", 2376, "DOCKER:2376", True),
    ("docker", 2376, "docker:2375", False),
    ("docker", 2376, ".docker", False),
    ("dind.svc", 2376, "svc", True),
    ("dind.svc", 2376, "*.svc", True),
    ("docker", 2376, "*", True),
    ("172.17.0.3", 2376, "172.17.0.0/16", True),
    ("172.17.0.3", 2376, "10.0.0.0/8,docker", False),
    ("localhost", 2375, "", True),
    ("127.0.0.1", 2375, "", True),
    ("docker", 2376, "", False),
    ("docker", 2376, " localhost , docker ", True),
    ("docker", 2376, "*.docker", False),
    ("docker", 2376, ",,", False),
    ("docker", 2376, ":2376", False),
    ("docker", 2376, "example.com,*", True),
    ("10.1.2.3", 2376, "10.1.2.3:2376", True),
    ("10.1.2.3", 2376, "10.1.2.3:2375", False),
    ("fd00::3", 2376, "[fd00::3]:2376", True),
    ("fd00::3", 2376, "fd00::/64", True),
    ("10.1.2.3", 2376, "10.1.2.0/24", True),
    ("dockerx", 2376, "docker", False),
    ("my.docker", 2376, ".docker", True),
])
def test_no_proxy_follows_go_rules(host: str, port: int, no_proxy: str, expected: bool) -> None:
    assert bypasses_proxy(host, port, no_proxy) is expected
