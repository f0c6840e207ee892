"""The README's install blocks (``<!-- install: NAME -->``, then ``sh``), as a job runs them."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.wheelhouse import SOURCE_REPO

README = Path(__file__).resolve().parents[2] / "README.md"
PLACEHOLDER_REPO = "https://gitlab.example.com/tools/dind-doctor.git"


def install_blocks() -> dict[str, str]:
    """name -> the commands of each install block, verbatim."""
    text = README.read_text(encoding="utf-8")
    return dict(re.findall(r"<!-- install: ([\w-]+) -->\n```sh\n(.*?)```", text, re.DOTALL))


def runnable(block: str) -> tuple[str, list[str]]:
    """The block as the harness job runs it, and the lines it cannot run here.

    The repository URL becomes the local repository's ``file://`` URL; ``apk add`` lines are
    left out (the harness image has no Alpine packages: its Python stands in for the one
    ``apk`` would add). Every other line runs exactly as written.
    """
    kept, left_out = [], []
    for line in block.splitlines():
        if line.startswith("apk "):
            left_out.append(line)
            continue
        kept.append(line.replace(PLACEHOLDER_REPO, f"file://{SOURCE_REPO}"))
    return "\n".join(kept) + "\n", left_out
