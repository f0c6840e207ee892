"""Replayed-fact tests of the long-tail checks.

The daemon side is ``tests/data/info/dockerd-20.10-plain.json``: ``/info`` as a real dockerd
20.10 answered it (captured from a private test dockerd). Where a test needs a daemon that
cannot run here (pre-20.10), it edits only the fields that differ and says which.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dind_doctor.checks.base import REGISTRY, run_all
from dind_doctor.checks.hosted_runner import runner_tags
from dind_doctor.checks.registry import registry_key
from dind_doctor.facts import (
    ClientConfigFact,
    DiskFact,
    Facts,
    HostFacts,
    PathFact,
    SocketOwnerFact,
)
from dind_doctor.model import Finding
from dind_doctor.probes.docker_api import _INFO_KEYS
from tests.factories import FactsBuilder

REAL_INFO = json.loads((Path(__file__).parents[1] / "data" / "info" /
                        "dockerd-20.10-plain.json").read_text())
LONG_TAIL = {"cgroup-v2-old-dind", "registry-auth-not-inherited", "inner-daemon-registry-trust",
             "shell-executor-specifics", "disk-space-exhaustion",
             "gitlab-saas-runner-specifics", "ff-network-per-build-effects",
             "iptables-backend-mismatch", "overlay-on-overlay"}


def real_info(**edits: Any) -> dict[str, Any]:
    """The probe's view of the captured /info, with ``edits`` (``None`` removes a key)."""
    info = {k: REAL_INFO[k] for k in _INFO_KEYS if k in REAL_INFO}
    for key, value in edits.items():
        if value is None:
            info.pop(key, None)
        else:
            info[key] = value
    return info


def client(auths: list[str] | None = None, *, exists: bool = True, writable: bool = True,
           creds_store: str | None = None) -> ClientConfigFact:
    kind = "file" if exists else "missing"
    return ClientConfigFact(path="/root/.docker/config.json", source="~/.docker",
                            file=PathFact("/root/.docker/config.json", kind=kind,
                                          readable=exists, writable=writable),
                            auths=auths or [], creds_store=creds_store)


def facts(builder: FactsBuilder | None = None, *, info: dict[str, Any] | None = None,
          host: HostFacts | None = None) -> Facts:
    built = (builder or FactsBuilder.healthy_tls()).build()
    if info is not None:
        assert built.api is not None
        built.api.info = info
    built.host = host if host is not None else HostFacts(client_config=client(), uid=0, gid=0)
    return built


def findings(f: Facts) -> dict[str, Finding]:
    chosen = [c for c in REGISTRY if c.id in LONG_TAIL]
    return {x.id: x for x in run_all(f, chosen)}


def test_healthy_facts_with_a_real_info_say_nothing() -> None:
    assert findings(facts(info=real_info())) == {}


# --- cgroup v2 ------------------------------------------------------------------------

def old_dind(version: str = "19.03.12") -> dict[str, Any]:
    # edited: a pre-20.10 daemon reports its version and no CgroupVersion (added in API 1.41)
    return real_info(ServerVersion=version, CgroupVersion=None)


def test_pre_20_10_dind_on_a_cgroup_v2_host_warns() -> None:
    host = HostFacts(cgroup_v2=True, client_config=client())
    got = findings(facts(info=old_dind(), host=host))["cgroup-v2-old-dind"]
    assert got.status.value == "warn"
    assert "cgroup mountpoint does not exist" in got.summary


def test_pre_20_10_dind_on_cgroup_v1_is_fine() -> None:
    host = HostFacts(cgroup_v2=False, client_config=client())
    assert "cgroup-v2-old-dind" not in findings(facts(info=old_dind(), host=host))


def test_early_20_10_with_cgroup_v2_is_only_a_hint() -> None:
    got = findings(facts(info=real_info(ServerVersion="20.10.5", CgroupVersion="2")))
    assert got["cgroup-v2-old-dind"].status.value == "info"


