"""A job log reads the same however it was saved: the raw trace the runner stores (timestamp
prefixes, ANSI colours, CRLF line ends) gives every real excerpt the answer its plain text gets,
and an end-of-job line added to a DinD excerpt never makes its answer wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dind_doctor.explain.analyse import Explanation, explain_log

DEV = Path(__file__).resolve().parents[1] / "data" / "logs" / "real" / "dev"
EXCERPTS = sorted(DEV.glob("*.log"))


def _answer(explanation: Explanation) -> tuple[str, str | None]:
    top = explanation.top
    return explanation.verdict.value, top.entry.id if top else None


def _raw_trace(text: str) -> str:
    """As the runner's raw trace: a timestamp and stream prefix per line, colour codes, CRLF."""
    return "\r\n".join(
        f"2026-06-01T12:{i // 60 % 60:02d}:{i % 60:02d}.123456Z 00O \x1b[0;m{line}\x1b[0;m"
        if line else "" for i, line in enumerate(text.split("\n")))


def test_the_raw_trace_gives_every_excerpt_the_same_answer() -> None:
    differ = [log.name for log in EXCERPTS
              if _answer(explain_log(log.read_text())) !=
              _answer(explain_log(_raw_trace(log.read_text())))]
    assert len(EXCERPTS) > 500 and differ == []


def _right(answer: tuple[str, str | None], side: dict) -> bool:
    return answer[0] == "dind-failure" and answer[1] in (side["expected"], *side["also"])


@pytest.mark.parametrize("end", ["ERROR: Job failed: exit code 1",
                                 "ERROR: Job failed: command terminated with exit code 1"])
def test_an_end_of_job_line_never_makes_a_right_answer_wrong(end: str) -> None:
    worse = []
    for log in EXCERPTS:
        side = json.loads(log.with_suffix(".json").read_text())
        text = log.read_text()
        if side["expected"] in ("not-dind", "success") or "Job failed" in text:
            continue
        before = _answer(explain_log(text))
        after = _answer(explain_log(text.rstrip("\n") + f"\n{end}\n"))
        if _right(before, side) and not _right(after, side):
            worse.append(log.name)
    assert worse == []
