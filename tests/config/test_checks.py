"""Every static check, on hand-written fixtures: a failing (or warning) case and an ok case."""

from __future__ import annotations

import pytest

from dind_doctor.report import static_checks

from .helpers import finding, report_for

K8S = {"KUBERNETES_SERVICE_HOST": "10.0.0.1"}

# (check id, expected status or None for "no finding", CI fixture, runner fixture, env)
CASES: list[tuple[str, str | None, str | None, str | None, dict[str, str] | None]] = [
    ("runner-config-invalid", "fail", None, "broken.toml", None),
    ("runner-config-invalid", "ok", None, "docker-ok.toml", None),
    ("runner-executor", "fail", "tls-ok.yml", "shell.toml", None),
    ("runner-executor", "ok", "tls-ok.yml", "docker-ok.toml", None),
    ("runner-executor", "info", "tls-ok.yml", "k8s-ok.toml", None),
    ("privileged-missing", "fail", "tls-ok.yml", "docker-unprivileged.toml", None),
    ("privileged-missing", "ok", "tls-ok.yml", "docker-ok.toml", None),
    ("privileged-missing", "info", None, "docker-unprivileged.toml", None),
    ("privileged-missing", "warn", None, "dind-half-done.toml", None),
    ("privileged-missing", "ok", None, "fleet.toml", None),
    ("privileged-missing", "ok", "fleet.yml", "fleet.toml", None),
    ("privileged-missing", "fail", "fleet-misrouted.yml", "fleet.toml", None),
    ("privileged-missing", "ok", "no-service.yml", "docker-unprivileged.toml", None),
    ("privileged-missing", "fail", "registry-prefixed.yml", "docker-allowlist.toml", None),
    ("privileged-missing", "ok", "tls-ok.yml", "docker-allowlist.toml", None),
    ("privileged-missing", "fail", "tls-ok.yml", "k8s-missing.toml", None),
    ("privileged-missing", "ok", "tls-ok.yml", "k8s-ok.toml", None),
    ("certs-volume-missing", "fail", "tls-ok.yml", "docker-unprivileged.toml", None),
    ("certs-volume-missing", "ok", "tls-ok.yml", "docker-ok.toml", None),
    ("certs-volume-missing", "ok", "plain-2376.yml", "docker-unprivileged.toml", None),
    ("certs-volume-missing", "info", None, "docker-unprivileged.toml", None),
    ("certs-volume-missing", "info", None, "dind-half-done.toml", None),
    ("certs-volume-missing", "ok", "fleet.yml", "fleet.toml", None),
    ("certs-volume-missing", "ok", "tls-ok.yml", "docker-socket.toml", None),
    ("certs-volume-missing", "fail", "k8s.yml", "k8s-missing.toml", None),
    ("certs-volume-missing", "ok", "k8s.yml", "k8s-ok.toml", None),
    ("certs-volume-shared", "warn", None, "docker-misc.toml", None),
    ("certs-volume-shared", "ok", None, "docker-ok.toml", None),
    ("certs-volume-shared", "info", None, "docker-socket.toml", None),
    ("socket-volume-with-dind", "fail", "tls-ok.yml", "docker-socket.toml", None),
    ("socket-volume-with-dind", "ok", "tls-ok.yml", "docker-ok.toml", None),
    ("socket-volume-with-dind", "info", "no-service.yml", "docker-socket.toml", None),
    ("socket-volume-with-dind", "info", None, "docker-socket.toml", None),
    ("socket-volume-with-dind", "info", "fleet.yml", "fleet.toml", None),
    ("runner-docker-host-misread", "fail", None, "docker-misc.toml", None),
    ("runner-docker-host-misread", "warn", None, "docker-tuned.toml", None),
    ("runner-docker-host-misread", "ok", None, "docker-ok.toml", None),
    ("services-timeout-short", "warn", "tls-ok.yml", "docker-misc.toml", None),
    ("services-timeout-short", "info", "tls-ok.yml", "docker-tuned.toml", None),
    ("services-timeout-short", "ok", "tls-ok.yml", "docker-ok.toml", None),
    ("network-mtu-ignored", "warn", "tls-ok.yml", "docker-misc.toml", None),
    ("network-mtu-ignored", "info", None, "docker-misc.toml", None),
    ("network-mtu-ignored", "ok", "mtu-per-build.yml", "docker-misc.toml", None),
    ("network-mtu-ignored", None, None, "docker-registered.toml", None),
    ("network-mtu-ignored", "ok", None, "docker-tuned.toml", None),
    ("network-mtu-ignored", None, None, "docker-ok.toml", None),
    ("runner-env-docker-vars", "warn", None, "docker-misc.toml", None),
    ("dind-service-not-allowed", "fail", "tls-ok.yml", "docker-services-allowlist.toml", None),
    ("dind-service-not-allowed", "warn", None, "docker-services-allowlist.toml", None),
    ("dind-service-not-allowed", "info", "no-service.yml", "docker-services-allowlist.toml",
     None),
    ("dind-service-not-allowed", "ok", "tls-ok.yml", "docker-allowed-services.toml", None),
    ("dind-service-not-allowed", None, "tls-ok.yml", "docker-ok.toml", None),
    ("runner-env-docker-vars", "ok", None, "docker-ok.toml", None),
    ("ci-file-invalid", "fail", "broken.yml", None, None),
    ("ci-file-invalid", "ok", "tls-ok.yml", None, None),
    ("ci-file-unresolved", "info", "features.yml", None, None),
    ("ci-file-unresolved", "ok", "tls-ok.yml", None, None),
    ("dind-service-missing", "warn", "no-service.yml", None, None),
    ("dind-service-missing", "fail", "no-service.yml", "docker-ok.toml", None),
    ("dind-service-missing", "ok", "no-service.yml", "docker-socket.toml", None),
    ("dind-service-missing", "ok", "tls-ok.yml", None, None),
    ("dind-alias-missing", "fail", "registry-prefixed.yml", None, None),
    ("dind-alias-missing", "ok", "alias-ok.yml", None, None),
    ("dind-alias-mismatch", "fail", "alias-mismatch.yml", None, None),
    ("dind-alias-mismatch", "warn", "alias-san.yml", None, None),
    ("dind-alias-mismatch", "ok", "tls-ok.yml", None, None),
    ("dind-alias-mismatch", "fail", "alias-ok.yml", None, {"DOCKER_HOST": "tcp://dind:2376"}),
    ("ci-tls-port-mismatch", "fail", "tls-2375.yml", None, None),
    ("ci-tls-port-mismatch", "fail", "plain-2376.yml", None, None),
    ("ci-tls-port-mismatch", "ok", "tls-ok.yml", None, None),
    ("ci-tls-flag-ignored", "warn", "tls-false.yml", None, None),
    ("ci-tls-flag-ignored", "ok", "plain-2376.yml", None, None),
    ("ci-k8s-tls-vars", "fail", "k8s.yml", "k8s-ok.toml", None),
    ("ci-k8s-tls-vars", "fail", "k8s.yml", None, K8S),
    ("ci-k8s-tls-vars", "ok", "k8s-ok.yml", "k8s-ok.toml", None),
    ("ci-k8s-tls-vars", None, "k8s.yml", "docker-ok.toml", None),
    ("ci-entrypoint-bypassed", "fail", "entrypoint-empty.yml", None, None),
    ("ci-entrypoint-bypassed", "warn", "python-image.yml", None, None),
    ("ci-entrypoint-bypassed", "ok", "tls-ok.yml", None, None),
    ("dind-command-drops-defaults", "fail", "dockerd-command.yml", None, None),
    ("dind-command-drops-defaults", "ok", "tls-ok.yml", None, None),
    ("floating-docker-tag", "warn", "tls-2375.yml", None, None),
    ("floating-docker-tag", "ok", "tls-ok.yml", None, None),
    ("docker-version-skew", "warn", "version-skew.yml", None, None),
    ("docker-version-skew", "ok", "tls-ok.yml", None, None),
    ("docker-driver-vfs", "warn", "tls-2375.yml", None, None),
    ("docker-driver-vfs", "ok", "tls-ok.yml", None, None),
    ("no-proxy-missing-docker", "warn", "proxy.yml", None, None),
    ("no-proxy-missing-docker", "ok", "proxy-ok.yml", None, None),
    ("dind-mtu-flag-missing", "warn", "mtu.yml", "docker-tuned.toml", None),
    ("dind-mtu-flag-missing", "ok", "mtu-ok.yml", "docker-tuned.toml", None),
    ("dind-mtu-flag-missing", None, "mtu.yml", "docker-ok.toml", None),
]

