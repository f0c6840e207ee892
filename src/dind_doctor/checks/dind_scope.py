"""Which runners DinD advice is for: the inferred purpose plus the dind jobs landing there.

The runner checks give DinD advice (privileged, the cert volume, the service wait) at full
strength only to a runner a dind job of the CI file lands on, or one set up for dind; as a
notice to a runner of unknown purpose; and never to a socket-binding or daemonless runner.
"""

from __future__ import annotations

from collections.abc import Callable

from ..config import declared
from ..config.filefacts import JobDecl, RunnerConfigFacts, RunnerDecl
from ..config.purpose import DIND, KIND_TEXT, SOCKET, UNKNOWN, Purpose, infer_purpose, lands_on
from ..records import field, record
from .base import Context, Verdict, each_runner, ok


@record
class DindScope:
    """Whether DinD advice is for this runner: its inferred purpose and the dind jobs of the
    CI file that land on it (by tags)."""

    runner: RunnerDecl
    purpose: Purpose
    ci_known: bool
    landing: list[str] = field(default_factory=list)  # dind jobs that run here
    maybe: list[str] = field(default_factory=list)  # dind jobs that may run here (tags unknown)
    own_dind: bool = False  # the runner starts a dind service itself

    @property
    def level(self) -> str:
        """"full": DinD advice applies; "hint": only as a notice; "none": not a DinD runner."""
        if self.purpose.kind == SOCKET:
            return "none"  # socket-volume-with-dind speaks about the mix: pick one model
        if self.landing or self.own_dind:
            return "full"
        if self.purpose.kind == DIND:
            return "full" if self.maybe or not self.ci_known else "hint"
        if self.purpose.kind == UNKNOWN and (self.maybe or not self.ci_known):
            return "hint"
        return "none"

    def evidence(self) -> tuple[str, str]:
        text = self.purpose.describe()
        if self.landing:
            text += f"; dind job(s) that run here: {', '.join(self.landing)}"
        elif self.maybe:
            text += f"; dind job(s) that may run here (tags unknown): {', '.join(self.maybe)}"
        elif self.ci_known:
            text += "; no dind job of the CI file runs here"
        return ("inferred", f"{self.runner.name}: {text}")

    def not_dind(self) -> str:
        return (f"{self.runner.name}: not a DinD runner ({KIND_TEXT[self.purpose.kind]}), "
                "so no DinD advice.")


def dind_scope(ctx: Context, runner: RunnerDecl) -> DindScope:
    ci = ctx.facts.ci_file
    known = ci is not None and ci.parsed
    runners = declared.runners_in_scope(ctx.facts.runner_config, ctx.env)
    scope = DindScope(runner, infer_purpose(runner), known,
                      own_dind=any(s.is_dind for s in runner.services))
    for job, _ in declared.dind_jobs(ci, ctx.env):
        lands = lands_on(job, runner, only_runner=len(runners) == 1)
        if lands:
            scope.landing.append(job.name)
        elif lands is None:
            scope.maybe.append(job.name)
    return scope


def job_runners(ctx: Context, job: JobDecl) -> list[RunnerDecl]:
    """The runners of the given config that ``job`` runs or may run on (by tags); empty when
    none of them takes it (its runner is not in the file) or no config was given."""
    runners = declared.runners_in_scope(ctx.facts.runner_config, ctx.env)
    return [r for r in runners if lands_on(job, r, only_runner=len(runners) == 1) is not False]


DindRunnerJudge = Callable[[Context, RunnerConfigFacts, RunnerDecl, DindScope], "Verdict | None"]


def each_dind_runner(ctx: Context, judge: DindRunnerJudge) -> Verdict | None:
    """:func:`~.base.each_runner` for DinD advice: a runner that is not a DinD runner is ``ok``
    (no advice); ``judge`` decides for the others, given their :class:`DindScope`."""

    def judge_dind(ctx: Context, rc: RunnerConfigFacts, runner: RunnerDecl) -> Verdict | None:
        scope = dind_scope(ctx, runner)
        if scope.level == "none":
            return ok(scope.not_dind(), scope.evidence())
        return judge(ctx, rc, runner, scope)

    return each_runner(ctx, judge_dind)
