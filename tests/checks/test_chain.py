"""The whole chain: every id has a breaking case, healthy jobs are clean, crashes are contained,
replay is byte-identical, and the bundled scenarios say what they are meant to say."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from dind_doctor import scenarios
from dind_doctor.checks.base import REGISTRY, Check, Context, run_all
from dind_doctor.facts import Facts
from dind_doctor.model import CHAIN, Link, Status
from dind_doctor.report import build_report
from tests.checks import make_scenarios
from tests.checks.outcome import findings
from tests.factories import FactsBuilder

B = FactsBuilder
NO_ENTRYPOINT = "/usr/local/bin/docker-entrypoint.sh"
SHARED = "/runner/services/docker/docker.sock"

# id -> (a builder that breaks exactly that link, the status it must get)
BREAKING: dict[str, tuple[Callable[[], FactsBuilder], Status]] = {
    "job-environment": (lambda: B.healthy_tls().probe_failed("env"), Status.ERROR),
    "k8s-executor-wiring": (lambda: B.healthy_tls().kubernetes().env(
        DOCKER_TLS_VERIFY=None, DOCKER_CERT_PATH=None), Status.FAIL),
    "proxy-not-propagated": (lambda: B.healthy_tls().env(HTTPS_PROXY="http://p:3128"),
                             Status.FAIL),
    "docker-host-invalid": (lambda: B.healthy_tls().env(DOCKER_HOST="tcp://"), Status.FAIL),
    "docker-host-unset-unix-socket": (lambda: B.healthy_tls().path(NO_ENTRYPOINT, "missing").env(
        DOCKER_HOST=None, DOCKER_TLS_VERIFY=None, DOCKER_CERT_PATH=None), Status.FAIL),
    "unix-socket-shared-volume-misconfig": (lambda: B.healthy_tls().env(
        DOCKER_HOST=f"unix://{SHARED}").socket(SHARED, "missing", kind="missing"), Status.FAIL),
    "socket-binding-mixed-with-dind": (lambda: B.healthy_tls().socket(
        "/var/run/docker.sock", "ok"), Status.WARN),
    "alias-unresolvable": (lambda: B.healthy_tls().unresolved(), Status.FAIL),
    "daemon-tls-client-plain-2375": (lambda: B.healthy_tls().env(
        DOCKER_HOST="tcp://docker:2375", DOCKER_TLS_VERIFY=None, DOCKER_CERT_PATH=None
    ).without_client_certs(), Status.FAIL),
    "daemon-unreachable": (lambda: B.healthy_tls().port(2376, "refused"), Status.FAIL),
    "daemon-not-ready-race": (lambda: B.healthy_tls().port(2376, "open", "tls",
                                                           opened_after_ms=9000.0),
                              Status.WARN),
    "client-plain-http-to-tls-port": (lambda: B.healthy_tls().kubernetes().env(
        DOCKER_TLS_VERIFY=None, DOCKER_CERT_PATH=None), Status.FAIL),
    "daemon-plain-client-expects-tls": (lambda: B.healthy_plain().env(DOCKER_TLS_VERIFY="1"),
                                        Status.FAIL),
    "certs-client-not-shared": (lambda: B.healthy_tls().without_client_certs(), Status.FAIL),
    "tls-cert-files-invalid": (lambda: B.healthy_tls().certs(key_matches_cert=False),
                               Status.FAIL),
    "tls-unknown-authority": (lambda: B.healthy_tls().certs(server_signed_by_ca=False),
                              Status.FAIL),
    "tls-san-mismatch-custom-alias": (lambda: B.healthy_tls().env(
        DOCKER_HOST="tcp://dind:2376").host("dind"), Status.FAIL),
    "clock-skew-cert-validity": (lambda: B.healthy_tls().server_cert(
        not_after="2026-05-31T00:00:00Z"), Status.FAIL),
    "tls-client-cert-rejected": (lambda: B.healthy_tls().tls(client_cert_accepted=False),
                                 Status.FAIL),
    "api-version-skew": (lambda: B.healthy_tls().client_api("1.41"), Status.FAIL),
    "daemon-api": (lambda: B.healthy_tls().api_down("EOF"), Status.FAIL),
    "storage-driver-vfs-fallback": (lambda: B.healthy_tls().daemon_info(Driver="vfs"),
                                    Status.WARN),
    "mtu-mismatch": (lambda: B.healthy_tls().mtu(1450), Status.WARN),
    "daemon-warnings": (lambda: B.healthy_plain(), Status.INFO),
    "compose-missing": (lambda: B.healthy_tls().without_compose(), Status.WARN),
}


# The checks over probed facts (runner and CI-file checks over config files live elsewhere).
PROBED_MODULES = {"job", "endpoint", "name", "port", "protocol", "tls", "api", "daemon", "tools"}
PROBED = {c.id for c in REGISTRY if c.fn.__module__.rsplit(".", 1)[-1] in PROBED_MODULES}


def test_every_registered_check_has_a_breaking_case() -> None:
    assert set(BREAKING) == PROBED


@pytest.mark.parametrize("check_id", list(BREAKING))
def test_breaking_case_hits_its_check_and_blocks_only_later_links(check_id: str) -> None:
    make, expected = BREAKING[check_id]
    found = findings(make())
    assert found[check_id].status == expected
    if expected in (Status.FAIL, Status.ERROR):
        link = found[check_id].link
        order = {lnk: i for i, lnk in enumerate(CHAIN)}
        for other in found.values():
            if other.blocked_by == check_id:
                assert order[other.link] >= order[link], other.id
    if expected != Status.INFO:
        healthy = findings(B.healthy_tls()).get(check_id)
        assert healthy is None or healthy.status in (Status.OK, Status.INFO), check_id


@pytest.mark.parametrize("tls", [True, False], ids=["tls", "plain"])
def test_healthy_jobs_have_no_problem_and_every_tested_link_is_ok(tls: bool) -> None:
    report = build_report((B.healthy_tls() if tls else B.healthy_plain()).build())
    assert [f.id for f in report.findings if f.is_problem or f.status == Status.SKIP] == []
    assert report.headline is None and report.exit_code(strict=True) == 0
    links = {f.link for f in report.findings if f.id in PROBED}
    expected = set(CHAIN) - {Link.RUNNER} - (set() if tls else {Link.TLS})
    assert links == expected


def test_a_crashing_check_becomes_an_error_and_the_run_completes() -> None:
    def explode(ctx: Context) -> None:
        raise RuntimeError("token glpat-abcdefghijklmnop leaked in a message")

    boom = Check("boom", Link.NAME, "Exploding check", explode)
    facts = B.healthy_tls().build()
    found = {f.id: f for f in run_all(facts, [*REGISTRY, boom])}
    assert found["boom"].status == Status.ERROR
    assert "RuntimeError" in found["boom"].summary
    assert "glpat-abcdefghijklmnop" not in found["boom"].summary  # redacted
    assert found["compose-missing"].status == Status.OK  # later checks still ran
    without = {f.id: f.status for f in run_all(facts, REGISTRY)}
    assert {i: f.status for i, f in found.items() if i != "boom"} == without


def test_malformed_fact_makes_one_check_error_not_the_tool() -> None:
    found = findings(B.healthy_tls().daemon_info(Warnings=5))
    assert found["daemon-warnings"].status == Status.ERROR
    assert "TypeError" in found["daemon-warnings"].summary
    # where it crashed: the function, not its line (which moves with any edit above it)
    assert [(e.label, e.value) for e in found["daemon-warnings"].evidence] == [
        ("where", "daemon_warnings")]
    assert found["compose-missing"].status == Status.OK


def _json(report) -> str:
    data = report.to_dict()
    for finding in data["findings"]:  # an error finding carries the crash's measured time
        if finding["status"] == "error":
            finding["duration_ms"] = 0.0
    return json.dumps(data, indent=2, sort_keys=True)


@pytest.mark.parametrize("name", list(make_scenarios.SCENARIOS))
def test_replayed_facts_give_a_byte_identical_report(name: str, tmp_path: Path) -> None:
    facts = make_scenarios.SCENARIOS[name]()
    facts.save(tmp_path / "facts.json")
    replayed = Facts.load(tmp_path / "facts.json")
    assert replayed.dumps() == facts.dumps()
    assert _json(build_report(replayed)) == _json(build_report(facts))


def test_every_scenario_has_an_expected_headline() -> None:
    bundled = set(scenarios.SCENARIOS)
    assert set(make_scenarios.HEADLINES) == bundled == set(make_scenarios.SCENARIOS)


@pytest.mark.parametrize("name", list(make_scenarios.HEADLINES))
def test_bundled_scenario_produces_its_headline(name: str) -> None:
    head = build_report(scenarios.load(name)).headline
    got = None if head is None else (head.id, head.status)
    assert got == make_scenarios.HEADLINES[name]


def test_bundled_scenarios_are_what_the_generator_writes(tmp_path: Path) -> None:
    make_scenarios.write_scenarios(tmp_path)
    bundled = Path(scenarios.__file__).parent
    for name in scenarios.SCENARIOS:
        assert (bundled / f"{name}.json").read_text() == (tmp_path / f"{name}.json").read_text(), (
            f"{name}.json is stale: run python -m tests.checks.make_scenarios")


def test_unknown_scenario_name_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match="unknown scenario"):
        scenarios.load("nope")
