"""Healthy configurations stay quiet: what the static checks may warn about (real files)."""

from __future__ import annotations

from dind_doctor.model import Report, Status

from .helpers import finding, report_for

LOUD = (Status.WARN, Status.FAIL, Status.ERROR)


def loud(report: Report) -> list[str]:
    return [f"{f.id}: {f.summary}" for f in report.findings if f.status in LOUD]


def test_a_freshly_registered_runner_with_network_mtu_0_is_quiet() -> None:
    report = report_for("tls-ok.yml", "docker-registered.toml")
    assert loud(report) == []
    assert finding(report, "network-mtu-ignored") is None
    assert not any("FF_NETWORK_PER_BUILD" in f.fix for f in report.findings)


def test_network_mtu_without_per_build_networks_warns_only_when_the_jobs_are_known() -> None:
    found = finding(report_for("tls-ok.yml", "docker-misc.toml"), "network-mtu-ignored")
    assert found is not None and found.status == Status.WARN and "build" in found.summary
    assert "FF_NETWORK_PER_BUILD = true" in found.fix
    unknown = finding(report_for(None, "docker-misc.toml"), "network-mtu-ignored")
    assert unknown is not None and unknown.status == Status.INFO
    by_job = finding(report_for("mtu-per-build.yml", "docker-misc.toml"), "network-mtu-ignored")
    assert by_job is not None and by_job.status == Status.OK


PROXIED_QUIET = ("everything", "upper-case", "lower-case-only", "tls-port",
                 "plain-with-https-proxy-only")
PROXIED_LOUD = ("wrong-port", "subdomains-only", "lower-case-list")


def _warned_jobs(found) -> set[str]:
    return {e.label.removeprefix("job ") for e in found.evidence if e.label.startswith("job ")}


def test_static_no_proxy_check_follows_go_rules() -> None:
    found = finding(report_for("proxy-rules.yml", None), "no-proxy-missing-docker")
    assert found is not None and found.status == Status.WARN
    assert _warned_jobs(found) == set(PROXIED_LOUD)


def test_static_no_proxy_evidence_and_fix_have_no_stray_comma() -> None:
    found = finding(report_for("proxy-rules.yml", None), "no-proxy-missing-docker")
    assert found is not None
    values = [e.value for e in found.evidence if e.label in ("NO_PROXY", "no_proxy")]
    assert values and not any(v.startswith(",") or v.endswith(",") for v in values), values
    fixes = [line for line in found.fix.splitlines() if "NO_PROXY" in line]
    assert fixes and not any(",\"" in f or "\"," in f or ",," in f for f in fixes), fixes
    proxy = finding(report_for("proxy.yml", None), "no-proxy-missing-docker")
    assert proxy is not None and 'NO_PROXY: "docker,localhost,127.0.0.1"' in proxy.fix


def test_static_and_live_no_proxy_checks_agree() -> None:
    """The live check on a job's variables says what the static check says about the job."""
    from dind_doctor.config.collect import load_ci_file
    from tests.checks.outcome import findings
    from tests.factories import FactsBuilder

    from .helpers import ci

    jobs = {j.name: j for j in load_ci_file(ci("proxy-rules.yml")).jobs}
    for name in (*PROXIED_QUIET, *PROXIED_LOUD):
        if name == "plain-with-https-proxy-only":
            continue  # the live builder below is a TLS job
        variables = {k: v for k, v in jobs[name].variables.items() if k != "DOCKER_TLS_CERTDIR"}
        live = findings(FactsBuilder.healthy_tls().env(**variables)
                        .daemon_info(HttpsProxy="http://proxy.corp.example:3128"))
        verdict = live["proxy-not-propagated"].status
        assert (verdict == Status.FAIL) == (name in PROXIED_LOUD), (name, verdict)


def test_no_dind_service_and_docker_unresolved_is_the_headline() -> None:
    """Live facts (docker does not resolve) + the job's real .gitlab-ci.yml (no service)."""
    from dind_doctor.config.collect import load_ci_file
    from dind_doctor.report import build_report
    from tests.factories import FactsBuilder

    from .helpers import ci

    facts = FactsBuilder.healthy_plain().env(CI_JOB_NAME="build").unresolved().build()
    facts.ci_file = load_ci_file(ci("no-service.yml"))
    report = build_report(facts)
    head = report.headline
    assert head is not None and head.id == "dind-service-missing", head
    assert head.status == Status.FAIL and "does not resolve" in head.summary
    assert finding(report, "alias-unresolvable").status == Status.FAIL  # still shown, second
