"""The hand-written job logs under tests/data/logs (regression cases) and their expected answers,
the one way the explain tests read an answer, and a large log built from them."""

from __future__ import annotations

import json
from pathlib import Path

from dind_doctor.explain.analyse import explain_log

LOGS = Path(__file__).resolve().parent.parent / "data" / "logs"
OUTCOMES = ("succeeded", "not-dind")


def manifest() -> dict[str, dict[str, object]]:
    return json.loads((LOGS / "expected.json").read_text(encoding="utf-8"))


def read(name: str) -> str:
    return (LOGS / name).read_text(encoding="utf-8")


def top_id(log: str) -> str | None:
    """The id of the mode ``explain`` names first for ``log``, or ``None`` when it names none."""
    top = explain_log(log).top
    return top.entry.id if top is not None else None


def big_log(mib: int = 4) -> str:
    """``mib`` MiB of distinct build-log lines (each numbered, so none repeats), then the
    real failure at the end."""
    body = read("not-dind-dockerfile.log").splitlines()
    lines, size, number = [], 0, 0
    while size < mib * 2**20:
        for line in body:
            number += 1
            lines.append(f"{line} [{number}]")
            size += len(lines[-1]) + 1
    return "\n".join(lines) + "\n" + read("alias-gitlab-com-cli29.log")
