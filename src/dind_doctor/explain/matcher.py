"""Rank the catalog's failure modes against the lines of a whole job log.

Every catalog symptom is tried on every line (containment, ``*`` wildcards, the catalog's own
normalisation). A hit scores the symptom's literal length, weighted by where the line sits:

- ``service-log`` symptoms found in the service's own log (the runner's warning block or
  ``[service:…]`` lines) count double: the daemon's log names the root cause, the client only
  sees its consequence (failure-modes §2, last rows);
- hits in the output of the command that failed the job, or on the ``ERROR: Job failed`` /
  ``Preparation failed`` line itself, count one and a half;
- short, generic symptoms (``connect: connection refused``) count only on a line, or under a
  ``$ command``, that mentions Docker: a refused database port is not a DinD problem.

A mode's score is its best hit plus a little for other distinct lines. :mod:`.rules` then
applies what the log's context says (the daemon's listen address, the executor).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..catalog import (
    Catalog,
    Entry,
    FixNode,
    Symptom,
    normalize,  # the form symptom patterns are compiled against
)
from .logtext import LogLine, Origin

WEAK_LENGTH = 30
SERVICE_WEIGHT = 2.0
FAILING_WEIGHT = 1.5
EXTRA_PER_LINE = 0.1
EXTRA_CAP = 6.0
_DOCKERISH = re.compile(r"docker|daemon|dind|:237[56]\b|/v1\.\d+/|x509|certs/client|ryuk"
                        r"|testcontainers|privileged",
                        re.IGNORECASE)


@dataclass(frozen=True)
class Hit:
    """One log line that matched one symptom of an entry."""

    line: LogLine
    symptom: Symptom
    score: float


@dataclass
class Candidate:
    """A failure mode that explains (part of) the log."""

    entry: Entry
    hits: list[Hit] = field(default_factory=list)
    bonus: float = 0.0
    reasons: list[str] = field(default_factory=list)
    node_id: str | None = None

    @property
    def best(self) -> Hit:
        return max(self.hits, key=lambda h: h.score)

    @property
    def score(self) -> float:
        if not self.hits:
            return self.bonus
        best = self.best
        seen = {normalize(best.line.text)}
        extra = 0.0
        for hit in self.hits:
            text = normalize(hit.line.text)
            if text not in seen:
                seen.add(text)
                extra += hit.score * EXTRA_PER_LINE
        return round(best.score + min(extra, EXTRA_CAP) + self.bonus, 2)

    @property
    def node(self) -> FixNode:
        """The fix to show: a node chosen by context, else the best hit's, else the first fix."""
        tree = self.entry.fix_tree
        for wanted in (self.node_id, self.best.symptom.node if self.hits else None):
            found = tree.find(wanted) if wanted else None
            if found is not None:
                return found.first_fix()
        return tree.first_fix()


class LogMatcher:
    """The catalog's symptoms, prepared for matching many lines quickly."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._symptoms = [(entry, s) for entry in catalog.values() for s in entry.symptoms]
        anchors = {self._anchor(s) for _, s in self._symptoms}
        # one pass of a single alternation tells which lines can match anything at all
        self._gate = re.compile("|".join(re.escape(a) for a in sorted(anchors, key=len,
                                                                       reverse=True)))

    @staticmethod
    def _anchor(symptom: Symptom) -> str:
        return max(normalize(symptom.match).split("*"), key=len)

    def hits(self, line: LogLine, *, failing: bool) -> list[tuple[Entry, Hit]]:
        text = normalize(line.text)
        if not self._gate.search(text):
            return []
        found = []
        for entry, symptom in self._symptoms:
            if not symptom.pattern.search(text):
                continue
            score = float(symptom.literal_length)
            if score < WEAK_LENGTH and not (_DOCKERISH.search(line.text)
                                            or _DOCKERISH.search(line.command)):
                continue
            if line.origin is Origin.SERVICE and symptom.variant == "service-log":
                score *= SERVICE_WEIGHT
            elif failing:
                score *= FAILING_WEIGHT
            found.append((entry, Hit(line, symptom, score)))
        return found

    def rank(self, lines: list[LogLine], failing: set[int]) -> dict[str, Candidate]:
        """Candidates by entry id; ``failing`` holds the line numbers of the failing step."""
        candidates: dict[str, Candidate] = {}
        for line in lines:
            for entry, hit in self.hits(line, failing=line.number in failing):
                candidates.setdefault(entry.id, Candidate(entry)).hits.append(hit)
        return candidates


def ordered(candidates: dict[str, Candidate]) -> list[Candidate]:
    """Best first; ties go to the more common mode (lower catalog ``rank``), then the id."""
    return sorted(candidates.values(),
                  key=lambda c: (-c.score, c.entry.rank or 1000, c.entry.id))
