"""The coverage and SOURCES tables of the real-log corpus README, made from the sidecars.

    python -m tests.support.corpus_tables          # print the tables
    python -m tests.support.corpus_tables --write  # rewrite them in the README

Everything from the README's ``## Coverage`` heading to its end is generated; the text above
it (format, split rule) is written by hand. The tables list labels, splits and sources only:
they never quote an excerpt, so writing them reads no frozen text.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "data" / "logs" / "real"
README = CORPUS / "README.md"
MARK = "## Coverage"
VERDICTS = ("not-dind", "success")


def splits() -> list[str]:
    """``dev`` first, then the frozen splits in name order."""
    names = sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and p.name.startswith("frozen"))
    return ["dev", *names]


def sidecars() -> list[tuple[str, str, dict]]:
    """(slug, split, sidecar) for every excerpt, by slug."""
    rows = [(log.stem, split, json.loads(log.with_suffix(".json").read_text(encoding="utf-8")))
            for split in splits() for log in (CORPUS / split).glob("*.log")]
    return sorted(rows, key=lambda row: row[0])


def tables(research_modes: frozenset[str] = frozenset()) -> str:
    """The generated part of the README, from ``## Coverage`` to the end."""
    rows = sidecars()
    names = splits()
    counts = Counter((side["expected"], split) for _, split, side in rows)
    labels = sorted({side["expected"] for _, _, side in rows} | set(research_modes),
                    key=lambda label: (VERDICTS.index(label) + 1 if label in VERDICTS else 0,
                                       label))
    out = [MARK, "", f"| label | {' | '.join(names)} | total |",
           f"| --- | {' | '.join('---:' for _ in names)} | ---: |"]
    for label in labels:
        per = [counts[(label, split)] for split in names]
        out.append(f"| `{label}` | {' | '.join(str(n) for n in per)} | {sum(per)} |")
    thin = [label for label in labels if label not in VERDICTS
            and sum(counts[(label, s)] for s in names) < 2]
    out.append("")
    if thin:
        listed = ", ".join(f"`{label}` ({sum(counts[(label, s)] for s in names)})"
                           for label in thin)
        out += [f"Modes with fewer than two excerpts (no more public text found yet): {listed}.",
                ""]
    per_split = ", ".join(f"{sum(1 for _, s, _ in rows if s == split)} in `{split}/`"
                          for split in names)
    out += [f"Total: {len(rows)} excerpts ({per_split}).", "", "## SOURCES", "",
            "| slug | split | expected | kind | source |", "| --- | --- | --- | --- | --- |"]
    out += [f"| `{slug}` | {split} | `{side['expected']}` | {side['kind']} | {side['source']} |"
            for slug, split, side in rows]
    return "\n".join(out) + "\n"


def readme_with_tables(research_modes: frozenset[str] = frozenset()) -> str:
    text = README.read_text(encoding="utf-8")
    head = text[: text.index(MARK)] if MARK in text else text.rstrip("\n") + "\n\n"
    return head + tables(research_modes)


def main(argv: list[str]) -> int:
    from tests.explain.test_real_log_corpus import RESEARCH_MODES

    if "--write" in argv:
        README.write_text(readme_with_tables(RESEARCH_MODES), encoding="utf-8")
    else:
        sys.stdout.write(tables(RESEARCH_MODES))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
