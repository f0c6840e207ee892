"""`dind-doctor wait` against real host dockerds: late, never, TLS mismatch, late certificates."""

from __future__ import annotations

import shutil
import threading
import time

import pytest

from .helpers import headline_id, run_wait, unused_port

pytestmark = pytest.mark.dockerd

START_DELAY = 3.0


def _later(seconds: float, action) -> tuple[threading.Thread, list[BaseException]]:
    """Run ``action`` in a thread after ``seconds``; exceptions are kept for the test."""
    errors: list[BaseException] = []

    def body() -> None:
        time.sleep(seconds)
        try:
            action()
        except BaseException as exc:  # pytest.skip raises too; the test reports it
            errors.append(exc)

    thread = threading.Thread(target=body, daemon=True)
    thread.start()
    return thread, errors


def test_a_daemon_that_starts_late_is_waited_for(dockerd_factory, dockerd_plain):
    port = unused_port()
    thread, errors = _later(START_DELAY, lambda: dockerd_factory(tcp="plain", tcp_port=port,
                                                                name="late"))
    waited = run_wait("--timeout", "60", env={"DOCKER_HOST": f"tcp://127.0.0.1:{port}"})
    thread.join(60)
    assert not errors, errors
    assert waited.code == 0, waited
    assert waited.seconds >= START_DELAY, waited
    assert waited.stdout == "", waited  # no diagnosis when it became ready
    assert f"waiting for the Docker daemon at tcp://127.0.0.1:{port}" in waited.stderr
    assert "connection refused" in waited.stderr
    assert "answered at" in waited.stderr and "attempts" in waited.stderr


def test_a_timeout_given_before_the_command_may_be_as_long_as_waits_own(dockerd_plain):
    # the top-level --timeout (the diagnosis's) used to stop at 120 s and refuse this
    waited = run_wait(env={"DOCKER_HOST": dockerd_plain.tcp_url}, before=("--timeout", "500"),
                      timeout=60)
    assert waited.code == 0, waited
    assert "timeout 500 s" in waited.stderr and "answered at" in waited.stderr


def test_a_daemon_that_never_starts_gets_a_diagnosis():
    port = unused_port()
    waited = run_wait("--timeout", "3", env={"DOCKER_HOST": f"tcp://127.0.0.1:{port}"})
    assert waited.code == 1, waited
    assert 3 <= waited.seconds < 3 + 15, waited  # the deadline, then one bounded diagnosis
    assert "no answer from the Docker daemon within 3 s" in waited.stderr
    assert headline_id(waited.stdout) is not None, waited
    assert "Fix:" in waited.stdout
    assert f"127.0.0.1:{port}: refused" in waited.stdout


def test_a_plain_client_at_a_tls_daemon_gets_the_tls_diagnosis(dockerd_tls):
    waited = run_wait("--timeout", "3", env={"DOCKER_HOST": dockerd_tls.tcp_url})
    assert waited.code == 1, waited
    assert "plain HTTP sent to a TLS port" in waited.stderr
    assert headline_id(waited.stdout) == "client-plain-http-to-tls-port", waited


def test_json_on_failure_is_one_object(dockerd_tls):
    import json

    waited = run_wait("--timeout", "1", "--json", env={"DOCKER_HOST": dockerd_tls.tcp_url})
    assert waited.code == 1, waited
    report = json.loads(waited.stdout)
    assert report["headline"]["id"] == "client-plain-http-to-tls-port"


def test_client_certificates_that_appear_later_are_picked_up(dockerd_tls, tmp_path):
    certs = tmp_path / "client"
    certs.mkdir()
    env = dockerd_tls.certs.client_env(dockerd_tls.tcp_url)
    env["DOCKER_CERT_PATH"] = str(certs)

    def share() -> None:
        for name in ("ca.pem", "cert.pem", "key.pem"):
            shutil.copy(dockerd_tls.certs.client_dir / name, certs / f".{name}")
            (certs / f".{name}").rename(certs / name)

    thread, errors = _later(START_DELAY, share)
    waited = run_wait("--timeout", "30", env=env)
    thread.join(10)
    assert not errors, errors
    assert waited.code == 0, waited
    assert waited.seconds >= START_DELAY, waited
    assert "client certificates not (yet) in the cert directory" in waited.stderr, waited


def test_facts_are_saved_only_when_the_wait_fails(tmp_path, dockerd_plain):
    saved = tmp_path / "facts.json"
    ok = run_wait("--timeout", "10", "--save-facts", str(saved),
                  env={"DOCKER_HOST": dockerd_plain.tcp_url})
    assert ok.code == 0, ok
    assert not saved.exists()
    failed = run_wait("--timeout", "1", "--save-facts", str(saved), "--quiet",
                      env={"DOCKER_HOST": f"tcp://127.0.0.1:{unused_port()}"})
    assert failed.code == 1, failed
    assert failed.stderr == ""
    from dind_doctor.facts import Facts

    assert Facts.load(saved).api is not None and not Facts.load(saved).api.ping_ok

