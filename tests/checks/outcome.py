"""Run the checks on built facts and read the findings by id."""

from __future__ import annotations

from collections.abc import Iterable

import dind_doctor.checks  # noqa: F401  (registers every check)
from dind_doctor.facts import Facts
from dind_doctor.model import Finding, Status
from dind_doctor.report import build_report
from tests.factories import FactsBuilder


def findings(facts: Facts | FactsBuilder) -> dict[str, Finding]:
    built = facts.build() if isinstance(facts, FactsBuilder) else facts
    return {f.id: f for f in build_report(built).findings}


def status(facts: Facts | FactsBuilder, check_id: str) -> Status | None:
    found = findings(facts).get(check_id)
    return None if found is None else found.status


def evidence(finding: Finding) -> dict[str, str]:
    return {item.label: item.value for item in finding.evidence}


def assert_blocked(found: dict[str, Finding], ids: Iterable[str], by: str) -> None:
    for check_id in ids:
        assert check_id in found, f"{check_id} missing"
        assert found[check_id].status == Status.SKIP, (check_id, found[check_id].status)
        assert found[check_id].blocked_by == by, (check_id, found[check_id].blocked_by)


LATER_THAN_NAME = ("daemon-unreachable", "daemon-not-ready-race", "certs-client-not-shared",
                   "tls-unknown-authority", "daemon-api", "storage-driver-vfs-fallback",
                   "mtu-mismatch", "daemon-warnings")
LATER_THAN_TLS = ("api-version-skew", "daemon-api", "storage-driver-vfs-fallback",
                  "mtu-mismatch", "daemon-warnings")
