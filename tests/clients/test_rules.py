"""Client-view rules on replayed facts.

Clients that run here (docker-py, testcontainers-python, dockerode, testcontainers-node) are
also proven live in test_real_clients.py and the topology tests. The rules for clients that
cannot run here follow their source, named in ``dind_doctor.clients.views.RULES``:
docker-java ``DefaultDockerClientConfig.java`` (TLS only for "1"/"true", throws without
DOCKER_CERT_PATH), moby ``client/options.go`` (TLS only with DOCKER_CERT_PATH),
testcontainers-dotnet ``CustomConfiguration.cs`` ("1" or a true boolean).
"""

from __future__ import annotations

import pytest

from dind_doctor.clients.views import RULES, views
from dind_doctor.facts import PythonFacts, StrictTlsFact, ToolFact
from dind_doctor.model import Status
from dind_doctor.report import build_report
from tests.factories import FactsBuilder

from .replay import finding, with_clients

CLIENT_CHECKS = ("client-tls-env-semantics", "testcontainers-host-override",
                 "python-strict-x509-dind-ca", "testcontainers-api-too-old", "buildx-tls-context")


def view(facts, name: str):
    from dind_doctor.checks.base import Context

    return next(v for v in views(facts, Context(facts).endpoint) if v.name == name)


def test_every_rule_names_its_source() -> None:
    assert all(source for _, source in RULES.values())


@pytest.mark.parametrize("builder", [FactsBuilder.healthy_tls, FactsBuilder.healthy_plain])
def test_no_client_no_finding(builder) -> None:
    facts = with_clients(builder())
    assert [finding(facts, c) for c in CLIENT_CHECKS] == [None] * len(CLIENT_CHECKS)
    facts.clients = None
    assert [finding(facts, c) for c in CLIENT_CHECKS] == [None] * len(CLIENT_CHECKS)


@pytest.mark.parametrize(("client", "version"), [
    ("testcontainers-java", "1.21.4"), ("testcontainers-node", "10.28.0"),
    ("testcontainers-python", "4.8.1"), ("testcontainers-go", "v0.33.0"),
    ("testcontainers-dotnet", "4.9.0"), ("dockerode", "4.0.2"), ("docker-py", "7.1.0")])
def test_healthy_tls_job_is_quiet_for_every_client(client: str, version: str) -> None:
    facts = with_clients(FactsBuilder.healthy_tls(), client, version=version)
    report = build_report(facts)
    ours = [f for f in report.findings if f.id in CLIENT_CHECKS]
    assert ours and all(f.status == Status.OK for f in ours), ours
    assert view(facts, client).verdict == "ok"


def test_host_override_localhost_on_the_docker_executor_is_the_headline() -> None:
    facts = with_clients(FactsBuilder.healthy_tls(), "testcontainers-java", version="1.21.4",
                         env={"TESTCONTAINERS_HOST_OVERRIDE": "localhost"})
    head = build_report(facts).headline
    assert head is not None and head.id == "testcontainers-host-override"
    assert head.status == Status.FAIL
    assert "Testcontainers for Java 1.21.4" in head.title
    assert "Remove TESTCONTAINERS_HOST_OVERRIDE" in head.fix and "docker" in head.fix


def test_host_override_localhost_is_right_on_kubernetes() -> None:
    facts = with_clients(FactsBuilder.healthy_tls().kubernetes().env(
        DOCKER_HOST="tcp://localhost:2376"), "testcontainers-node",
        env={"TESTCONTAINERS_HOST_OVERRIDE": "localhost"})
    assert finding(facts, "testcontainers-host-override").status == Status.OK


