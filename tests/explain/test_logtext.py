"""Log cleaning: ANSI codes, section markers, carriage returns, timestamps, the warning block."""

from __future__ import annotations

import pytest

from dind_doctor.explain import explain_log, match_error_line
from dind_doctor.explain.context import classify_resolver
from dind_doctor.explain.logtext import Origin, clean, parse_log

from .helpers import read

E = "\x1b"


def test_markers_and_colours_are_removed_and_text_before_an_erase_survives():
    raw = (f"section_start:1780315095:step_script[collapsed=true]\r{E}[0K{E}[0K{E}[36;1m"
           f"Executing \"step_script\" stage{E}[0;m")
    assert clean(raw) == ['Executing "step_script" stage']
    # an error printed before the runner's `\r ESC[0K` must not be overwritten away
    assert clean(f"{E}[31;1mERROR: Cannot connect{E}[0;m\r{E}[0K") == ["ERROR: Cannot connect"]
    assert clean("Downloading 10%\rDownloading 100%") == ["Downloading 10%", "Downloading 100%"]


def test_every_cleaned_line_of_the_set_is_free_of_control_codes():
    for line in parse_log(read("tls-2375-docker-info-cli28.log")).lines:
        assert "\x1b" not in line.text and "section_" not in line.text and "\r" not in line.text


def test_the_service_warning_block_is_split_into_its_parts():
    parsed = parse_log(read("privileged-block-lookup-cli28.log"))
    (warning,) = parsed.warnings
    assert warning.service.startswith("runner-") and warning.service.endswith("-docker-0")
    assert warning.health_check_error == [
        f'service "{warning.service}-wait-for-service" timeout']
    texts = [line.text for line in warning.service_log]
    assert any("mount: permission denied (are you root?)" in t for t in texts)
    assert all(line.origin is Origin.SERVICE for line in warning.service_log)
    after = [line for line in parsed.lines if line.number > warning.service_log[-1].number]
    assert all(line.origin is Origin.JOB for line in after)  # the block ends at *********


def test_health_check_container_logs_are_not_service_logs():
    parsed = parse_log(read("tls-2375-old-runner-healthcheck.log"))
    health = [line for line in parsed.lines if line.origin is Origin.HEALTH_CHECK]
    assert any("dialing 172.17.0.3:2375" in line.text for line in health)


def test_ci_debug_services_prefix_marks_service_lines():
    parsed = parse_log(read("race-plain-delay.log"))
    service = [line for line in parsed.lines if line.origin is Origin.SERVICE]
    assert service and not any(line.text.startswith("[service:") for line in service)


@pytest.mark.parametrize("transform", [
    lambda text: text.replace("\n", "\r\n"),
    lambda text: "".join(f"2026-06-01T12:00:{i % 60:02d}.123456Z 00O {line}\n"
                         for i, line in enumerate(text.splitlines())),
], ids=["crlf", "runner-timestamps"])
def test_line_endings_and_runner_timestamps_do_not_change_the_answer(transform):
    for name in ("privileged-block-cli29.log", "tls-2375-debug-services-cli29.log",
                 "success-tls.log"):
        plain, changed = explain_log(read(name)), explain_log(transform(read(name)))
        assert plain.verdict == changed.verdict
        assert [c.entry.id for c in plain.candidates] == [c.entry.id for c in changed.candidates]


@pytest.mark.parametrize(("ip", "kind"), [
    ("127.0.0.11", "docker-embedded-dns"),
    ("169.254.169.254", "gitlab-com-gcp"),
    ("100.64.0.10", "cluster-dns"),
    ("10.96.0.10", "cluster-dns"),
    ("10.0.1.12", "host-dns"),
    ("127.0.0.53", "local-resolver"),
    (None, "local"),
])
def test_resolver_addresses_are_classified(ip, kind):
    assert classify_resolver(ip)[0] == kind


def test_the_resolver_is_read_from_the_log():
    expl = explain_log(read("alias-gitlab-com-cli29.log"))
    assert expl.context.resolver is not None
    assert (expl.context.resolver.ip, expl.context.resolver.kind) == (
        "169.254.169.254", "gitlab-com-gcp")
    assert any("GitLab.com" in r for r in expl.candidates[0].reasons)


def test_a_refused_port_that_is_not_dockers_is_not_a_dind_problem():
    expl = explain_log("dial tcp 127.0.0.1:6379: connect: connection refused\n")
    assert expl.candidates == [] and expl.exit_code == 0


def test_a_fragment_of_an_error_uses_the_catalogs_fragment_matcher():
    fragment = "certificate signed by unknown auth"
    expl = explain_log(fragment)
    ranked = [m.entry.id for m in match_error_line(fragment)]
    assert [c.entry.id for c in expl.candidates] == ranked[:len(expl.candidates)]
    assert {"tls-unknown-authority", "inner-daemon-registry-trust"} <= {
        c.entry.id for c in expl.candidates}


@pytest.mark.parametrize("text", ["", "\n\n", "\x00\x01\xff" * 100, "x" * 100_000],
                         ids=["empty", "blank", "binary", "one-long-line"])
def test_junk_input_gives_no_explanation_and_no_crash(text):
    assert explain_log(text).candidates == []


def test_wildcard_runs_in_a_symptom_do_not_backtrack_on_a_long_line():
    import time

    line = "*** WARNING: Service " + "x" * 2000 + " no, that is not it. " * 20
    start = time.perf_counter()
    explain_log(line)
    assert time.perf_counter() - start < 2
