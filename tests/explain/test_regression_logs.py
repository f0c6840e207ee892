"""Regression tests on the hand-written logs in tests/data/logs: they were written alongside
the rules, so they guard behaviour, not accuracy (test_real_accuracy.py measures that on real
logs)."""

from __future__ import annotations

import pytest

from dind_doctor.explain import Verdict, explain_log

from .helpers import LOGS, OUTCOMES, manifest, read

THRESHOLD = 0.95  # a regression guard: these logs were written with the rules


def answer(name: str) -> str:
    expl = explain_log(read(name))
    if expl.verdict is Verdict.DIND_FAILURE:
        assert expl.top is not None
        return expl.top.entry.id
    return expl.verdict.value


def test_every_log_in_the_manifest_exists_and_vice_versa():
    files = {p.name for p in LOGS.glob("*.log")}
    assert files == set(manifest())


def test_top1_accuracy_on_the_log_set():
    cases = manifest()
    misses = {name: (m["expected"], answer(name)) for name, m in cases.items()}
    misses = {n: v for n, v in misses.items() if v[0] != v[1]}
    held = [n for n, m in cases.items() if m.get("holdout")]
    accuracy = 1 - len(misses) / len(cases)
    held_accuracy = 1 - len([n for n in misses if n in held]) / len(held)
    print(f"\nexplain top-1 accuracy: {len(cases) - len(misses)}/{len(cases)} = {accuracy:.1%}; "
          f"holdout {len(held) - len([n for n in misses if n in held])}/{len(held)} = "
          f"{held_accuracy:.1%}")
    assert accuracy >= THRESHOLD, misses


def test_the_set_covers_failures_successes_and_non_dind_failures():
    expected = [str(m["expected"]) for m in manifest().values()]
    modes = {e for e in expected if e not in OUTCOMES}
    assert len(modes) >= 20
    assert expected.count("succeeded") >= 3 and expected.count("not-dind") >= 3


@pytest.mark.parametrize(("old", "new"), [
    ("alias-login-127.0.0.11-cli28.log", "alias-gitlab-com-cli29.log"),
    ("unix-socket-python-image-cli28.log", "unix-socket-cli29.log"),
    ("shell-permission-denied-cli28.log", "shell-permission-denied-cli29.log"),
    ("privileged-block-lookup-cli28.log", "privileged-block-cli29.log"),
])
def test_both_docker_cli_wordings_name_the_same_mode(old, new):
    assert "failed to connect to the docker API" not in read(old)
    assert "failed to connect to the docker API" in read(new) or "docker API at" in read(new)
    assert answer(old) == answer(new) == manifest()[old]["expected"]


def test_service_log_outranks_the_client_error_it_causes():
    expl = explain_log(read("privileged-block-cli29.log"))
    ids = [c.entry.id for c in expl.candidates]
    assert ids[0] == "privileged-missing"
    assert "alias-unresolvable" in ids
    alias = expl.candidates[ids.index("alias-unresolvable")]
    assert alias.node.id == "service-died"  # the fix tree lands on the right branch


def test_the_daemons_listen_address_decides_between_tls_mismatch_and_race():
    tls = explain_log(read("tls-2375-old-runner-healthcheck.log"))
    assert tls.top is not None and tls.top.entry.id == "daemon-tls-client-plain-2375"
    assert any("2376" in r for r in tls.top.reasons)
    race = explain_log(read("race-refused-then-listen.log"))
    assert race.top is not None and race.top.entry.id == "daemon-not-ready-race"
    assert any("2375" in r for r in race.top.reasons)


def test_kubernetes_lands_on_the_kubernetes_branch_of_the_fix():
    expl = explain_log(read("k8s-plain-http-to-2376.log"))
    assert expl.context.executor == "Kubernetes"
    assert expl.top is not None and expl.top.entry.id == "k8s-executor-wiring"


@pytest.mark.parametrize("name", [n for n, m in manifest().items() if m["expected"] == "succeeded"])
def test_successful_jobs_exit_0(name):
    expl = explain_log(read(name))
    assert expl.verdict is Verdict.SUCCEEDED and expl.exit_code == 0


@pytest.mark.parametrize("name", [n for n, m in manifest().items() if m["expected"] == "not-dind"])
def test_non_dind_failures_say_so_and_show_the_failing_step(name):
    expl = explain_log(read(name))
    assert expl.verdict is Verdict.NOT_DIND and expl.exit_code == 0
    assert expl.failing_command
    assert expl.tail and expl.tail[-1].text.startswith("ERROR: Job failed")
