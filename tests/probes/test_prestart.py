"""What the command line starts before the tool loads: docker version and a TLS handshake."""

from __future__ import annotations

import os

import pytest

from dind_doctor.probes import prestart
from dind_doctor.probes.engine import collect


@pytest.fixture(autouse=True)
def _nothing_left_over():
    yield
    prestart.take({}).discard()
    prestart.sessions()


def test_the_tls_target_is_read_from_the_client_variables() -> None:
    env = {"DOCKER_HOST": "tcp://docker:2376", "DOCKER_TLS_VERIFY": "1",
           "DOCKER_CERT_PATH": "/certs/client/"}
    assert prestart._tls_target(env) == ("docker", 2376, "/certs/client")
    assert prestart._tls_target({**env, "DOCKER_HOST": "tcp://[::1]:2376/"}) == \
        ("::1", 2376, "/certs/client")
    assert prestart._tls_target({**env, "DOCKER_TLS_VERIFY": ""}) is None
    assert prestart._tls_target({**env, "DOCKER_HOST": "unix:///var/run/docker.sock"}) is None
    assert prestart._tls_target({**env, "DOCKER_HOST": "tcp://docker"}) is None


def test_docker_version_started_early_is_taken_once(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    prestart.begin()
    early = prestart._early
    assert early is not None
    assert prestart.take({"DOCKER_CONFIG": str(tmp_path)}) is early
    assert prestart.take({"DOCKER_CONFIG": str(tmp_path)}) is not early  # once


def test_docker_version_for_another_config_is_not_taken(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    prestart.begin()
    early = prestart._early
    assert prestart.take({"DOCKER_CONFIG": "/elsewhere"}) is not early


@pytest.mark.dockerd
def test_the_warm_handshake_leaves_a_session_the_probes_resume(dockerd_tls, certs,
                                                               monkeypatch) -> None:
    for name, value in certs.client_env(f"tcp://localhost:{dockerd_tls.tcp_port}").items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HOME", "/nonexistent")
    prestart.warm_tls()
    kept = prestart._sessions
    assert kept is not None and kept.settled.wait(10)
    ctx = kept.context(os.environ["DOCKER_CERT_PATH"], verify=True, client_pair=True)
    assert kept.session(ctx, "localhost", dockerd_tls.tcp_port) is not None
    facts = collect(6, settle=0)
    assert prestart._sessions is None  # taken by the engine
    assert facts.api.ping_ok and facts.tls.client_cert_accepted and facts.tls.verify_error is None


@pytest.mark.dockerd
def test_a_wrong_guess_changes_nothing(dockerd_tls, certs, monkeypatch, tmp_path) -> None:
    """A warm-up that fails (no client certificate there) leaves the diagnosis as it was."""
    empty = tmp_path / "client"
    empty.mkdir()
    env = {"DOCKER_HOST": f"tcp://localhost:{dockerd_tls.tcp_port}", "DOCKER_TLS_VERIFY": "1",
           "DOCKER_CERT_PATH": str(empty), "HOME": "/nonexistent"}
    reference = collect(6, environ=env, settle=0)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    prestart.warm_tls()
    warmed = collect(6, settle=0)
    assert warmed.api.error == reference.api.error and warmed.api.error
    assert warmed.tls.error == reference.tls.error


def test_the_version_commands_run_quiet_on_one_thread(monkeypatch) -> None:
    """They never reach a daemon (DOCKER_* replaced) and start as small Go programs."""
    monkeypatch.setenv("DOCKER_TLS_VERIFY", "1")
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    quiet = prestart.quiet_env({"DOCKER_CONFIG": "/tmp/job-docker-config"})
    assert quiet["DOCKER_HOST"] == prestart.QUIET_HOST and "DOCKER_TLS_VERIFY" not in quiet
    assert quiet["DOCKER_CONFIG"] == "/tmp/job-docker-config"  # plugins are found there
    assert (quiet["GOMAXPROCS"], quiet["GOGC"], quiet["PATH"]) == ("1", "off", "/usr/bin:/bin")
