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


def _inferred(report: Report, check_id: str) -> str:
    found = finding(report, check_id)
    assert found is not None
    return " | ".join(e.value for e in found.evidence if e.label == "inferred")


def test_runner_purposes_are_inferred_from_the_real_config() -> None:
    from dind_doctor.config.collect import load_runner_config
    from dind_doctor.config.purpose import infer_purpose

    from .helpers import runner

    kinds = {r.name: infer_purpose(r).kind
             for r in load_runner_config(runner("fleet.toml")).runners}
    assert kinds == {"vm1-socket": "socket", "vm1-kaniko": "daemonless", "vm1-dind": "dind"}
    fresh = load_runner_config(runner("docker-unprivileged.toml")).runners[0]
    assert infer_purpose(fresh).kind == "unknown"
    assert infer_purpose(load_runner_config(runner("docker-ok.toml")).runners[0]).kind == "dind"


def test_a_fleet_of_socket_kaniko_and_dind_runners_gets_no_dind_advice_it_did_not_ask_for():
    for ci_name in ("fleet.yml", None):
        report = report_for(ci_name, "fleet.toml")
        assert loud(report) == [], ci_name
        assert not any("privileged = true" in f.fix for f in report.findings), ci_name
        inferred = _inferred(report, "privileged-missing")
        assert "vm1-socket: socket binding" in inferred
        assert "vm1-kaniko: daemonless" in inferred and "kaniko" in inferred
        assert "vm1-dind: Docker-in-Docker" in inferred
    with_ci = _inferred(report_for("fleet.yml", "fleet.toml"), "privileged-missing")
    assert "dind job(s) that run here: integration" in with_ci


def test_a_socket_binding_runner_is_not_told_to_become_a_dind_runner() -> None:
    report = report_for(None, "docker-socket.toml")
    assert loud(report) == []
    assert not any("privileged" in f.fix or "/certs/client" in f.fix for f in report.findings)
    mixed = finding(report_for("tls-ok.yml", "docker-socket.toml"), "socket-volume-with-dind")
    assert mixed is not None and mixed.status == Status.FAIL  # a dind job really lands there
    assert "socket binding" in _inferred(report_for("tls-ok.yml", "docker-socket.toml"),
                                         "socket-volume-with-dind")


def test_a_dind_job_routed_to_the_kaniko_runner_is_routed_not_unlocked() -> None:
    report = report_for("fleet-misrouted.yml", "fleet.toml")
    found = finding(report, "privileged-missing")
    assert found is not None and found.status == Status.FAIL
    assert found.summary.startswith("vm1-kaniko:")
    assert "run here: integration" in _inferred(report, "privileged-missing")
    assert "privileged = true" not in found.fix and "tags" in found.fix


def test_unknown_runner_without_ci_file_gets_a_notice_and_a_dind_runner_a_warning() -> None:
    unknown = report_for(None, "docker-unprivileged.toml")
    assert finding(unknown, "privileged-missing").status == Status.INFO
    assert "unknown purpose" in _inferred(unknown, "privileged-missing")
    dind = report_for(None, "dind-half-done.toml")
    assert finding(dind, "privileged-missing").status == Status.WARN
    assert "Docker-in-Docker" in _inferred(dind, "privileged-missing")


def test_runner_comments_kept_as_facts_never_carry_secrets(tmp_path) -> None:
    from dind_doctor.config.collect import load_runner_config

    from .helpers import CANARY

    path = tmp_path / "config.toml"
    path.write_text(f"""# old token {CANARY}
[[runners]]
  name = "ci"  # registration password: {CANARY}
  executor = "docker"
  # tags: dind
  [runners.docker]
    privileged = true  # dind needs it, see https://user:{CANARY}@wiki.example.com
""")
    facts = load_runner_config(str(path))
    text = " ".join(facts.runners[0].comments)
    assert CANARY not in text and "dind needs it" in text
    assert facts.runners[0].tags == ["dind"]


def test_helm_runner_tags_route_jobs() -> None:
    """runners.tags of the Helm chart: a dind job tagged for another runner does not land."""
    report = report_for("fleet.yml", helm="helm-kaniko.yaml")
    runner_findings = [f for f in report.findings if f.link.value == "runner"]
    assert not [f for f in runner_findings if f.status in LOUD]
    # deploy (tags: docker-socket) runs on a runner that is not in this file: not proven
    assert finding(report, "dind-service-missing").status == Status.WARN
    inferred = _inferred(report, "privileged-missing")
    assert "daemonless" in inferred and "no dind job of the CI file runs here" in inferred
    misrouted = report_for("fleet-misrouted.yml", helm="helm-kaniko.yaml")
    assert finding(misrouted, "privileged-missing").status == Status.FAIL


def test_fix_proposes_nothing_for_a_socket_or_kaniko_runner() -> None:
    from dind_doctor.fix.patch import read_file
    from dind_doctor.fix.plan import facts_from_sources, plan_fixes
    from dind_doctor.report import lint_report

    from .helpers import runner

    rc_text = read_file(runner("fleet.toml"))
    facts = facts_from_sources(None, rc_text, helm=False, env={})
    plan = plan_fixes(lint_report(facts).findings, facts, None, rc_text)
    assert all("privileged = true" not in p.diff() for p in plan.patches)


def test_job_tags_decide_where_a_dind_job_lands() -> None:
    from dind_doctor.config.collect import load_ci_file, load_runner_config
    from dind_doctor.config.purpose import lands_on
    from dind_doctor.config.runner_toml import tags_in_comments

    from .helpers import ci, runner

    assert tags_in_comments(["registered with --tag-list docker,dind"]) == ["docker", "dind"]
    assert tags_in_comments(["no tags were given"]) is None
    jobs = {j.name: j for j in load_ci_file(ci("fleet.yml")).jobs}
    runners = {r.name: r for r in load_runner_config(runner("fleet.toml")).runners}
    assert jobs["integration"].tags == ["dind"]
    where = {name: [r for r, decl in runners.items() if lands_on(job, decl, only_runner=False)]
             for name, job in jobs.items()}
    assert where == {"image-build": ["vm1-kaniko"], "integration": ["vm1-dind"],
                     "deploy": ["vm1-socket"]}
