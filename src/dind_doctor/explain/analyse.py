"""``explain_log(text)``: which DinD failure modes explain a job log, best first."""

from __future__ import annotations

import re
from enum import Enum

from ..catalog import Catalog, SymptomMatch, load_catalog
from ..records import field, record
from .context import JobContext, Outcome, job_context
from .logtext import LogLine, Origin, ParsedLog, ServiceWarning, parse_log
from .matcher import Candidate, matcher_for, ordered
from .non_dind import Shown, ordinary_failures
from .rules import apply_rules

MIN_SCORE = 15.0
MAX_CANDIDATES = 5
TAIL_LINES = 6
SHORT_INPUT = 3  # this many lines or fewer: a pasted error, fragments allowed
_STEP_END = re.compile(r"^(Running after_script|Uploading artifacts|Cleaning up project directory"
                       r"|ERROR: Job failed|Job succeeded)")


class Verdict(str, Enum):
    DIND_FAILURE = "dind-failure"  # the log shows a DinD failure; candidates explain it
    SUCCEEDED = "succeeded"  # the job succeeded: no candidates, whatever it warned about
    NOT_DIND = "not-dind"  # a failure with another cause (``shows`` says which, when known)
    NOTHING = "nothing-found"  # an excerpt without end-of-job line and without DinD symptoms


@record
class Explanation:
    verdict: Verdict
    context: JobContext
    candidates: list[Candidate]
    service_warnings: list[ServiceWarning] = field(default_factory=list)
    failing_command: str | None = None
    tail: list[LogLine] = field(default_factory=list)
    line_count: int = 0
    shows: list[Shown] = field(default_factory=list)  # ordinary failures the log shows

    @property
    def exit_code(self) -> int:
        """1 when the log shows a DinD failure, else 0."""
        return 1 if self.verdict is Verdict.DIND_FAILURE else 0

    @property
    def top(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


def failing_step(parsed: ParsedLog, outcome: Outcome) -> tuple[str | None, list[LogLine]]:
    """The command that failed the job and the lines it printed (with the end-of-job line)."""
    if outcome is not Outcome.FAILED:
        return None, []
    jobs = [line for line in parsed.lines if line.origin is Origin.JOB]
    end = next((i for i in range(len(jobs) - 1, -1, -1)
                if jobs[i].text.startswith(("ERROR: Job failed", "ERROR: Preparation failed"))),
               len(jobs) - 1)
    after = next((i for i, line in enumerate(jobs) if line.text.startswith(
        "Running after_script")), None)
    last_cmd = next((i for i in range(min(end, after if after is not None else end), -1, -1)
                     if jobs[i].command and jobs[i].text.strip().startswith("$ ")), None)
    if last_cmd is None:
        return None, [jobs[end]] if jobs else []
    stop = next((i for i in range(last_cmd + 1, len(jobs)) if _STEP_END.match(jobs[i].text)),
                end)
    return jobs[last_cmd].command, [*jobs[last_cmd:stop], jobs[end]]


def explain_log(text: str, catalog: Catalog | None = None) -> Explanation:
    """Parse ``text`` (a raw job log, an excerpt or one pasted line) and explain it."""
    catalog = catalog if catalog is not None else load_catalog()
    parsed = parse_log(text)
    ctx = job_context(parsed.lines)
    command, step = failing_step(parsed, ctx.outcome)
    failing = {line.number for line in step}
    found = matcher_for(catalog).rank(parsed.lines, failing,
                                      fragments=0 < len(parsed.lines) <= SHORT_INPUT)
    apply_rules(found, parsed, ctx, catalog)
    shows = ordinary_failures(parsed.lines, failing)
    candidates = [c for c in ordered(found) if c.specific and c.score >= MIN_SCORE]
    verdict = _verdict(ctx, candidates, shows, failing)
    if verdict is not Verdict.DIND_FAILURE:
        candidates = []
    tail = [line for line in step if line.text.strip()][-TAIL_LINES:]
    return Explanation(verdict, ctx, candidates[:MAX_CANDIDATES], parsed.warnings, command,
                       tail, len(text.splitlines()), shows)


def _verdict(ctx: JobContext, candidates: list[Candidate], shows: list[Shown],
             failing: set[int]) -> Verdict:
    if ctx.outcome is Outcome.SUCCEEDED:
        return Verdict.SUCCEEDED
    if candidates and not _failed_elsewhere(candidates, shows, failing):
        return Verdict.DIND_FAILURE
    if ctx.outcome is Outcome.FAILED or shows:
        return Verdict.NOT_DIND
    return Verdict.NOTHING


def _failed_elsewhere(candidates: list[Candidate], shows: list[Shown], failing: set[int]) -> bool:
    """The step that failed the job shows an ordinary failure (tests, a refused login, an
    image that does not exist ...) and none of the DinD symptoms is in that step: DinD had
    its say earlier (a warning, a retried pull) and the job went on to fail on something else.
    """
    ordinary = [s for s in shows if s.in_failing_step and s.kind.id != "script-error"]
    if not failing or not ordinary:
        return False
    return not any(h.line.number in failing and not h.symptom.weak
                   for c in candidates for h in c.hits)


def match_error_line(text: str, catalog: Catalog | None = None, *,
                     limit: int = 10) -> list[SymptomMatch]:
    """Entries that a pasted error line (or excerpt) points to, best first.

    The same ranking as :func:`explain_log`, so a line finds the same answer in ``explain -``
    and in the interactive search: whole symptoms (wildcards allowed), or, for a short paste, a
    fragment of at least 16 characters that sits inside a symptom. Text that is not a DinD
    failure (a bare ``Error response from daemon:``, a refused ``docker login``, a succeeded
    job) matches nothing.
    """
    catalog = catalog if catalog is not None else load_catalog()
    return [SymptomMatch(c.entry, c.best.symptom, c.score, c.chosen.id)
            for c in explain_log(text, catalog).candidates[:limit]]
