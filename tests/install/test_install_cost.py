"""What the README says an install costs holds: package count and installed size."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from .readme import README

OFFLINE = {"PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_CONSTRAINT": "",
           "PIP_EXTRA_INDEX_URL": "", "PIP_CONFIG_FILE": os.devnull}


def stated() -> tuple[int, float]:
    text = README.read_text(encoding="utf-8")
    found = re.search(r"What it costs: (\d+) packages, [\d.]+ MB of wheels to download, "
                      r"\*\*(\d+) MB installed\*\*", text)
    assert found, "the README's install cost sentence changed shape"
    return int(found.group(1)), float(found.group(2))


def size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def test_a_fresh_venv_gets_the_stated_packages_and_size(wheelhouse, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    site = next(venv.glob("lib/python*/site-packages"))
    before = {p.name for p in site.glob("*.dist-info")}
    empty = size_mb(venv)
    subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "--find-links",
                    str(wheelhouse), "dind-doctor"],
                   check=True, timeout=900, env={**os.environ, **OFFLINE})
    added = {p.name for p in site.glob("*.dist-info")} - before
    packages, megabytes = stated()
    assert len(added) == packages, sorted(added)
    assert abs(size_mb(venv) - empty - megabytes) / megabytes < 0.1, size_mb(venv) - empty
