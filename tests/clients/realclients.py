"""Run real Docker clients (in their own processes, with only the environment given) and the
tool's probes against the same environment, so a client view can be compared with the client."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from dind_doctor.checks.base import Context
from dind_doctor.clients.views import ClientView, views
from dind_doctor.facts import Facts
from dind_doctor.probes.engine import collect
from tests.support.fixtures import infra_unavailable

NODE_DIR = Path(__file__).with_name("node")
VENV_BIN = str(Path(sys.executable).parent)
BASE_PATH = f"{VENV_BIN}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

DOCKER_PY = """
import json, docker
try:
    client = docker.from_env(timeout=5)
    client.ping()
    print(json.dumps({"ok": True}))
except Exception as exc:
    print(json.dumps({"ok": False, "error": f"{type(exc).__name__}: {exc}"}))
"""

TESTCONTAINERS_PY = """
import json
try:
    from testcontainers.core.docker_client import DockerClient
    client = DockerClient()
    host = client.host()
    client.client.ping()
    print(json.dumps({"ok": True, "host": host}))
except Exception as exc:
    print(json.dumps({"ok": False, "error": f"{type(exc).__name__}: {exc}"}))
"""


def job_environ(home: Path, project: Path | None = None, **values: str) -> dict[str, str]:
    """A clean job environment: no variable of this machine leaks into a client."""
    env = {"PATH": BASE_PATH, "HOME": str(home)}
    if project is not None:
        env["CI_PROJECT_DIR"] = str(project)
    env.update(values)
    return env


def run_python(script: str, env: Mapping[str, str]) -> dict:
    done = subprocess.run([sys.executable, "-c", script], env=dict(env), capture_output=True,
                          text=True, timeout=60)
    return json.loads(done.stdout.strip().splitlines()[-1])


def node_ready() -> None:
    if not (NODE_DIR / "node_modules" / "testcontainers").is_dir():
        infra_unavailable("the Node clients are not installed (scripts/test runs npm ci in "
                          "tests/clients/node)")


def run_node(mode: str, env: Mapping[str, str], *args: str) -> dict:
    node_ready()
    done = subprocess.run(["node", str(NODE_DIR / "probe.js"), mode, *args], env=dict(env),
                          capture_output=True, text=True, timeout=90, cwd=NODE_DIR)
    return json.loads(done.stdout.strip().splitlines()[-1])


def diagnose(env: Mapping[str, str]) -> tuple[Facts, list[ClientView]]:
    """The tool's real probes in this environment, and the client views built from them."""
    facts = collect(8.0, environ=env, settle=0)
    return facts, views(facts, Context(facts).endpoint)


def view_of(found: list[ClientView], name: str) -> ClientView:
    return next(v for v in found if v.name == name)
