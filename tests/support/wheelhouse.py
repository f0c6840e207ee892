"""A package index and a git remote that a job container can install dind-doctor from.

Job containers have no network, so the install tests bring what a job would download:

* :func:`build_wheelhouse`: the dind-doctor wheel built from the working tree, its
  runtime dependencies, ``pipx`` and ``pip`` (for pipx's shared venv) and ``hatchling`` (the
  build backend, for installs from source), as wheels in one directory. Mounted at
  :data:`WHEELHOUSE` with ``PIP_NO_INDEX=1 PIP_FIND_LINKS=/wheelhouse``, it answers
  ``pip install dind-doctor`` exactly as the package index would.
* :func:`make_source_repo`: a git repository of the working tree (tracked and new files,
  one commit), mounted at :data:`SOURCE_REPO`: what ``git clone`` and ``pip install git+…``
  fetch from the project's repository.
* :class:`JobPython`: what a ``python:*`` (or ``docker:*-cli`` after ``apk add python3
  py3-pip``) image gives a job: a writable Python with ``python3`` and ``pip`` on ``PATH``
  and nothing else installed (a venv of the host interpreter, made inside the job), plus
  ``git``.

Fixtures (session-scoped, registered in ``tests/conftest.py``): ``wheelhouse``,
``source_repo``, ``job_python``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from .topology import DEFAULT_JOB_PATH, repo_root

WHEELHOUSE = "/wheelhouse"
SOURCE_REPO = "/srv/dind-doctor.git"
IMAGE_PYTHON = "/usr/local/python"  # the job image's own Python (a venv made in the job)
EXTRA_WHEELS = ("pipx", "pip", "hatchling")


def build_wheelhouse(dest: Path, source: Path | None = None) -> Path:
    """Wheels of dind-doctor (from *source*), its dependencies and :data:`EXTRA_WHEELS`."""
    dest.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check",
         "--wheel-dir", str(dest), str(source or repo_root()), *EXTRA_WHEELS],
        check=True, timeout=900, capture_output=True, text=True,
    )
    return dest


def make_source_repo(dest: Path, source: Path | None = None) -> Path:
    """A one-commit git repository holding the working tree's files (not its ignored ones)."""
    source = source or repo_root()
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=source, check=True, capture_output=True, timeout=60,
    ).stdout.decode().split("\0")
    for name in filter(None, listed):
        src = source / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    for cmd in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "snapshot"]):
        subprocess.run(["git", *cmd], cwd=dest, check=True, env=env, timeout=60,
                       capture_output=True)
    return dest


@dataclass(frozen=True)
class JobPython:
    """Mounts, environment and set-up line for a job image with its own Python and pip."""

    wheelhouse: Path
    source_repo: Path
    python: str  # the host interpreter, valid inside the job (its prefix is mounted)

    @property
    def volumes(self) -> list[str]:
        git = os.path.realpath(shutil.which("git") or "/usr/bin/git")
        return [f"{self.wheelhouse}:{WHEELHOUSE}:ro", f"{self.source_repo}:{SOURCE_REPO}:ro",
                f"{git}:/usr/bin/git:ro"]

    def env(self, **extra: str) -> dict[str, str]:
        return {
            "PATH": f"{IMAGE_PYTHON}/bin:{DEFAULT_JOB_PATH}",
            "HOME": "/root",
            "PIP_NO_INDEX": "1",
            "PIP_FIND_LINKS": WHEELHOUSE,
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PIP_NO_WARN_SCRIPT_LOCATION": "1",
            "PIP_ROOT_USER_ACTION": "ignore",
            "GIT_CONFIG_NOSYSTEM": "1",
            **extra,
        }

    @property
    def setup(self) -> str:
        """Shell line making the image's Python (``python3``, ``pip``) before the job runs."""
        return f"{self.python} -m venv {IMAGE_PYTHON}"


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """See :func:`build_wheelhouse` (built once per session; needs the package index)."""
    try:
        return build_wheelhouse(tmp_path_factory.mktemp("wheelhouse"))
    except subprocess.CalledProcessError as e:
        pytest.fail(f"cannot build the wheelhouse:\n{e.stderr[-3000:]}", pytrace=False)


@pytest.fixture(scope="session")
def source_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """See :func:`make_source_repo`."""
    return make_source_repo(tmp_path_factory.mktemp("source-repo"))


@pytest.fixture(scope="session")
def job_python(wheelhouse: Path, source_repo: Path, outer_engine) -> JobPython:
    """See :class:`JobPython`."""
    return JobPython(wheelhouse, source_repo, outer_engine.python)
