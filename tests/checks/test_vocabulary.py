"""The vocabulary checks are written in: declared preconditions, probes, worst-of verdicts."""

from __future__ import annotations

import pytest

import dind_doctor.checks  # noqa: F401  (registers every check)
from dind_doctor.checks.base import REGISTRY, Context, Verdict, each_runner, run_check, worst
from dind_doctor.model import SEVERITY, Status
from tests.factories import FactsBuilder

DECLARING = [c for c in REGISTRY if c.probes]


def _situations() -> list[FactsBuilder]:
    return [FactsBuilder.healthy_tls(), FactsBuilder.healthy_plain(),
            FactsBuilder.healthy_tls().env(DOCKER_HOST="unix:///var/run/docker.sock"),
            FactsBuilder.healthy_tls().env(DOCKER_HOST="unix:///builds/shared/docker.sock")]


def test_live_checks_declare_their_probes() -> None:
    declared = {c.id: c.probes for c in DECLARING}
    assert declared["daemon-unreachable"] == ("ports",)
    assert declared["alias-unresolvable"] == ("name",)
    assert declared["compose-missing"] == ("tools",)
    assert len(DECLARING) >= 10


@pytest.mark.parametrize("chk", DECLARING, ids=lambda c: c.id)
def test_a_failed_probe_is_an_error_where_the_check_applies(chk) -> None:
    applied = 0
    for builder in _situations():
        for probe in chk.probes:
            facts = builder.build()
            ctx = Context(facts)
            applies = chk.applies is None or chk.applies(ctx)
            broken = FactsBuilder(facts).probe_failed(probe, "boom", timed_out=True).build()
            found = run_check(chk, Context(broken), {})
            if not applies:
                assert found is None, f"{chk.id} spoke where it does not apply"
                continue
            applied += 1
            assert found is not None and found.status == Status.ERROR
            assert found.summary == f"The {probe} probe timed out, so this could not be checked."
    assert applied, f"{chk.id} applies in none of the situations"


def test_worst_takes_the_most_severe_and_counts_its_peers() -> None:
    verdicts = [Verdict(Status.OK, "a"), Verdict(Status.WARN, "b", [("x", 1)]),
                Verdict(Status.FAIL, "c"), Verdict(Status.FAIL, "d", [("y", 2)], fix="f")]
    head = worst(verdicts)
    assert head.summary == "c (1 more like it below.)"
    assert head.evidence == [("also", "d"), ("y", 2)] and head.fix == "f"
    assert SEVERITY[0] == Status.FAIL and SEVERITY[-1] == Status.SKIP


def test_each_runner_says_nothing_without_a_runner_config() -> None:
    ctx = Context(FactsBuilder.healthy_tls().build())
    assert each_runner(ctx, lambda *_: Verdict(Status.FAIL, "never")) is None