def test_the_real_20_10_24_daemon_is_new_enough() -> None:
    host = HostFacts(cgroup_v2=True, client_config=client())
    assert "cgroup-v2-old-dind" not in findings(facts(info=real_info(CgroupVersion="2"),
                                                      host=host))


# --- registries -----------------------------------------------------------------------

def test_auth_config_for_a_registry_the_client_lacks() -> None:
    builder = FactsBuilder.healthy_tls().env(DOCKER_AUTH_CONFIG="[MASKED]")
    host = HostFacts(client_config=client(["gitlab.example.com:5050"], writable=False),
                     auth_config_registries=["https://registry.example.com",
                                             "gitlab.example.com:5050"])
    got = findings(facts(builder, info=real_info(), host=host))["registry-auth-not-inherited"]
    assert got.status.value == "info"
    assert "registry.example.com" in got.summary and "not writable" in got.summary
    assert "gitlab.example.com:5050," not in got.summary  # that one the client has


def test_auth_config_the_client_shares_is_ok() -> None:
    builder = FactsBuilder.healthy_tls().env(DOCKER_AUTH_CONFIG="[MASKED]")
    host = HostFacts(client_config=client(["registry.example.com"]),
                     auth_config_registries=["registry.example.com"])
    got = findings(facts(builder, info=real_info(), host=host))["registry-auth-not-inherited"]
    assert got.status.value == "ok"


def test_ci_registry_in_an_insecure_cidr() -> None:
    config = {**REAL_INFO["RegistryConfig"], "InsecureRegistryCIDRs": ["10.0.0.0/8"]}
    builder = FactsBuilder.healthy_tls().env(CI_REGISTRY="10.1.2.3:5000")
    got = findings(facts(builder, info=real_info(RegistryConfig=config)))
    assert got["inner-daemon-registry-trust"].status.value == "info"
    assert "10.0.0.0/8" in got["inner-daemon-registry-trust"].summary


def test_private_gitlab_ca_is_not_the_daemons() -> None:
    builder = FactsBuilder.healthy_tls().env(CI_REGISTRY="gitlab.example.com:5050",
                                             CI_SERVER_TLS_CA_FILE="/builds/x.tmp/CA")
    got = findings(facts(builder, info=real_info()))["inner-daemon-registry-trust"]
    assert got.status.value == "info" and "unknown authority" in got.summary


def test_public_ci_registry_without_evidence_says_nothing() -> None:
    builder = FactsBuilder.healthy_tls().env(CI_REGISTRY="registry.gitlab.com")
    assert "inner-daemon-registry-trust" not in findings(facts(builder, info=real_info()))


@pytest.mark.parametrize(("name", "key"), [
    ("https://index.docker.io/v1/", "docker.io"), ("registry-1.docker.io", "docker.io"),
    ("https://Gitlab.Example.com:5050/v2/", "gitlab.example.com:5050"),
])
def test_registry_key(name: str, key: str) -> None:
    assert registry_key(name) == key


# --- disk -----------------------------------------------------------------------------

def test_low_disk_warns_with_the_threshold() -> None:
    host = HostFacts(client_config=client(), disks=[
        DiskFact("/builds", "builds dir", free_bytes=300 << 20, total_bytes=20 << 30)])
    got = findings(facts(host=host))["disk-space-exhaustion"]
    assert got.status.value == "warn" and "1 GiB" in got.summary


def test_enough_disk_is_info() -> None:
    host = HostFacts(client_config=client(), disks=[
        DiskFact("/builds", "builds dir", free_bytes=12 << 30, total_bytes=20 << 30)])
    assert findings(facts(host=host))["disk-space-exhaustion"].status.value == "info"


# --- GitLab.com and the network per job -----------------------------------------------

def test_hosted_gitlab_org_runner_says_services_are_not_privileged() -> None:
    builder = FactsBuilder.healthy_tls().env(CI_SERVER_HOST="gitlab.com",
                                             CI_RUNNER_TAGS='["gitlab-org"]')
    got = findings(facts(builder))["gitlab-saas-runner-specifics"]
    assert got.status.value == "info" and "do not run privileged services" in got.summary