@pytest.mark.parametrize(("env", "client", "status"), [
    ({"TESTCONTAINERS_HOST_OVERRIDE": "tcp://docker:2375"}, "testcontainers-node", Status.FAIL),
    ({"TESTCONTAINERS_HOST_OVERRIDE": "host.docker.internal"}, "testcontainers-dotnet",
     Status.FAIL),
    ({"TESTCONTAINERS_HOST_OVERRIDE": ""}, "testcontainers-go", Status.FAIL),
    ({"TESTCONTAINERS_HOST_OVERRIDE": ""}, "testcontainers-java", Status.INFO),
    ({"TESTCONTAINERS_HOST_OVERRIDE": "docker"}, "testcontainers-java", Status.OK),
    ({"TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE": "tcp://docker:2376"}, "testcontainers-java",
     Status.FAIL),
    ({"TESTCONTAINERS_RYUK_DISABLED": "1"}, "testcontainers-node", Status.WARN),
    ({"TESTCONTAINERS_RYUK_DISABLED": "TRUE"}, "testcontainers-python", Status.WARN),
    ({"TESTCONTAINERS_RYUK_DISABLED": "true"}, "testcontainers-python", Status.OK),
])
def test_testcontainers_variables(env, client, status) -> None:
    facts = with_clients(FactsBuilder.healthy_tls(), client, env=env)
    assert finding(facts, "testcontainers-host-override").status == status


@pytest.mark.parametrize(("client", "status"), [("testcontainers-python", Status.FAIL),
                                                ("testcontainers-java", Status.INFO),
                                                ("testcontainers-node", Status.INFO)])
def test_stale_tc_host_in_the_properties_file(client: str, status: Status) -> None:
    """Python takes tc.host with no fallback; Java, Go and Node try DOCKER_HOST next."""
    facts = with_clients(FactsBuilder.healthy_tls(), client,
                         props={"tc.host": "tcp://127.0.0.1:49812"})
    result = finding(facts, "testcontainers-host-override")
    assert result.status == status and "tc.host" in result.summary


@pytest.mark.parametrize(("client", "verdict"), [
    ("docker-py", "ok"),            # "0" is on for docker-py, like the CLI
    ("go-sdk", "ok"),               # DOCKER_CERT_PATH set: TLS, verify on (non-empty)
    ("testcontainers-java", "fails"),  # docker-java: only "1"/"true" is on
    ("testcontainers-dotnet", "fails"),
    ("testcontainers-node", "ok"),  # docker-modem: https for port 2376, certs from the path
    ("dockerode", "ok"),
])
def test_tls_verify_zero(client: str, verdict: str) -> None:
    facts = with_clients(FactsBuilder.healthy_tls().env(DOCKER_TLS_VERIFY="0"), client)
    assert view(facts, client).verdict == verdict
    result = finding(facts, "client-tls-env-semantics")
    if verdict == "fails":
        assert result.status == Status.FAIL
        assert "Client sent an HTTP request to an HTTPS server." in result.summary
        assert 'DOCKER_TLS_VERIFY: "1"' in result.fix
    else:
        assert result.status == Status.INFO  # an odd value, harmless for this client


def test_tls_verify_without_cert_path() -> None:
    """docker:* entrypoint not run (python image): DOCKER_TLS_VERIFY=1 but no DOCKER_CERT_PATH."""
    facts = with_clients(FactsBuilder.healthy_tls().env(DOCKER_CERT_PATH=None),
                         "go-sdk", "testcontainers-java")
    go, java = view(facts, "go-sdk"), view(facts, "testcontainers-java")
    assert go.transport.dial == "http://docker:2376" and go.verdict == "fails"
    assert java.verdict == "fails" and "DOCKER_CERT_PATH" in java.reason


def test_docker_py_measured_by_its_own_kwargs_from_env_wins() -> None:
    python = PythonFacts("/usr/bin/python3", "3.12.3", {"docker": "7.1.0"},
                         docker_py_error="TLSParameterError: Path to a certificate and key "
                                         "files must be provided through the client_cert param")
    facts = with_clients(FactsBuilder.healthy_tls(), "docker-py", python=python)
    assert view(facts, "docker-py").verdict == "fails"
    assert finding(facts, "client-tls-env-semantics").status == Status.FAIL


