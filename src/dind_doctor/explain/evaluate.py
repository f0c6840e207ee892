"""``explain --evaluate DIR``: how often ``explain`` names the right failure mode.

``DIR`` holds job-log excerpts ``<slug>.log``, each with a sidecar ``<slug>.json`` whose
``expected`` is a catalog id, ``"not-dind"`` (a CI failure that is not DinD's) or
``"success"`` (a job that passed, warnings and all). Sub-directories are splits (``dev``,
``frozen``): each is scored apart, so a split never looked at while writing rules stays an
honest measure.

What is counted, per split:

- top-1: the answer is the expected one, or one of the sidecar's ``also`` ids (findings the
  excerpt supports equally well); negatives: the verdict is right (an excerpt without an
  end-of-job line that shows nothing DinD-related is right for both kinds of negative);
- strict top-1: the answer is the expected id itself;
- top-3: the expected id (or an ``also`` id) is among the first three candidates;
- false DinD: negatives answered with a DinD failure mode;
- confusion pairs: expected → answered, for every miss.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from ..catalog import Catalog, load_catalog
from ..records import field, record
from .analyse import Explanation, Verdict, explain_log

NEGATIVES = ("not-dind", "success")
_ANSWER = {Verdict.SUCCEEDED: "success", Verdict.NOT_DIND: "not-dind",
           Verdict.NOTHING: "nothing"}


@record(frozen=True)
class Case:
    """One labelled log."""

    path: Path
    split: str
    expected: str
    also: tuple[str, ...] = ()


@record(frozen=True)
class Result:
    case: Case
    answer: str  # a catalog id, "success", "not-dind" or "nothing"
    ranked: tuple[str, ...]  # candidate ids, best first

    @property
    def negative(self) -> bool:
        return self.case.expected in NEGATIVES

    @property
    def strict(self) -> bool:
        if self.negative:
            return self.answer in (self.case.expected, "nothing")
        return self.answer == self.case.expected

    @property
    def top1(self) -> bool:
        return self.strict or self.answer in self.case.also

    @property
    def top3(self) -> bool:
        if self.negative:
            return self.top1
        return bool({self.case.expected, *self.case.also} & set(self.ranked[:3]))

    @property
    def called_dind(self) -> bool:
        return self.answer not in (*NEGATIVES, "nothing")


@record
class SplitScore:
    name: str
    results: list[Result] = field(default_factory=list)

    @property
    def positives(self) -> list[Result]:
        return [r for r in self.results if not r.negative]

    @property
    def negatives(self) -> list[Result]:
        return [r for r in self.results if r.negative]

    def confusion(self) -> Counter[tuple[str, str]]:
        return Counter((r.case.expected, r.answer) for r in self.results if not r.top1)

    def per_mode(self) -> dict[str, tuple[int, int, int]]:
        """expected -> (logs, top-1 hits, top-3 hits)."""
        table: dict[str, list[int]] = {}
        for r in self.results:
            row = table.setdefault(r.case.expected, [0, 0, 0])
            row[0] += 1
            row[1] += r.top1
            row[2] += r.top3
        return {k: (v[0], v[1], v[2]) for k, v in sorted(table.items())}

    def to_dict(self) -> dict[str, Any]:
        pos, neg = self.positives, self.negatives
        return {
            "split": self.name,
            "logs": len(self.results),
            "top1": sum(r.top1 for r in self.results),
            "strict_top1": sum(r.strict for r in self.results),
            "top3": sum(r.top3 for r in self.results),
            "dind_logs": len(pos),
            "dind_top1": sum(r.top1 for r in pos),
            "dind_top3": sum(r.top3 for r in pos),
            "negatives": len(neg),
            "false_dind": sum(r.called_dind for r in neg),
            "per_mode": {k: {"logs": n, "top1": a, "top3": b}
                         for k, (n, a, b) in self.per_mode().items()},
            "confusion": [{"expected": e, "answered": a, "count": n}
                          for (e, a), n in self.confusion().most_common()],
        }


def load_cases(directory: Path) -> list[Case]:
    """Every ``*.log`` with a sidecar under ``directory``; the split is the first
    sub-directory under it (``""`` for logs directly in it)."""
    cases = []
    for log in sorted(directory.rglob("*.log")):
        sidecar = log.with_suffix(".json")
        if not sidecar.is_file():
            continue
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
        parts = log.relative_to(directory).parts
        split = parts[0] if len(parts) > 1 else ""
        cases.append(Case(log, split, str(meta["expected"]),
                          tuple(str(a) for a in meta.get("also", []))))
    return cases


def answer_of(expl: Explanation) -> str:
    if expl.verdict is Verdict.DIND_FAILURE and expl.top is not None:
        return expl.top.entry.id
    return _ANSWER.get(expl.verdict, "nothing")


def evaluate(cases: list[Case], catalog: Catalog | None = None) -> list[SplitScore]:
    """Explain every case; one score per split, in name order (``dev`` before ``frozen``)."""
    catalog = catalog if catalog is not None else load_catalog()
    splits: dict[str, SplitScore] = {}
    for case in cases:
        text = case.path.read_bytes().decode("utf-8", errors="replace")
        expl = explain_log(text, catalog)
        result = Result(case, answer_of(expl), tuple(c.entry.id for c in expl.candidates))
        splits.setdefault(case.split, SplitScore(case.split or "all")).results.append(result)
    return [splits[k] for k in sorted(splits)]


def _pct(hits: int, total: int) -> str:
    return f"{hits}/{total} = {hits / total:.1%}" if total else "-"


def render_scores(scores: list[SplitScore], directory: str) -> str:
    """The accuracy report as text: a summary table, then per-mode rows and the confusion
    pairs of each split."""
    lines = [f"explain accuracy on {directory}", "",
             f"{'split':<8} {'logs':>5}  {'top-1':<18} {'strict top-1':<18} {'top-3':<18} "
             f"{'DinD top-1':<18} {'negatives called DinD':<18}"]
    for s in scores:
        d = s.to_dict()
        lines.append(f"{s.name:<8} {d['logs']:>5}  {_pct(d['top1'], d['logs']):<18} "
                     f"{_pct(d['strict_top1'], d['logs']):<18} "
                     f"{_pct(d['top3'], d['logs']):<18} "
                     f"{_pct(d['dind_top1'], d['dind_logs']):<18} "
                     f"{_pct(d['false_dind'], d['negatives'])}")
    for s in scores:
        lines += ["", f"{s.name}: per mode (logs, top-1, top-3)"]
        lines += [f"  {mode:<40} {n:>3} {a:>3} {b:>3}" for mode, (n, a, b) in
                  s.per_mode().items()]
        pairs = s.confusion()
        lines += ["", f"{s.name}: confusion (expected → answered)"]
        lines += [f"  {e} → {a}" + (f"  ×{n}" if n > 1 else "")
                  for (e, a), n in pairs.most_common()] or ["  none"]
    return "\n".join(lines) + "\n"
