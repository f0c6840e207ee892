"""Each client view against the real client, on a private TLS dockerd on loopback.

The daemon runs like dind (``--tlsverify``, certificates made the way the dind entrypoint makes
them). The tool probes the job environment, builds its client views, then the real client runs
with exactly that environment: where the view says the client fails, it fails; where it says
the client works, it works.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .realclients import (
    DOCKER_PY,
    TESTCONTAINERS_PY,
    diagnose,
    job_environ,
    run_node,
    run_python,
    view_of,
)

pytestmark = pytest.mark.dockerd


def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "requirements-test.txt").write_text("docker>=7\ntestcontainers>=4.8\n")
    (root / "package.json").write_text(json.dumps(
        {"devDependencies": {"dockerode": "^4.0.2", "testcontainers": "^10.28.0"}}))
    return root


# DOCKER_TLS_VERIFY -> the verdict each view gives (port is not 2376, DOCKER_CERT_PATH is set)
EXPECTED = {
    "1": {"docker-py": "ok", "testcontainers-python": "ok", "dockerode": "ok",
          "testcontainers-node": "ok"},
    # "0" and "true": on for docker-py (any value); docker-modem wants exactly "1" (or port 2376)
    "0": {"docker-py": "ok", "testcontainers-python": "ok", "dockerode": "fails",
          "testcontainers-node": "fails"},
    "true": {"docker-py": "ok", "testcontainers-python": "ok", "dockerode": "fails",
             "testcontainers-node": "fails"},
    # unset: the CLI speaks plain HTTP and fails; docker-py does TLS without verification from
    # DOCKER_CERT_PATH, which the probes cannot judge for certain ("unknown": no finding)
    None: {"docker-py": "unknown", "testcontainers-python": "unknown", "dockerode": "fails",
           "testcontainers-node": "fails"},
}


@pytest.mark.parametrize("verify", list(EXPECTED))
def test_tls_verify_values(dockerd_tls, certs, tmp_path: Path, verify: str | None) -> None:
    """DOCKER_TLS_VERIFY read four ways, by the tool and by docker-py, testcontainers-python,
    dockerode and testcontainers-node 10.x."""
    values = {"DOCKER_HOST": dockerd_tls.tcp_url, "DOCKER_CERT_PATH": str(certs.client_dir)}
    if verify is not None:
        values["DOCKER_TLS_VERIFY"] = verify
    env = job_environ(tmp_path, project(tmp_path), TESTCONTAINERS_RYUK_DISABLED="true", **values)
    facts, found = diagnose(env)
    assert facts.api is not None and facts.api.ping_ok == (verify is not None)
    measured = {
        "docker-py": run_python(DOCKER_PY, env),
        "testcontainers-python": run_python(TESTCONTAINERS_PY, env),
        "dockerode": run_node("dockerode", env),
        "testcontainers-node": run_node("testcontainers", env),
    }
    for name, real in measured.items():
        view = view_of(found, name)
        assert view.verdict == EXPECTED[verify][name], (name, view, real)
        if view.verdict != "unknown":
            assert (view.verdict == "ok") == real["ok"], (name, view, real)
        else:
            assert real["ok"], (name, real)  # measured: TLS without verification works
    # docker-py: the view is docker-py's own kwargs_from_env, run in the job's Python
    assert facts.clients is not None and facts.clients.python is not None
    assert facts.clients.python.docker_py_tls is True


def test_no_cert_path_python_fails_node_fails(dockerd_tls, tmp_path: Path) -> None:
    """DOCKER_TLS_VERIFY=1 without DOCKER_CERT_PATH and no ~/.docker: the CLI would fail too,
    so the clients' failure is reported as info, not as a client-only problem."""
    env = job_environ(tmp_path, project(tmp_path), DOCKER_HOST=dockerd_tls.tcp_url,
                      DOCKER_TLS_VERIFY="1")
    _, found = diagnose(env)
    assert view_of(found, "docker-py").verdict == "fails"
    assert not run_python(DOCKER_PY, env)["ok"]
    real = run_node("dockerode", env)
    assert not real["ok"] and real["protocol"] == "https"
    assert view_of(found, "dockerode").verdict == "fails"


def test_tc_host_in_the_properties_file_wins_over_docker_host(dockerd_tls, certs,
                                                             tmp_path: Path) -> None:
    """A stale tc.host (here: a port nothing listens on). Testcontainers for Python takes it with
    no fallback and fails; testcontainers-node tries it first, then falls back to DOCKER_HOST."""
    from tests.support.dockerd import free_port

    stale = free_port()
    (tmp_path / ".testcontainers.properties").write_text(f"tc.host=tcp://127.0.0.1:{stale}\n")
    env = job_environ(tmp_path, project(tmp_path), TESTCONTAINERS_RYUK_DISABLED="true",
                      **certs.client_env(dockerd_tls.tcp_url))
    facts, found = diagnose(env)
    assert facts.api is not None and facts.api.ping_ok
    assert view_of(found, "testcontainers-python").transport.port == stale
    assert view_of(found, "testcontainers-python").verdict != "ok"
    from dind_doctor.report import build_report

    by_id = {f.id: f for f in build_report(facts).findings}
    assert by_id["testcontainers-host-override"].status.value == "fail"
    assert not run_python(TESTCONTAINERS_PY, env)["ok"]
    assert run_node("testcontainers", env)["ok"]  # measured: node falls back to DOCKER_HOST


# TESTCONTAINERS_HOST_OVERRIDE -> (testcontainers-node 10.x, testcontainers-python): the host
# each reports for mapped ports, or None when it does not start; then the finding's status.
# Measured: node resolves the override and gives up on a name that does not resolve; python
# takes any value verbatim; node honours an empty value, python ignores it.
OVERRIDES = {
    "localhost": ("localhost", "localhost", "ok"),  # the daemon is on loopback here
    "127.0.0.1": ("127.0.0.1", "127.0.0.1", "ok"),
    "docker.invalid": (None, "docker.invalid", "warn"),
    "tcp://docker:2375": (None, "tcp://docker:2375", "fail"),
    "": ("", "127.0.0.1", "fail"),
}


@pytest.mark.parametrize("override", list(OVERRIDES))
def test_host_override_as_testcontainers_reads_it(dockerd_tls, certs, tmp_path: Path,
                                                  override: str) -> None:
    node_host, python_host, status = OVERRIDES[override]
    env = job_environ(tmp_path, project(tmp_path), TESTCONTAINERS_HOST_OVERRIDE=override,
                      TESTCONTAINERS_RYUK_DISABLED="true", **certs.client_env(dockerd_tls.tcp_url))
    node = run_node("testcontainers", env)
    assert node.get("host") == node_host, node
    assert node["ok"] == (node_host is not None), node
    python = run_python(TESTCONTAINERS_PY, env)
    assert python["ok"] and python["host"] == python_host, python
    facts, _ = diagnose(env)
    from dind_doctor.report import build_report

    by_id = {f.id: f for f in build_report(facts).findings}
    assert by_id["testcontainers-host-override"].status.value == status
