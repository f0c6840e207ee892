"""Rootless dind and anonymous Docker Hub pulls, on replayed facts (live: the topology test)."""

from __future__ import annotations

import pytest

from dind_doctor.model import Status
from tests.factories import FactsBuilder

from .replay import finding, with_clients

ROOTLESS = ["name=seccomp,profile=builtin", "name=rootless", "name=cgroupns"]


def test_rootful_dind_says_nothing_about_rootless() -> None:
    assert finding(with_clients(FactsBuilder.healthy_tls()), "dind-rootless-mode") is None


def test_rootless_dind_is_info_without_testcontainers() -> None:
    facts = with_clients(FactsBuilder.healthy_tls().daemon_info(SecurityOptions=ROOTLESS))
    result = finding(facts, "dind-rootless-mode")
    assert result.status == Status.INFO and "/run/user/1000/docker.sock" in result.summary


@pytest.mark.parametrize(("env", "status"), [
    ({}, Status.WARN),
    ({"TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE": "/run/user/1000/docker.sock"}, Status.INFO),
    ({"TESTCONTAINERS_RYUK_DISABLED": "true"}, Status.INFO),
])
def test_rootless_dind_and_ryuk(env, status) -> None:
    facts = with_clients(FactsBuilder.healthy_tls().daemon_info(SecurityOptions=ROOTLESS),
                         "testcontainers-java", env=env)
    assert finding(facts, "dind-rootless-mode").status == status


def test_anonymous_hub_pulls_are_info_and_name_docker_auth_config() -> None:
    facts = with_clients(FactsBuilder.healthy_tls().env(DOCKER_AUTH_CONFIG="[redacted]"))
    result = finding(facts, "registry-rate-limit")
    assert result.status == Status.INFO
    assert "10 per hour" in result.summary and "DOCKER_AUTH_CONFIG" in result.summary


@pytest.mark.parametrize("fields", [
    {"docker_config_registries": ["https://index.docker.io/v1/"]},
    {"docker_config_store": "secretservice"},
])
def test_hub_login_or_store_is_ok(fields) -> None:
    facts = with_clients(FactsBuilder.healthy_tls(), **fields)
    assert finding(facts, "registry-rate-limit").status == Status.OK


def test_a_mirror_is_ok_and_no_daemon_no_finding() -> None:
    builder = FactsBuilder.healthy_tls().daemon_info(
        RegistryConfig={"Mirrors": ["https://mirror.gcr.io/"]})
    assert finding(with_clients(builder), "registry-rate-limit").status == Status.OK
    facts = with_clients(FactsBuilder.healthy_tls())
    facts.api.info = {}
    assert finding(facts, "registry-rate-limit") is None
    facts.clients = None
    assert finding(facts, "registry-rate-limit") is None
