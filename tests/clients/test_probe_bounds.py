"""The clients probe is bounded: a job Python that hangs or lies costs one timeout, no crash."""

from __future__ import annotations

import time
from pathlib import Path

from dind_doctor.model import Endpoint
from dind_doctor.probes.bounded import Deadline
from dind_doctor.probes.clients import probe_clients

ENDPOINT = Endpoint(url="tcp://docker:2376", scheme="tcp", host="docker", port=2376)


def fake_python(tmp_path: Path, body: str) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "python3"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(0o755)
    project = tmp_path / "project"
    project.mkdir()
    (project / ".gitlab-ci.yml").write_text("test:\n  script:\n    - pytest\n")  # Python in play
    return {"PATH": str(bin_dir), "HOME": str(tmp_path), "CI_PROJECT_DIR": str(project)}


def test_the_jobs_python_is_not_asked_when_no_python_is_in_play(tmp_path: Path) -> None:
    env = fake_python(tmp_path, "exec /bin/sleep 30")
    Path(env["CI_PROJECT_DIR"], ".gitlab-ci.yml").write_text(
        "build:\n  script:\n    - docker build -t app .\n")
    started = time.monotonic()
    facts = probe_clients(env, str(tmp_path), ENDPOINT, Deadline(8))
    assert time.monotonic() - started < 1
    assert facts.python is None


def test_a_hanging_python_costs_one_timeout(tmp_path: Path) -> None:
    env = fake_python(tmp_path, "exec /bin/sleep 30")
    started = time.monotonic()
    facts = probe_clients(env, str(tmp_path), ENDPOINT, Deadline(8))
    assert time.monotonic() - started < 5
    assert facts.python is not None and "did not finish" in (facts.python.error or "")
    assert facts.clients == [] and facts.strict_tls is None


def test_a_python_that_prints_nonsense(tmp_path: Path) -> None:
    env = fake_python(tmp_path, "echo 'not json'")
    facts = probe_clients(env, str(tmp_path), ENDPOINT, Deadline(8))
    assert facts.python is not None and facts.python.error.startswith("unexpected output")


def test_unreadable_and_huge_build_files(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "package.json").write_bytes(b'{"description": "' + b"x" * (2 << 20) +
                                           b'", "dependencies": {"dockerode": "4.0.2"}}')
    (project / "pom.xml").mkdir()  # a directory named like a build file
    env = {"PATH": "", "HOME": str(tmp_path), "CI_PROJECT_DIR": str(project)}
    facts = probe_clients(env, str(tmp_path), ENDPOINT, Deadline(8))
    assert facts.files == ["package.json"]
    assert facts.clients == []  # cut at 1 MiB: not valid JSON any more, so nothing is claimed
