"""Rootless dind and anonymous Docker Hub pulls, on replayed facts (live: the topology test)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dind_doctor.checks.base import run_all
from dind_doctor.facts import Facts
from dind_doctor.model import Endpoint, Status
from dind_doctor.probes.bounded import Deadline
from dind_doctor.probes.clients import probe_clients
from dind_doctor.probes.host import probe_host
from tests.factories import FactsBuilder

from .replay import finding, with_clients

ENDPOINT = Endpoint(url="tcp://docker:2376", scheme="tcp", host="docker", port=2376)
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


def test_hub_login_is_ok() -> None:
    facts = with_clients(FactsBuilder.healthy_tls(),
                         docker_config_registries=["https://index.docker.io/v1/"])
    assert finding(facts, "registry-rate-limit").status == Status.OK


def test_a_credential_store_alone_is_info_naming_it() -> None:
    facts = with_clients(FactsBuilder.healthy_tls(), docker_config_store="secretservice")
    result = finding(facts, "registry-rate-limit")
    assert result.status == Status.INFO
    assert "credential store (secretservice)" in result.summary
    assert "not visible" in result.summary and "10 per hour" in result.summary


def _probed(tmp_path: Path, config: dict, builder: FactsBuilder | None = None) -> Facts:
    """A healthy job whose host and clients facts come from the real probes reading
    ``config`` as ``~/.docker/config.json``."""
    (tmp_path / ".docker").mkdir()
    (tmp_path / ".docker" / "config.json").write_text(json.dumps(config))
    facts = (builder or FactsBuilder.healthy_tls()).build()
    env = {"HOME": str(tmp_path)}
    facts.host = probe_host(env, str(tmp_path), [])
    facts.clients = probe_clients(env, str(tmp_path), ENDPOINT, Deadline(8))
    return facts


@pytest.mark.parametrize(("config", "says"), [
    ({"credsStore": "desktop"}, "a credential store (desktop)"),
    ({"credHelpers": {"123.dkr.ecr.eu-west-1.amazonaws.com": "ecr-login"}},
     "credential helpers for 123.dkr.ecr.eu-west-1.amazonaws.com"),
    ({"credHelpers": {"docker.io": "pass"}}, "a credential helper for Docker Hub (docker.io)"),
    ({"credsStore": "pass", "auths": {"registry.example.com": {}}},
     "a credential store (pass)"),
])
def test_a_store_or_helper_in_a_real_config_json_is_info_saying_what_it_sees(
        tmp_path: Path, config: dict, says: str) -> None:
    result = finding(_probed(tmp_path, config), "registry-rate-limit")
    assert result.status == Status.INFO, result.summary
    assert says in result.summary and "no Docker Hub entry under auths" in result.summary
    evidence = dict((e.label, e.value) for e in result.evidence)
    assert evidence["client config"] == f"{tmp_path}/.docker/config.json"
    assert evidence["credential store"] == config.get("credsStore", "none")


def test_a_hub_login_in_a_real_config_json_is_ok(tmp_path: Path) -> None:
    # what `docker login` writes with a credential store: an empty auths entry for Docker Hub
    config = {"auths": {"https://index.docker.io/v1/": {}}, "credsStore": "pass"}
    result = finding(_probed(tmp_path, config), "registry-rate-limit")
    assert result.status == Status.OK
    assert dict((e.label, e.value) for e in result.evidence)["logged in to"] == \
        "https://index.docker.io/v1/"


def test_a_healthy_job_with_a_credential_store_never_warns(tmp_path: Path) -> None:
    facts = _probed(tmp_path, {"credsStore": "desktop"})
    statuses = {f.id: f.status for f in run_all(facts)}
    assert statuses["registry-rate-limit"] == Status.INFO
    assert not {i: s for i, s in statuses.items() if s in (Status.WARN, Status.FAIL)}


def test_a_mirror_is_ok_and_no_daemon_no_finding() -> None:
    builder = FactsBuilder.healthy_tls().daemon_info(
        RegistryConfig={"Mirrors": ["https://mirror.gcr.io/"]})
    assert finding(with_clients(builder), "registry-rate-limit").status == Status.OK
    facts = with_clients(FactsBuilder.healthy_tls())
    facts.api.info = {}
    assert finding(facts, "registry-rate-limit") is None
    facts.clients = None
    assert finding(facts, "registry-rate-limit") is None
