"""The long-tail checks inside a real job next to a real dind service.

Healthy TLS and plain jobs must stay quiet (no warn, fail or error from these checks); a
registry mirror, an insecure registry and DOCKER_AUTH_CONFIG are passed the way a job passes
them (service ``command:``, job variables), and a dead or vfs-fallback service gets the
"the job cannot see the service log" notice.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from tests.support.topology import SCENARIOS

from .test_job_topology import diagnose

pytestmark = pytest.mark.topology

LONG_TAIL = ("dind-rootless-mode", "cgroup-v2-old-dind", "registry-rate-limit",
             "registry-auth-not-inherited", "inner-daemon-registry-trust",
             "shell-executor-specifics", "disk-space-exhaustion", "gitlab-saas-runner-specifics",
             "ff-network-per-build-effects", "iptables-backend-mismatch", "overlay-on-overlay")
QUIET = ("ok", "info")
SECRET = "c2VjcmV0LXVzZXI6c2VjcmV0LXBhc3N3b3Jk"  # base64 of a made-up user:password


def long_tail(by_id):
    return {id_: by_id[id_] for id_ in LONG_TAIL if id_ in by_id}


@pytest.mark.parametrize("scenario", ["healthy_tls", "healthy_plain"])
def test_healthy_jobs_stay_quiet(topology, scenario):
    result, report, by_id = diagnose(topology, scenario)
    assert result.exit_code == 0, report["headline"]
    for finding in long_tail(by_id).values():
        assert finding["status"] in QUIET, finding
    # no service-log notice on a daemon that answers
    assert "iptables-backend-mismatch" not in by_id and "overlay-on-overlay" not in by_id
    # the real daemon has no mirror and the job no Docker Hub credentials: a risk, said softly
    assert by_id["registry-rate-limit"]["status"] == "info"


def test_registry_mirror_and_insecure_ci_registry(topology):
    base = SCENARIOS["healthy_tls"]
    service = replace(base.service, command=("--registry-mirror=https://mirror.example.test",
                                             "--insecure-registry=registry.example.test:5050"))
    scenario = replace(base, service=service)
    auth = json.dumps({"auths": {"registry.example.test:5050": {"auth": SECRET}}})
    result, report, by_id = diagnose(topology, scenario, env={
        "CI_REGISTRY": "registry.example.test:5050", "DOCKER_AUTH_CONFIG": auth,
        "HOME": "/root"})
    assert result.exit_code == 0, report["headline"]
    assert by_id["registry-rate-limit"]["status"] == "ok"
    mirrors = by_id["registry-rate-limit"]["evidence"]
    assert any("mirror.example.test" in e["value"] for e in mirrors)
    trust = by_id["inner-daemon-registry-trust"]
    assert trust["status"] == "info" and "insecure" in trust["summary"]
    creds = by_id["registry-auth-not-inherited"]
    assert creds["status"] == "info", creds
    assert "registry.example.test:5050" in creds["summary"]
    assert SECRET not in result.output and "secret-password" not in result.output


def test_dead_service_points_at_its_log(topology):
    _, _, by_id = diagnose(topology, "unprivileged")
    notice = by_id["iptables-backend-mismatch"]
    assert notice["status"] == "info"
    assert "CI_DEBUG_SERVICES" in notice["summary"]


def test_vfs_fallback_points_at_its_log(topology):
    _, _, by_id = diagnose(topology, "unprivileged_vfs_fallback")
    assert by_id["overlay-on-overlay"]["status"] == "info"
    assert "iptables-backend-mismatch" not in by_id
