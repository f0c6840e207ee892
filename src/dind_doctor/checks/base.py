"""How a check is declared and run: pure functions from facts to findings.

A check receives a :class:`Context` (the facts plus what is derived from them once) and
returns a :class:`Verdict` (or ``None`` when it has nothing to say, e.g. a Kubernetes check
outside Kubernetes). The runner turns verdicts into findings, skips checks whose prerequisite
link already failed (``blocked_by``), and turns a crashing check into an ``error`` finding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cached_property

from ..config.declared import runners_in_scope
from ..config.filefacts import RunnerConfigFacts, RunnerDecl
from ..endpoint import derive, is_kubernetes
from ..facts import Facts
from ..model import CHAIN, SEVERITY, Endpoint, Evidence, Finding, Link, Status
from ..records import field, record
from ..redact import redact_text


@record
class Verdict:
    """What a check concluded. ``title`` overrides the check's default title."""

    status: Status
    summary: str
    evidence: list[tuple[str, object]] = field(default_factory=list)
    fix: str = ""
    title: str | None = None
    duration_ms: float = 0.0


def ok(summary: str, *evidence: tuple[str, object], duration_ms: float = 0.0) -> Verdict:
    return Verdict(Status.OK, summary, list(evidence), duration_ms=duration_ms)


def info(summary: str, *evidence: tuple[str, object], fix: str = "") -> Verdict:
    return Verdict(Status.INFO, summary, list(evidence), fix=fix)


def warn(summary: str, *evidence: tuple[str, object], fix: str = "",
         duration_ms: float = 0.0) -> Verdict:
    return Verdict(Status.WARN, summary, list(evidence), fix=fix, duration_ms=duration_ms)


def fail(summary: str, *evidence: tuple[str, object], fix: str = "",
         duration_ms: float = 0.0) -> Verdict:
    return Verdict(Status.FAIL, summary, list(evidence), fix=fix, duration_ms=duration_ms)


def error(summary: str, *evidence: tuple[str, object]) -> Verdict:
    return Verdict(Status.ERROR, summary, list(evidence))


def worst(verdicts: list[Verdict]) -> Verdict:
    """One verdict for several runners/jobs: the worst status; the others of that status add
    their evidence, and the summary says how many share it."""
    ranked = sorted(verdicts, key=lambda v: SEVERITY.index(v.status))
    head = ranked[0]
    same = [v for v in ranked[1:] if v.status == head.status]
    for other in same:
        head.evidence += [("also", other.summary), *other.evidence]
        head.fix = head.fix or other.fix
    if same:
        head.summary += f" ({len(same)} more like it below.)"
    return head


def probe_error(ctx: Context, *names: str) -> Verdict | None:
    """An ``error`` verdict when one of the named probes crashed or overran, else ``None``.

    A check whose input is missing because its probe failed says so instead of guessing.
    """
    for failed in ctx.facts.probe_errors:
        if failed.probe in names:
            what = "timed out" if failed.timed_out else "failed"
            return error(f"The {failed.probe} probe {what}, so this could not be checked.",
                         ("probe", failed.probe), ("error", failed.error))
    return None


