"""The hand-written job logs under tests/data/logs (regression cases) and their expected answers."""

from __future__ import annotations

import json
from pathlib import Path

LOGS = Path(__file__).resolve().parent.parent / "data" / "logs"
OUTCOMES = ("succeeded", "not-dind")


def manifest() -> dict[str, dict[str, object]]:
    return json.loads((LOGS / "expected.json").read_text(encoding="utf-8"))


def read(name: str) -> str:
    return (LOGS / name).read_text(encoding="utf-8")