# what each problem case is about: a fixture can trip several checks at once (docker-misc.toml
# trips five), so each case names the cause its check must report, not only the status
ABOUT: dict[tuple[str, str, str | None, str | None], str] = {
    ("runner-config-invalid", "fail", None, "broken.toml"): "broken.toml:4 cannot be used",
    ("runner-executor", "fail", "tls-ok.yml", "shell.toml"): "shell executor ignores `services:`",
    ("runner-executor", "info", "tls-ok.yml", "k8s-ok.toml"): "Kubernetes executor",
    ("privileged-missing", "fail", "tls-ok.yml", "docker-unprivileged.toml"): "not privileged",
    ("privileged-missing", "info", None, "docker-unprivileged.toml"):
        "if a docker:dind job runs here",
    ("privileged-missing", "warn", None, "dind-half-done.toml"): "platform-dind: services are not",
    ("privileged-missing", "fail", "fleet-misrouted.yml", "fleet.toml"): "vm1-kaniko:",
    ("privileged-missing", "fail", "registry-prefixed.yml", "docker-allowlist.toml"):
        "allowlist: the dind service is not privileged",
    ("privileged-missing", "fail", "tls-ok.yml", "k8s-missing.toml"): "[runners.docker]",
    ("certs-volume-missing", "fail", "tls-ok.yml", "docker-unprivileged.toml"):
        "/certs/client is not a runner volume",
    ("certs-volume-missing", "info", None, "docker-unprivileged.toml"): "Give --ci-file",
    ("certs-volume-missing", "info", None, "dind-half-done.toml"): "Give --ci-file",
    ("certs-volume-missing", "fail", "k8s.yml", "k8s-missing.toml"):
        "/certs/client is not a runner volume",
    ("certs-volume-shared", "warn", None, "docker-misc.toml"):
        "/srv/dind-certs:/certs/client is shared by every job",
    ("certs-volume-shared", "info", None, "docker-socket.toml"): "persists between jobs",
    ("socket-volume-with-dind", "fail", "tls-ok.yml", "docker-socket.toml"):
        "while a dind service runs here",
    ("socket-volume-with-dind", "info", "no-service.yml", "docker-socket.toml"):
        "no dind service runs here",
    ("socket-volume-with-dind", "info", None, "docker-socket.toml"): "also set up for dind",
    ("socket-volume-with-dind", "info", "fleet.yml", "fleet.toml"): "vm1-socket: socket binding",
    ("runner-docker-host-misread", "fail", None, "docker-misc.toml"):
        "host = 'tcp://docker:2375' is where the runner itself creates job containers",
    ("runner-docker-host-misread", "warn", None, "docker-tuned.toml"): "tls_verify / tls_cert_path",
    ("services-timeout-short", "warn", "tls-ok.yml", "docker-misc.toml"):
        "wait_for_services_timeout = 10 s",
    ("services-timeout-short", "info", "tls-ok.yml", "docker-tuned.toml"):
        "health check is disabled",
    ("network-mtu-ignored", "warn", "tls-ok.yml", "docker-misc.toml"):
        "network_mtu = 1400 only applies to per-build networks",
    ("network-mtu-ignored", "info", None, "docker-misc.toml"): "give --ci-file to check",
    ("runner-env-docker-vars", "warn", None, "docker-misc.toml"): "`environment` sets DOCKER_HOST",
    ("dind-service-not-allowed", "fail", "tls-ok.yml", "docker-services-allowlist.toml"):
        "does not match docker:29.1.3-dind, so the runner refuses the dind service",
    ("dind-service-not-allowed", "warn", None, "docker-services-allowlist.toml"):
        "this runner is set up for dind",
    ("dind-service-not-allowed", "info", "no-service.yml", "docker-services-allowlist.toml"):
        "if a dind job runs here",
    ("ci-file-invalid", "fail", "broken.yml", None): "not valid YAML",
    ("ci-file-unresolved", "info", "features.yml", None): "come from elsewhere",
    ("dind-service-missing", "warn", "no-service.yml", None): "without a dind service",
    ("dind-service-missing", "fail", "no-service.yml", "docker-ok.toml"):
        "does not mount the host socket",
    ("dind-alias-missing", "fail", "registry-prefixed.yml", None): "is registry-prefixed",
    ("dind-alias-mismatch", "fail", "alias-mismatch.yml", None): "DOCKER_HOST names 'daemon'",
    ("dind-alias-mismatch", "warn", "alias-san.yml", None): "not 'dind' (x509",
    ("dind-alias-mismatch", "fail", "alias-ok.yml", None): "DOCKER_HOST names 'dind'",
    ("ci-tls-port-mismatch", "fail", "tls-2375.yml", None): "DOCKER_HOST dials plain 2375",
    ("ci-tls-port-mismatch", "fail", "plain-2376.yml", None): "but DOCKER_HOST dials 2376",
    ("ci-tls-flag-ignored", "warn", "tls-false.yml", None): "--tls=false does not turn TLS off",
    ("ci-k8s-tls-vars", "fail", "k8s.yml", "k8s-ok.toml"): "nothing derives DOCKER_TLS_VERIFY",
    ("ci-k8s-tls-vars", "fail", "k8s.yml", None): "nothing derives DOCKER_TLS_VERIFY",
    ("ci-entrypoint-bypassed", "fail", "entrypoint-empty.yml", None):
        '`entrypoint: [""]` removes docker-entrypoint.sh',
    ("ci-entrypoint-bypassed", "warn", "python-image.yml", None): "python:3.12 is not a docker:*",
    ("dind-command-drops-defaults", "fail", "dockerd-command.yml", None):
        "dind listens on no TCP port",
    ("floating-docker-tag", "warn", "tls-2375.yml", None): "2 docker image tag(s) float",
    ("docker-version-skew", "warn", "version-skew.yml", None): "but dind floats (docker:dind)",
    ("docker-driver-vfs", "warn", "tls-2375.yml", None): "DOCKER_DRIVER=vfs",
    ("no-proxy-missing-docker", "warn", "proxy.yml", None): "does not exempt docker:2376",
    ("dind-mtu-flag-missing", "warn", "mtu.yml", "docker-tuned.toml"):
        "the path MTU is 1400 (tuned: network_mtu)",
}


