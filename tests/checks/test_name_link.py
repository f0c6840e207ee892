"""Name link: alias-unresolvable and what the resolver says about the network."""

from __future__ import annotations

from dind_doctor.model import Status
from tests.checks.outcome import LATER_THAN_NAME, assert_blocked, evidence, findings, status
from tests.factories import FactsBuilder


def test_unresolvable_alias_on_per_job_network_fails_and_blocks_later_links() -> None:
    found = findings(FactsBuilder.healthy_tls().unresolved(nameservers=("127.0.0.11",)))
    alias = found["alias-unresolvable"]
    assert alias.status == Status.FAIL
    assert "127.0.0.11" in alias.summary and "died at startup" in alias.summary
    assert "alias: docker" in alias.fix and "privileged" in alias.fix
    assert evidence(alias)["DNS"] == "NXDOMAIN"
    assert_blocked(found, LATER_THAN_NAME, by="alias-unresolvable")
    assert found["compose-missing"].status == Status.OK


def test_gitlab_com_resolver_is_named() -> None:
    alias = findings(FactsBuilder.healthy_tls().unresolved(
        nameservers=("169.254.169.254",)))["alias-unresolvable"]
    assert "GitLab.com" in alias.summary


def test_kubernetes_story_mentions_host_aliases() -> None:
    builder = FactsBuilder.healthy_tls().kubernetes().unresolved(nameservers=("10.96.0.10",))
    alias = findings(builder)["alias-unresolvable"]
    assert alias.status == Status.FAIL and "hostAliases" in alias.summary


def test_custom_alias_in_docker_host_is_named_in_summary_and_fix() -> None:
    builder = (FactsBuilder.healthy_tls().env(DOCKER_HOST="tcp://dind:2376").host("dind")
               .unresolved("dind", nameservers=("8.8.8.8",)))
    alias = findings(builder)["alias-unresolvable"]
    assert "'dind'" in alias.summary and "alias: dind" in alias.fix


def test_legacy_link_variables_are_shown() -> None:
    builder = FactsBuilder.healthy_tls().env(DOCKER_PORT_2375_TCP="tcp://172.17.0.3:2375")
    builder.unresolved(nameservers=("8.8.8.8",))
    alias = findings(builder)["alias-unresolvable"]
    assert evidence(alias)["link variables"] == "DOCKER_PORT_2375_TCP"


def test_resolving_alias_is_ok_and_ip_host_needs_no_resolution() -> None:
    assert status(FactsBuilder.healthy_tls(), "alias-unresolvable") == Status.OK
    builder = FactsBuilder.healthy_plain().env(DOCKER_HOST="tcp://172.17.0.3:2375")
    builder.host("172.17.0.3").facts.name.is_ip = True
    found = findings(builder)["alias-unresolvable"]
    assert found.status == Status.OK and "IP address" in found.summary


def test_name_probe_failure_is_error_and_blocks() -> None:
    found = findings(FactsBuilder.healthy_tls().probe_failed("name", "resolver hung", True))
    assert found["alias-unresolvable"].status == Status.ERROR
    assert_blocked(found, ["daemon-unreachable", "daemon-api"], by="alias-unresolvable")


def test_unreadable_resolver_files_are_named_in_the_evidence() -> None:
    builder = FactsBuilder.healthy_tls().unresolved(nameservers=("10.0.0.2",))
    builder.facts.env.resolv_nameservers = []
    builder.facts.env.resolv_error = "Permission denied"
    builder.facts.env.hosts_error = "No such file or directory"
    found = evidence(findings(builder)["alias-unresolvable"])
    assert found["nameservers"] == "/etc/resolv.conf unreadable: Permission denied"
    assert found["/etc/hosts unreadable"] == "No such file or directory"


def test_readable_resolver_files_add_nothing() -> None:
    found = evidence(findings(FactsBuilder.healthy_tls().unresolved(
        nameservers=("127.0.0.11",)))["alias-unresolvable"])
    assert found["nameservers"] == "127.0.0.11" and "/etc/hosts unreadable" not in found
