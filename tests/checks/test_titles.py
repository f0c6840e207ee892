"""A check named after its problem shows that name only when the problem is there."""

from __future__ import annotations

import dind_doctor.checks  # noqa: F401  (importing registers every check)
from dind_doctor.checks.base import REGISTRY
from dind_doctor.model import Status
from dind_doctor.report import build_report
from dind_doctor.scenarios import load

PROBLEM_NAMED = {"daemon-tls-client-plain-2375", "client-plain-http-to-tls-port",
                 "daemon-plain-client-expects-tls", "socket-binding-mixed-with-dind",
                 "docker-host-unset-unix-socket"}


def _titles(scenario: str) -> dict[str, tuple[Status, str]]:
    return {f.id: (f.status, f.title) for f in build_report(load(scenario)).findings}


def test_problem_named_checks_have_a_passing_title() -> None:
    checks = {c.id: c for c in REGISTRY}
    for check_id in PROBLEM_NAMED:
        assert checks[check_id].passing, check_id
        assert checks[check_id].passing != checks[check_id].title


def test_a_healthy_report_reads_as_healthy() -> None:
    for scenario in ("healthy-tls", "healthy-plain"):
        titles = _titles(scenario)
        for check_id in PROBLEM_NAMED & set(titles):
            status, title = titles[check_id]
            assert status is Status.OK
            assert title == next(c.passing for c in REGISTRY if c.id == check_id)
    assert _titles("healthy-plain")["client-plain-http-to-tls-port"] == (
        Status.OK, "Client protocol fits the port")
    assert _titles("healthy-tls")["daemon-plain-client-expects-tls"] == (
        Status.OK, "Daemon protocol matches")


def test_the_problem_title_names_the_problem_when_it_is_there() -> None:
    titles = _titles("tls-mismatch-2375")
    assert titles["daemon-tls-client-plain-2375"] == (Status.FAIL, "TLS daemon, client on 2375")
    # a check not reached because of it is not named after a problem it may not have
    assert titles["client-plain-http-to-tls-port"] == (Status.SKIP,
                                                       "Client protocol fits the port")
