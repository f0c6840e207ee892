"""Endpoint link: DOCKER_HOST validity, default-socket fallback, shared socket, socket binding."""

from __future__ import annotations

import pytest

from dind_doctor.model import Status
from tests.checks.outcome import LATER_THAN_NAME, assert_blocked, evidence, findings, status
from tests.factories import FactsBuilder

ENTRYPOINT = "/usr/local/bin/docker-entrypoint.sh"


def python_image(builder: FactsBuilder) -> FactsBuilder:
    """A job image that is not docker:* (no entrypoint) with no DOCKER_* client variables."""
    return builder.path(ENTRYPOINT, "missing").env(
        DOCKER_HOST=None, DOCKER_TLS_VERIFY=None, DOCKER_CERT_PATH=None,
        CI_JOB_IMAGE="python:3.12")


@pytest.mark.parametrize("value", ["unix://", "foo://docker:2376", "/var/run/docker.sock",
                                   "tcp://:2376", "tcp://docker:notaport"])
def test_unusable_docker_host_fails_and_blocks_every_later_link(value: str) -> None:
    found = findings(FactsBuilder.healthy_tls().env(DOCKER_HOST=value))
    assert found["docker-host-invalid"].status == Status.FAIL
    assert "DOCKER_HOST" in found["docker-host-invalid"].fix
    assert_blocked(found, ["alias-unresolvable", *LATER_THAN_NAME], by="docker-host-invalid")
    assert found["compose-missing"].status == Status.OK


def test_ssh_docker_host_warns() -> None:
    found = findings(FactsBuilder.healthy_tls().env(DOCKER_HOST="ssh://builder@host"))
    assert found["docker-host-invalid"].status == Status.WARN
    assert "alias-unresolvable" not in found  # nothing to resolve for DinD


def test_valid_docker_host_is_ok_with_its_derivation() -> None:
    found = findings(FactsBuilder.healthy_tls())["docker-host-invalid"]
    assert found.status == Status.OK
    assert evidence(found)["effective endpoint"] == "tcp://docker:2376"


def test_entrypoint_derivation_is_shown_when_docker_host_is_unset() -> None:
    facts = FactsBuilder.healthy_tls().env(DOCKER_HOST=None, DOCKER_TLS_VERIFY=None,
                                           DOCKER_CERT_PATH=None)
    found = findings(facts)["docker-host-invalid"]
    assert found.status == Status.OK
    assert "client certs found" in evidence(found)["chosen by"]


def test_unset_docker_host_in_a_non_docker_image_fails_and_says_dind_is_up() -> None:
    found = findings(python_image(FactsBuilder.healthy_tls()))
    fallback = found["docker-host-unset-unix-socket"]
    assert fallback.status == Status.FAIL
    assert "only the client is misdirected" in fallback.summary
    assert "tcp://docker:2376" in fallback.fix and "DOCKER_TLS_VERIFY" in fallback.fix
    assert_blocked(found, ["daemon-api"], by="docker-host-unset-unix-socket")


def test_unset_docker_host_with_a_plain_daemon_suggests_2375() -> None:
    fallback = findings(python_image(FactsBuilder.healthy_plain()))[
        "docker-host-unset-unix-socket"]
    assert fallback.status == Status.FAIL
    assert "tcp://docker:2375" in fallback.fix


def test_unset_docker_host_without_any_service_says_so() -> None:
    fallback = findings(python_image(FactsBuilder.healthy_tls()).unresolved())[
        "docker-host-unset-unix-socket"]
    assert fallback.status == Status.FAIL
    assert "No docker service resolves" in fallback.summary
    assert "services:" in fallback.fix


def test_default_socket_that_answers_is_ok_and_permission_denied_fails() -> None:
    builder = python_image(FactsBuilder.healthy_tls()).unresolved()
    builder.socket("/var/run/docker.sock", "ok")
    assert status(builder, "docker-host-unset-unix-socket") == Status.OK
    builder.socket("/var/run/docker.sock", "permission-denied")
    found = findings(builder)["docker-host-unset-unix-socket"]
    assert found.status == Status.FAIL and "group" in found.fix


def test_default_socket_check_is_absent_for_tcp_and_error_without_socket_facts() -> None:
    assert status(FactsBuilder.healthy_tls(), "docker-host-unset-unix-socket") is None
    broken = python_image(FactsBuilder.healthy_tls()).probe_failed("sockets", "hung",
                                                                   timed_out=True)
    found = findings(broken)["docker-host-unset-unix-socket"]
    assert found.status == Status.ERROR and "sockets probe timed out" in found.summary


SHARED = "/runner/services/docker/docker.sock"


def test_shared_volume_socket_missing_fails_with_the_volume_fix() -> None:
    builder = FactsBuilder.healthy_tls().env(DOCKER_HOST=f"unix://{SHARED}")
    builder.socket(SHARED, "missing", kind="missing")
    found = findings(builder)
    assert found["unix-socket-shared-volume-misconfig"].status == Status.FAIL
    assert 'volumes = ["/runner/services/docker"]' in found[
        "unix-socket-shared-volume-misconfig"].fix
    assert_blocked(found, ["daemon-api"], by="unix-socket-shared-volume-misconfig")


def test_shared_volume_path_that_is_a_directory_fails() -> None:
    builder = FactsBuilder.healthy_tls().env(DOCKER_HOST=f"unix://{SHARED}")
    builder.socket(SHARED, "not-a-socket", kind="dir")
    found = findings(builder)["unix-socket-shared-volume-misconfig"]
    assert found.status == Status.FAIL and "is a dir" in found.summary


def test_shared_volume_socket_that_answers_is_ok() -> None:
    builder = FactsBuilder.healthy_tls().env(DOCKER_HOST=f"unix://{SHARED}")
    builder.socket(SHARED, "ok")
    assert status(builder, "unix-socket-shared-volume-misconfig") == Status.OK
    assert status(FactsBuilder.healthy_tls(), "unix-socket-shared-volume-misconfig") is None


def test_host_socket_with_a_docker_service_warns_client_talks_to_host() -> None:
    builder = python_image(FactsBuilder.healthy_tls()).socket("/var/run/docker.sock", "ok")
    builder.daemon_info(Name="runner-host-01", Containers=57)
    found = findings(builder)
    mixed = found["socket-binding-mixed-with-dind"]
    assert mixed.status == Status.WARN
    assert "host daemon" in mixed.summary
    assert evidence(mixed)["daemon name"] == "runner-host-01"
    assert found["docker-host-unset-unix-socket"].status == Status.OK


def test_host_socket_with_docker_host_on_dind_warns() -> None:
    builder = FactsBuilder.healthy_tls().socket("/var/run/docker.sock", "ok")
    found = findings(builder)["socket-binding-mixed-with-dind"]
    assert found.status == Status.WARN and "failed to load listeners" in found.summary


def test_socket_binding_alone_is_ok_and_no_socket_is_absent() -> None:
    builder = python_image(FactsBuilder.healthy_tls()).unresolved().socket(
        "/var/run/docker.sock", "ok")
    assert status(builder, "socket-binding-mixed-with-dind") == Status.OK
    assert status(FactsBuilder.healthy_tls(), "socket-binding-mixed-with-dind") is None
