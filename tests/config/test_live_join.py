"""Live + static: a declared dind service whose alias does not resolve on a per-job network."""

from __future__ import annotations

from dind_doctor.facts import NameFacts
from dind_doctor.report import lint_report

from .helpers import facts_for, finding


def _live(host: str, *, resolver: str = "127.0.0.11", addresses: list[str] | None = None):
    facts = facts_for("tls-ok.yml", None)
    facts.env.resolv_nameservers = [resolver]
    facts.name = NameFacts(host=host, dns=addresses or [], dns_error=None if addresses
                           else "NXDOMAIN")
    return facts


def test_dead_dind_on_per_job_network_points_at_privileged() -> None:
    found = finding(lint_report(_live("docker")), "privileged-missing")
    assert found is not None and found.status.value == "fail"
    assert "exited at startup" in found.summary
    labels = [e.label for e in found.evidence]
    assert {"confirm: privileged", "confirm: iptables", "confirm: storage"} <= set(labels)


def test_resolving_alias_or_other_network_says_nothing() -> None:
    assert finding(lint_report(_live("docker", addresses=["172.18.0.2"])),
                   "privileged-missing") is None
    assert finding(lint_report(_live("docker", resolver="10.0.0.10")),
                   "privileged-missing") is None
    assert finding(lint_report(_live("elsewhere")), "privileged-missing") is None
