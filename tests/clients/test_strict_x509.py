"""The second handshake under ssl.VERIFY_X509_STRICT, against a real TLS dockerd.

Certificates made like docker:dind before 28.2 (a CA without keyUsage) pass the default
verification and fail the strict one with OpenSSL's own message; certificates made like 28.2
pass both. Whether a job's docker-py is strict depends on its Python and urllib3 (>= 3.13 and
>= 2.4): the probe reads both from the job's own interpreter.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dind_doctor.model import Status
from dind_doctor.report import build_report

from .dind_ca import make_dind_282_certs
from .realclients import diagnose, job_environ

pytestmark = pytest.mark.dockerd

STRICT_ERROR = "CA cert does not include key usage extension"


def python_project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "requirements.txt").write_text("docker==7.1.0\n")
    return root


def strict_finding(facts):
    return next(f for f in build_report(facts).findings if f.id == "python-strict-x509-dind-ca")


def test_pre_28_2_dind_ca_fails_only_the_strict_handshake(dockerd_tls, certs, tmp_path):
    env = job_environ(tmp_path, python_project(tmp_path), **certs.client_env(dockerd_tls.tcp_url))
    facts, _ = diagnose(env)
    strict = facts.clients.strict_tls
    assert strict is not None and strict.default_ok, strict
    assert not strict.strict_ok and strict.strict_error == STRICT_ERROR
    finding = strict_finding(facts)
    # this job's Python is older than 3.13: it works today, and says what will break it
    assert facts.clients.python.version.startswith("3.1")
    assert finding.status == (Status.FAIL if _strict_python(facts) else Status.INFO)
    assert "28.2" in finding.fix and STRICT_ERROR in finding.summary


def test_28_2_dind_ca_passes_the_strict_handshake(dockerd_factory, tmp_path):
    fixed = make_dind_282_certs(tmp_path / "certs")
    daemon = dockerd_factory(tcp="tls", certs=fixed)
    env = job_environ(tmp_path, python_project(tmp_path), **fixed.client_env(daemon.tcp_url))
    facts, _ = diagnose(env)
    assert facts.clients.strict_tls is not None and facts.clients.strict_tls.strict_ok
    assert strict_finding(facts).status == Status.OK


def test_no_python_client_no_second_handshake(dockerd_tls, certs, tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    env = job_environ(tmp_path, root, **certs.client_env(dockerd_tls.tcp_url))
    env["PATH"] = "/usr/bin:/bin"  # no Python with docker-py installed on the job's PATH
    facts, _ = diagnose(env)
    assert facts.clients.strict_tls is None
    assert all(f.id != "python-strict-x509-dind-ca" for f in build_report(facts).findings)


def _strict_python(facts) -> bool:
    python = facts.clients.python
    major_minor = tuple(int(p) for p in python.version.split(".")[:2])
    urllib3 = tuple(int(p) for p in python.packages.get("urllib3", "0").split(".")[:2])
    return major_minor >= (3, 13) and urllib3 >= (2, 4)


def _python_313() -> str | None:
    """A Python >= 3.13 on this machine, if there is one (the job image's Python in real life)."""
    import glob
    import shutil
    import subprocess

    candidates = [shutil.which(f"python3.{minor}") for minor in (13, 14, 15)]
    candidates += sorted(glob.glob(str(Path.home() / ".pyenv/versions/3.1[3-9]*/bin/python3")))
    for candidate in filter(None, candidates):
        works = subprocess.run([candidate, "-c", "import sys, venv; "
                                "assert sys.version_info >= (3, 13)"],
                               capture_output=True, timeout=30).returncode == 0
        if works:
            return candidate
    return None


def _venv_with(python: str, urllib3: str, cache: Path) -> str:
    """A cached virtualenv of that Python with docker-py and the given urllib3 from PyPI."""
    import subprocess

    venv = cache / f"py313-urllib3-{urllib3.strip('<>=')}"
    if not (venv / "ok").exists():
        subprocess.run([python, "-m", "venv", "--clear", str(venv)], check=True, timeout=120)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
                        "--disable-pip-version-check", "docker==7.1.0", f"urllib3{urllib3}"],
                       check=True, timeout=300)
        (venv / "ok").write_text("")
    return str(venv / "bin" / "python")


@pytest.mark.parametrize(("urllib3", "fails"), [("==2.4.0", True), ("==2.3.0", False)])
def test_real_docker_py_on_python_313(dockerd_tls, certs, tmp_path, urllib3: str,
                                      fails: bool) -> None:
    """The real docker-py on Python >= 3.13 against the pre-28.2 dind CA: urllib3 2.4 rejects
    it with OpenSSL's strict message, 2.3 accepts it; the finding says the same."""
    import subprocess

    python = _python_313()
    if python is None:
        pytest.skip("no Python >= 3.13 on this machine")
    cache = Path.home() / ".cache" / "dind-doctor-tests"
    job_python = _venv_with(python, urllib3, cache)
    env = job_environ(tmp_path, python_project(tmp_path), **certs.client_env(dockerd_tls.tcp_url))
    env["PATH"] = f"{Path(job_python).parent}:{env['PATH']}"
    done = subprocess.run([job_python, "-c", "import docker; docker.from_env().ping()"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert (done.returncode != 0) == fails, done.stderr[-2000:]
    if fails:
        assert STRICT_ERROR in done.stderr
    facts, _ = diagnose(env)
    assert Path(facts.clients.python.executable).parent == Path(job_python).parent
    assert strict_finding(facts).status == (Status.FAIL if fails else Status.INFO)
