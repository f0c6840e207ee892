"""Port and protocol links: wrong port, dead daemon, late daemon, TLS/plain disagreements."""

from __future__ import annotations

from dind_doctor.model import Status
from tests.checks.outcome import assert_blocked, evidence, findings, status
from tests.factories import CERTS_WRITTEN, FactsBuilder

ENTRYPOINT = "/usr/local/bin/docker-entrypoint.sh"


def plain_client_on_2375(builder: FactsBuilder) -> FactsBuilder:
    return builder.env(DOCKER_HOST="tcp://docker:2375", DOCKER_TLS_VERIFY=None,
                       DOCKER_CERT_PATH=None).without_client_certs()


def test_plain_client_on_2375_against_tls_daemon_fails_and_blocks() -> None:
    found = findings(plain_client_on_2375(FactsBuilder.healthy_tls()))
    mismatch = found["daemon-tls-client-plain-2375"]
    assert mismatch.status == Status.FAIL
    assert evidence(mismatch)["docker:2375"] == "refused"
    assert evidence(mismatch)["docker:2376"].startswith("open (tls)")
    assert "tcp://docker:2376" in mismatch.fix and 'DOCKER_TLS_CERTDIR: ""' in mismatch.fix
    assert_blocked(found, ["daemon-unreachable", "client-plain-http-to-tls-port",
                           "certs-client-not-shared", "daemon-api", "daemon-warnings"],
                   by="daemon-tls-client-plain-2375")


def test_tls_client_on_2375_against_tls_daemon_fails_too() -> None:
    # docker:* entrypoint with certs present exports DOCKER_TLS_VERIFY even for :2375
    builder = FactsBuilder.healthy_tls().env(DOCKER_HOST="tcp://docker:2375",
                                             DOCKER_TLS_VERIFY=None, DOCKER_CERT_PATH=None)
    found = findings(builder)["daemon-tls-client-plain-2375"]
    assert found.status == Status.FAIL and "(with TLS)" in found.summary


def test_plain_pair_on_2375_is_not_a_mismatch() -> None:
    assert status(FactsBuilder.healthy_plain(), "daemon-tls-client-plain-2375") is None


def test_nothing_listening_fails_with_dead_daemon_candidates() -> None:
    found = findings(FactsBuilder.healthy_tls().port(2376, "refused"))
    dead = found["daemon-unreachable"]
    assert dead.status == Status.FAIL
    assert "died at startup" in dead.summary and "privileged" in dead.fix
    assert_blocked(found, ["daemon-not-ready-race", "daemon-plain-client-expects-tls",
                           "certs-client-not-shared", "daemon-api"], by="daemon-unreachable")


def test_port_that_accepts_but_never_answers_is_named() -> None:
    found = findings(FactsBuilder.healthy_tls().port(2376, "open", "silent"))
    assert found["daemon-unreachable"].status == Status.FAIL
    assert "never answers" in found["daemon-unreachable"].summary
    hung = findings(FactsBuilder.healthy_tls().port(2376, "timeout").port(2375, "open", "silent"))
    assert "2375 accepts connections but never answers" in hung["daemon-unreachable"].summary


def test_client_on_an_unusual_port_is_told_the_daemon_port() -> None:
    builder = FactsBuilder.healthy_tls().env(DOCKER_HOST="tcp://docker:2377").port(
        2377, "refused")
    found = findings(builder)["daemon-unreachable"]
    assert found.status == Status.FAIL
    assert "tcp://docker:2376" in found.fix and "DOCKER_TLS_VERIFY" in found.fix


def test_open_port_is_ok() -> None:
    assert status(FactsBuilder.healthy_tls(), "daemon-unreachable") == Status.OK
    assert status(FactsBuilder.healthy_plain(), "daemon-unreachable") == Status.OK