@pytest.mark.parametrize(("check_id", "status", "ci_name", "runner_name", "env"), CASES,
                         ids=[f"{c[0]}-{c[1]}-{c[2] or c[3]}" for c in CASES])
def test_check_case(check_id: str, status: str | None, ci_name: str | None,
                    runner_name: str | None, env: dict[str, str] | None) -> None:
    report = report_for(ci_name, runner_name, env=env)
    found = finding(report, check_id)
    if status is None:
        assert found is None, f"unexpected {found}"
        return
    assert found is not None, f"{check_id} gave no finding"
    assert found.status.value == status, f"{found.status.value}: {found.summary}"
    assert found.summary
    if status in ("fail", "warn"):
        assert found.evidence or found.fix, "a problem must show evidence or a fix"
    if status != "ok":
        about = ABOUT[(check_id, status, ci_name, runner_name)]
        assert about in found.summary, f"not about {about!r}: {found.summary}"


def test_every_problem_case_says_what_it_is_about() -> None:
    problems = {(c[0], c[1], c[2], c[3]) for c in CASES if c[1] not in ("ok", None)}
    assert problems == set(ABOUT)


def test_every_static_check_has_a_failing_and_an_ok_case() -> None:
    ids = {c.id for c in static_checks()}
    bad = {c[0] for c in CASES if c[1] in ("fail", "warn", "info")}
    good = {c[0] for c in CASES if c[1] == "ok"}
    assert ids - bad == set(), "no fail/warn (or, for notices, info) case"
    assert ids - good == set(), "no ok case"


def test_findings_name_the_file_and_line() -> None:
    report = report_for("tls-2375.yml", None)
    mismatch = finding(report, "ci-tls-port-mismatch")
    assert mismatch is not None
    assert any("tls-2375.yml:3" in e.value for e in mismatch.evidence)


def test_k8s_runner_with_privileged_in_docker_section_says_so() -> None:
    found = finding(report_for("tls-ok.yml", "k8s-missing.toml"), "privileged-missing")
    assert found is not None and "[runners.docker]" in found.summary


def test_broken_runner_config_blocks_the_other_runner_checks() -> None:
    report = report_for(None, "broken.toml")
    skipped = [f for f in report.findings if f.status.value == "skip"]
    assert skipped and all(f.blocked_by == "runner-config-invalid" for f in skipped)


def test_an_allow_list_without_dind_offers_the_pattern_that_admits_it() -> None:
    found = finding(report_for("tls-ok.yml", "docker-services-allowlist.toml"),
                    "dind-service-not-allowed")
    assert found is not None
    assert found.fix == ('[runners.docker]\n'
                         '  allowed_services = ["postgres:*", "redis:*", "docker:*dind"]')
    assert any("docker-services-allowlist.toml:8" in e.value for e in found.evidence)