def test_compose_v1_with_docker_py_7() -> None:
    python = PythonFacts("/usr/bin/python3", "3.11.2", {"docker": "7.1.0",
                                                        "docker-compose": "1.29.2"})
    facts = with_clients(FactsBuilder.healthy_tls(), "docker-compose-v1", python=python)
    assert "ssl_version" in view(facts, "docker-compose-v1").reason


STRICT_FAIL = StrictTlsFact("docker", 2376, "/certs/client/ca.pem", default_ok=True,
                            strict_ok=False,
                            strict_error="CA cert does not include key usage extension")


@pytest.mark.parametrize(("python", "urllib3", "status"), [
    ("3.13.1", "2.4.0", Status.FAIL),
    ("3.13.1", "2.3.0", Status.INFO),
    ("3.12.8", "2.5.0", Status.INFO),
])
def test_python_strict_x509(python: str, urllib3: str, status: Status) -> None:
    py = PythonFacts("/usr/local/bin/python3", python, {"docker": "7.1.0", "urllib3": urllib3})
    facts = with_clients(FactsBuilder.healthy_tls(), "docker-py", python=py,
                         strict_tls=STRICT_FAIL)
    result = finding(facts, "python-strict-x509-dind-ca")
    assert result.status == status
    assert "28.2" in result.fix or "28.2" in result.summary


def test_python_strict_x509_ok_and_quiet() -> None:
    ok = StrictTlsFact("docker", 2376, "/certs/client/ca.pem", default_ok=True, strict_ok=True)
    facts = with_clients(FactsBuilder.healthy_tls(), "docker-py", strict_tls=ok)
    assert finding(facts, "python-strict-x509-dind-ca").status == Status.OK
    facts.clients.strict_tls = None
    assert finding(facts, "python-strict-x509-dind-ca") is None


@pytest.mark.parametrize(("version", "minimum", "status"), [
    ("1.19.8", "1.44", Status.FAIL),
    ("2.0.1", "1.40", Status.FAIL),
    ("1.21.4", "1.44", Status.OK),
    ("2.0.2", "1.44", Status.OK),
    ("1.19.8", "1.24", Status.INFO),
])
def test_testcontainers_java_api_floor(version: str, minimum: str, status: Status) -> None:
    facts = with_clients(FactsBuilder.healthy_tls().daemon_version(MinAPIVersion=minimum),
                         "testcontainers-java", version=version)
    assert finding(facts, "testcontainers-api-too-old").status == status


@pytest.mark.parametrize(("version", "status"), [("4.8.1", Status.FAIL), ("3.10.0", Status.FAIL),
                                                 ("4.9.0", Status.OK)])
def test_testcontainers_dotnet_api_floor(version: str, status: Status) -> None:
    facts = with_clients(FactsBuilder.healthy_tls().daemon_version(MinAPIVersion="1.44"),
                         "testcontainers-dotnet", version=version)
    assert finding(facts, "testcontainers-api-too-old").status == status


def test_buildx_create_with_tls_variables() -> None:
    buildx = ToolFact("docker buildx", "/usr/local/libexec/docker/cli-plugins/docker-buildx",
                      "0.19.2")
    facts = with_clients(FactsBuilder.healthy_tls(), buildx=buildx,
                         script_mentions=["buildx create"])
    assert finding(facts, "buildx-tls-context").status == Status.FAIL
    facts.clients.script_mentions.append("docker context create")
    assert finding(facts, "buildx-tls-context").status == Status.OK
    facts.clients.script_mentions = ["buildx build"]
    assert finding(facts, "buildx-tls-context") is None


def test_facts_with_clients_replay_byte_identical(tmp_path) -> None:
    from dind_doctor.facts import Facts

    facts = with_clients(FactsBuilder.healthy_tls(), "testcontainers-node", version="10.28.0",
                         env={"TESTCONTAINERS_HOST_OVERRIDE": "localhost"},
                         python=PythonFacts("/usr/bin/python3", "3.13.1", {"docker": "7.1.0"}),
                         strict_tls=STRICT_FAIL)
    facts.save(tmp_path / "f.json")
    assert Facts.load(tmp_path / "f.json").dumps() == facts.dumps()