def test_ports_probe_failure_is_error_and_blocks() -> None:
    found = findings(FactsBuilder.healthy_tls().probe_failed("ports", "overran", True))
    assert found["daemon-unreachable"].status == Status.ERROR
    assert_blocked(found, ["daemon-api"], by="daemon-unreachable")


def test_port_opened_after_retries_warns_race() -> None:
    builder = FactsBuilder.healthy_tls().port(2376, "open", "tls", opened_after_ms=14200.0,
                                              attempts=9)
    found = findings(builder)
    race = found["daemon-not-ready-race"]
    assert race.status == Status.WARN and "14.2 s" in race.summary
    assert "HEALTHCHECK_TCP_PORT" in race.fix
    assert found["daemon-api"].status == Status.OK  # a warning does not block


def test_certs_written_just_after_the_job_start_time_say_nothing() -> None:
    """The job start is /proc/stat btime (whole seconds) plus PID 1's ticks: a healthy TLS
    job's certs often look 0.2 s (or a few s) newer than it. No warning, no hint."""
    for gap in (0.2, 0.9, 3.0):
        builder = FactsBuilder.healthy_tls().job_started(CERTS_WRITTEN - gap)
        race = findings(builder)["daemon-not-ready-race"]
        assert race.status == Status.OK, (gap, race.summary)


def test_certs_clearly_newer_than_the_job_are_only_a_hint() -> None:
    builder = FactsBuilder.healthy_tls().job_started(CERTS_WRITTEN - 90)
    race = findings(builder)["daemon-not-ready-race"]
    assert race.status == Status.INFO and "90 s newer" in race.summary
    assert "job container started" in evidence(race)
    builder.env(HEALTHCHECK_TCP_PORT="2376")
    assert status(builder, "daemon-not-ready-race") == Status.OK
    assert status(FactsBuilder.healthy_tls(), "daemon-not-ready-race") == Status.OK


def test_plain_client_to_tls_port_fails() -> None:
    builder = FactsBuilder.healthy_tls().path(ENTRYPOINT, "missing").env(
        DOCKER_TLS_VERIFY=None, DOCKER_CERT_PATH=None)
    found = findings(builder)
    plain = found["client-plain-http-to-tls-port"]
    assert plain.status == Status.FAIL
    assert "Client sent an HTTP request" in plain.summary
    assert "DOCKER_TLS_VERIFY" in plain.fix
    assert_blocked(found, ["certs-client-not-shared", "daemon-api"],
                   by="client-plain-http-to-tls-port")


def test_plain_client_to_plain_port_is_ok_and_absent_for_tls_clients() -> None:
    assert status(FactsBuilder.healthy_plain(), "client-plain-http-to-tls-port") == Status.OK
    assert status(FactsBuilder.healthy_tls(), "client-plain-http-to-tls-port") is None


def test_tls_client_to_plain_daemon_fails() -> None:
    found = findings(FactsBuilder.healthy_plain().env(DOCKER_TLS_VERIFY="1"))
    expects = found["daemon-plain-client-expects-tls"]
    assert expects.status == Status.FAIL
    assert "server gave HTTP response to HTTPS client" in expects.summary
    assert_blocked(found, ["daemon-api"], by="daemon-plain-client-expects-tls")


def test_tls_client_on_2376_while_daemon_is_plain_on_2375() -> None:
    builder = FactsBuilder.healthy_tls().port(2376, "refused").port(2375, "open", "http")
    found = findings(builder)
    assert found["daemon-unreachable"].status == Status.INFO
    assert found["daemon-plain-client-expects-tls"].status == Status.FAIL
    assert "without TLS on 2375" in found["daemon-plain-client-expects-tls"].summary


def test_tls_pair_is_ok_and_absent_for_plain_clients() -> None:
    assert status(FactsBuilder.healthy_tls(), "daemon-plain-client-expects-tls") == Status.OK
    assert status(FactsBuilder.healthy_plain(), "daemon-plain-client-expects-tls") is None
