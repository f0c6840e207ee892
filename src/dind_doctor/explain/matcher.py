"""Rank the catalog's failure modes against the lines of a whole job log.

Every catalog symptom is tried on every line (containment, ``*`` wildcards, the catalog's own
normalisation). A hit scores the symptom's literal length, weighted by where the line sits:

- ``service-log`` symptoms found in the service's own log (the runner's warning block or
  ``[service:…]`` lines) count double: the daemon's log names the root cause, the client only
  sees its consequence (failure-modes §2, last rows);
- hits in the output of the command that failed the job, or on the ``ERROR: Job failed`` /
  ``Preparation failed`` line itself, count one and a half.

A mode's score is its best hit plus a little for other distinct lines. A ``weak`` symptom
(text that failures of other kinds print too, such as a bare ``Read timed out.``) adds to a
mode that a specific symptom named, and never names one alone. A short paste that holds no
whole symptom may be a fragment of one: it then counts for the symptoms it sits in.
:mod:`.rules` then applies what the log's context says (the daemon's listen address, the
executor).

This is the one ranker: ``explain``, the interactive ``/`` search and
:func:`~dind_doctor.explain.match_error_line` all go through it.
"""

from __future__ import annotations

import re

from ..catalog import (
    Catalog,
    Entry,
    FixNode,
    Symptom,
    normalize,  # the form symptom patterns are compiled against
)
from ..records import field, record
from .logtext import LogLine, Origin

FRAGMENT_LENGTH = 16  # a pasted fragment shorter than this is not worth a guess
SERVICE_WEIGHT = 2.0
FAILING_WEIGHT = 1.5
EXTRA_PER_LINE = 0.1
EXTRA_CAP = 6.0


@record(frozen=True)
class Hit:
    """One log line that matched one symptom of an entry."""

    line: LogLine
    symptom: Symptom
    score: float


@record
class Candidate:
    """A failure mode that explains (part of) the log."""

    entry: Entry
    hits: list[Hit] = field(default_factory=list)
    bonus: float = 0.0
    reasons: list[str] = field(default_factory=list)
    node_id: str | None = None

    @property
    def best(self) -> Hit:
        """The strongest hit, a specific one before any weak one."""
        return max(self.hits, key=lambda h: (not h.symptom.weak, h.score))

    @property
    def specific(self) -> bool:
        """True when a symptom that names this mode on its own matched (not only weak ones),
        or a context rule found evidence for it (a positive bonus)."""
        return self.bonus > 0 or any(not h.symptom.weak for h in self.hits)

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
    def chosen(self) -> FixNode:
        """Where the fix tree opens: a node chosen by context, else the best hit's (either may
        be a branch whose choice is left to the job's situation), else the first fix."""
        tree = self.entry.fix_tree
        for wanted in (self.node_id, self.best.symptom.node if self.hits else None):
            found = tree.find(wanted) if wanted else None
            if found is not None:
                return found
        return tree.first_fix()

    @property
    def node(self) -> FixNode:
        """The fix to show: the first fix at or below :attr:`chosen`."""
        return self.chosen.first_fix()


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

    def hits(self, line: LogLine, *, failing: bool,
             seen: dict[str, list[tuple[Entry, Symptom]]] | None = None,
             ) -> list[tuple[Entry, Hit]]:
        """The symptoms ``line`` matches, scored; ``seen`` remembers the symptoms of texts
        already matched (a log repeats its lines: retries, progress, the same error)."""
        text = normalize(line.text)
        matched = seen.get(text) if seen is not None else None
        if matched is None:
            matched = self._matched(text)
            if seen is not None:
                seen[text] = matched
        found = []
        for entry, symptom in matched:
            score = float(symptom.literal_length)
            if line.origin is Origin.SERVICE and symptom.variant == "service-log":
                score *= SERVICE_WEIGHT
            elif failing:
                score *= FAILING_WEIGHT
            found.append((entry, Hit(line, symptom, score)))
        return found

    def _matched(self, text: str) -> list[tuple[Entry, Symptom]]:
        if not self._gate.search(text):
            return []
        return [(entry, symptom) for entry, symptom in self._symptoms
                if symptom.pattern.search(text)]

    def fragment_hits(self, line: LogLine) -> list[tuple[Entry, Hit]]:
        """A line that is part of a symptom (``ca.pem: no such file``): it counts for every
        specific symptom with a literal piece that contains it, scored by its own length."""
        text = normalize(line.text)
        if len(text) < FRAGMENT_LENGTH or text.endswith(":"):
            return []  # too short, or a lead-in ("Error response from daemon:") of any error
        return [(entry, Hit(line, symptom, float(len(text))))
                for entry, symptom in self._symptoms
                if not symptom.weak and any(text in piece for piece in
                                            normalize(symptom.match).split("*"))]

    def rank(self, lines: list[LogLine], failing: set[int], *,
             fragments: bool = False) -> dict[str, Candidate]:
        """Candidates by entry id; ``failing`` holds the line numbers of the failing step.
        With ``fragments`` (a short paste), lines that match no whole symptom may match part
        of one."""
        candidates: dict[str, Candidate] = {}
        seen: dict[str, list[tuple[Entry, Symptom]]] = {}
        for line in lines:
            found = self.hits(line, failing=line.number in failing, seen=seen)
            if fragments and not found:
                found = self.fragment_hits(line)
            for entry, hit in found:
                candidates.setdefault(entry.id, Candidate(entry)).hits.append(hit)
        return candidates


_MATCHERS: dict[int, tuple[Catalog, LogMatcher]] = {}


def matcher_for(catalog: Catalog) -> LogMatcher:
    """The prepared matcher of ``catalog`` (built once per catalog object)."""
    cached = _MATCHERS.get(id(catalog))
    if cached is None or cached[0] is not catalog:
        if len(_MATCHERS) > 8:
            _MATCHERS.clear()
        cached = _MATCHERS[id(catalog)] = (catalog, LogMatcher(catalog))
    return cached[1]


def ordered(candidates: dict[str, Candidate]) -> list[Candidate]:
    """Best first; ties go to the more common mode (lower catalog ``rank``), then the id."""
    return sorted(candidates.values(),
                  key=lambda c: (-c.score, c.entry.rank or 1000, c.entry.id))