class Context:
    """Facts plus the values every check would otherwise derive again."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.env = facts.env.vars

    @cached_property
    def endpoint(self) -> Endpoint:
        return derive(self.env, self.facts.env.paths, uid=self.facts.env.uid,
                      home=self.facts.env.home, inherited=self.facts.env.from_pid1)

    @property
    def kubernetes(self) -> bool:
        """This job runs in a Kubernetes pod (seen live)."""
        return is_kubernetes(self.env)

    @cached_property
    def kubernetes_executor(self) -> bool:
        """Jobs run on the Kubernetes executor: seen live, or every runner in scope of the
        given config is a kubernetes runner."""
        if self.kubernetes:
            return True
        runners = runners_in_scope(self.facts.runner_config, self.env)
        return bool(runners) and all(r.kubernetes for r in runners)


RunnerJudge = Callable[[Context, RunnerConfigFacts, RunnerDecl], "Verdict | None"]


def each_runner(ctx: Context, judge: RunnerJudge) -> Verdict | None:
    """The worst of ``judge``'s verdicts over the runners in scope; ``None`` when it has none
    (no runner config, or nothing to say about any runner)."""
    rc = ctx.facts.runner_config
    if rc is None:
        return None
    verdicts = [v for runner in runners_in_scope(rc, ctx.env) if (v := judge(ctx, rc, runner))]
    return worst(verdicts) if verdicts else None


CheckFn = Callable[[Context], "Verdict | None"]
Applies = Callable[[Context], bool]


def over_tcp(ctx: Context) -> bool:
    """The client dials a TCP endpoint (the live checks of the name, port and protocol)."""
    return ctx.endpoint.scheme == "tcp"


@record(frozen=True)
class Check:
    id: str
    link: Link
    title: str
    fn: CheckFn
    needs: tuple[str, ...] = ()  # ids of checks that must not have failed
    passing: str | None = None  # the title when the check holds or was not reached
    applies: Applies | None = None  # when false, the check has nothing to say
    probes: tuple[str, ...] = ()  # probes whose failure makes the check an ``error``

    def judge(self, ctx: Context) -> Verdict | None:
        """The check's verdict, once it applies and the probes it reads have answered."""
        if self.applies is not None and not self.applies(ctx):
            return None
        return probe_error(ctx, *self.probes) or self.fn(ctx)

    def title_for(self, status: Status) -> str:
        """A check named after its problem reads as such only when that problem is there."""
        if self.passing is not None and status in (Status.OK, Status.SKIP):
            return self.passing
        return self.title


REGISTRY: list[Check] = []


def check(id: str, link: Link, title: str, *, needs: Iterable[str] = (),
          passing: str | None = None, applies: Applies | None = None,
          probes: Iterable[str] = ()) -> Callable[[CheckFn], CheckFn]:
    """Register a check. ``needs``: ids whose failure makes this check ``skip``; ``passing``:
    its title when it holds, for a check whose ``title`` names the problem; ``applies``: when
    it has something to say at all (e.g. :func:`over_tcp`); ``probes``: the probes it reads,
    whose crash or timeout it reports as an ``error`` instead of judging."""

    def register(fn: CheckFn) -> CheckFn:
        if any(c.id == id for c in REGISTRY):
            raise ValueError(f"duplicate check id {id!r}")
        REGISTRY.append(Check(id, link, title, fn, tuple(needs), passing, applies,
                              tuple(probes)))
        return fn

    return register


def run_check(chk: Check, ctx: Context, done: dict[str, Finding]) -> Finding | None:
    """Run one check; never raises."""
    for need in chk.needs:
        prior = done.get(need)
        if prior is not None and prior.status in (Status.FAIL, Status.SKIP, Status.ERROR):
            blocker = prior.blocked_by if prior.status == Status.SKIP else prior.id
            if blocker is None:
                continue
            return Finding(chk.id, chk.link, Status.SKIP, chk.title_for(Status.SKIP),
                           f"Not checked: {blocker} must be fixed first.", blocked_by=blocker)
    try:
        verdict = chk.judge(ctx)
    except Exception as exc:  # a crashing check is a result, not a crash of the tool
        import traceback

        # The function that raised, without its line number: the finding (shown in the app,
        # the reports and the JSON) stays the same when unrelated code above it moves.
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        return Finding(
            chk.id, chk.link, Status.ERROR, chk.title,
            f"The check itself failed: {type(exc).__name__}: {redact_text(str(exc))}",
            evidence=[Evidence("where", frame.name)],
        )
    if verdict is None:
        return None
    return Finding(
        id=chk.id, link=chk.link, status=verdict.status,
        title=verdict.title or chk.title_for(verdict.status),
        summary=verdict.summary,
        evidence=[Evidence(label, redact_text(_show(value))) for label, value in verdict.evidence],
        fix=verdict.fix, duration_ms=verdict.duration_ms,
    )


def _show(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) if value else "(none)"
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def run_all(facts: Facts, checks: Iterable[Check] | None = None) -> list[Finding]:
    """Run every registered check in chain order and return their findings."""
    ctx = Context(facts)
    order = {link: i for i, link in enumerate(CHAIN)}
    selected = sorted(checks if checks is not None else REGISTRY,
                      key=lambda c: order[c.link])
    done: dict[str, Finding] = {}
    for chk in selected:
        finding = run_check(chk, ctx, done)
        if finding is not None:
            done[chk.id] = finding
    return list(done.values())