def test_own_runner_on_gitlab_com_is_not_a_hosted_one() -> None:
    builder = FactsBuilder.healthy_tls().env(CI_SERVER_HOST="gitlab.com",
                                             CI_RUNNER_TAGS='["my-runner"]',
                                             CI_RUNNER_DESCRIPTION="build-01")
    assert "gitlab-saas-runner-specifics" not in findings(facts(builder))


@pytest.mark.parametrize(("value", "tags"), [
    ('["saas-linux-small-amd64", "x"]', ["saas-linux-small-amd64", "x"]),
    ("docker, privileged", ["docker", "privileged"]), ("", []),
])
def test_runner_tags(value: str, tags: list[str]) -> None:
    assert runner_tags(value) == tags


def test_network_per_build_without_docker_host() -> None:
    builder = FactsBuilder.healthy_tls().env(FF_NETWORK_PER_BUILD="true", DOCKER_HOST=None)
    got = findings(facts(builder))["ff-network-per-build-effects"]
    assert got.status.value == "info" and "it is not" in got.summary


# --- what the job cannot see ----------------------------------------------------------

def test_dead_daemon_points_at_the_service_log() -> None:
    builder = (FactsBuilder.healthy_tls().port(2376, "refused").port(2375, "refused")
               .api_down("connection refused"))
    got = findings(facts(builder))["iptables-backend-mismatch"]
    assert got.status.value == "info" and 'CI_DEBUG_SERVICES: "true"' in got.summary


def test_service_log_already_streamed_is_said() -> None:
    builder = (FactsBuilder.healthy_tls().port(2376, "refused").port(2375, "refused")
               .api_down("connection refused").env(CI_DEBUG_SERVICES="true"))
    got = findings(facts(builder))["iptables-backend-mismatch"]
    assert "already" not in got.summary and "CI_DEBUG_SERVICES is on" in got.summary
    assert got.fix == ""


def test_vfs_chosen_by_the_job_is_not_a_mystery() -> None:
    builder = FactsBuilder.healthy_tls().env(DOCKER_DRIVER="vfs")
    assert "overlay-on-overlay" not in findings(facts(builder, info=real_info(Driver="vfs")))


def test_unresolved_service_is_said_with_an_if() -> None:
    builder = (FactsBuilder.healthy_tls().unresolved().port(2376, "unresolved")
               .port(2375, "unresolved").api_down("no such host"))
    got = findings(facts(builder))["iptables-backend-mismatch"]
    assert got.summary.startswith("No dind daemon answers and its name does not resolve. If ")


# --- socket access --------------------------------------------------------------------

def shell_job() -> FactsBuilder:
    return (FactsBuilder.healthy_tls().env(DOCKER_HOST=None, DOCKER_TLS_VERIFY=None,
                                           DOCKER_CERT_PATH=None)
            .path("/.dockerenv", "missing").socket("/var/run/docker.sock", "permission-denied"))


def test_user_added_to_the_group_after_the_runner_started() -> None:
    built = shell_job().build()
    built.env.in_container = False
    built.host = HostFacts(uid=998, gid=998, groups=[998], user="gitlab-runner",
                           client_config=client(), socket_owners=[SocketOwnerFact(
                               "/var/run/docker.sock", uid=0, gid=999, mode="0660",
                               group="docker", group_members=["gitlab-runner"])])
    got = findings(built)["shell-executor-specifics"]
    assert got.status.value == "fail"
    assert got.summary.startswith("Shell executor: gitlab-runner (uid 998) is listed in group "
                                  "docker (999)")
    assert "restart" in got.fix.lower()


def test_user_in_the_socket_group_is_ok_on_a_shell_runner() -> None:
    built = shell_job().socket("/var/run/docker.sock", "ok").build()
    built.env.in_container = False
    built.host = HostFacts(uid=998, gid=998, groups=[998, 999], user="gitlab-runner",
                           client_config=client(), socket_owners=[SocketOwnerFact(
                               "/var/run/docker.sock", uid=0, gid=999, mode="0660",
                               group="docker")])
    assert findings(built)["shell-executor-specifics"].status.value == "ok"
