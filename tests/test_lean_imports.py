"""The diagnose and `wait` paths load only what they need (the set of modules, not the time).

Each case runs the real command in a fresh interpreter against a real daemon and lists
``sys.modules`` at exit. A module outside the allowed set fails the test: no Docker SDK,
requests or urllib3, no Textual, no YAML/TOML parsers, no report-file renderers, no asyncio
(the probes are blocking calls in threads), no dataclasses (records are built without
generated code) and no ssl unless a TLS connection was made. A new
module on these paths belongs in ``ALLOWED_OWN`` only if the default run really needs it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.dockerd

# the project's own modules a diagnosis may load (a trailing "." allows a whole package)
ALLOWED_OWN = (
    "dind_doctor", "dind_doctor.__main__", "dind_doctor.argtypes", "dind_doctor.cli",
    "dind_doctor.parser", "dind_doctor.quickargs",
    "dind_doctor.wait", "dind_doctor.endpoint", "dind_doctor.facts", "dind_doctor.model",
    "dind_doctor.records", "dind_doctor.hosturl", "dind_doctor.redact", "dind_doctor.report",
    "dind_doctor.probes", "dind_doctor.probes.",
    "dind_doctor.checks", "dind_doctor.checks.", "dind_doctor.config",
    "dind_doctor.config.arguments", "dind_doctor.config.declared",
    "dind_doctor.config.filefacts", "dind_doctor.config.images", "dind_doctor.config.locate",
    "dind_doctor.config.purpose", "dind_doctor.proxyenv", "dind_doctor.clients",
    "dind_doctor.clients.",  # pure client views and build-file reading (no client library)
    "dind_doctor.commands", "dind_doctor.commands.diagnose", "dind_doctor.commands.output",
    "dind_doctor.commands.wait",
    "dind_doctor.render", "dind_doctor.render.json", "dind_doctor.render.wrap",
    "dind_doctor.render.progress", "dind_doctor.render.style", "dind_doctor.render.text",
)
# standard-library packages that only a heavy client or a report file would pull in, the
# event-loop machinery the blocking, threaded probes do without, the code generation of
# dataclasses (records do without it), URL and address parsing (``hosturl`` splits
# DOCKER_HOST; ``ipaddress`` only for proxy lists and IP certificates), and typing (type
# hints are for the type checker only)
DENIED_STDLIB = ("http", "email", "xml", "urllib", "multiprocessing", "sqlite3",
                 "unittest", "tkinter", "pydoc", "doctest", "asyncio", "concurrent",
                 "dataclasses", "inspect", "ast", "dis", "ipaddress", "typing")
# loaded only when a TLS connection is made (datetime: certificate dates)
TLS_ONLY = ("ssl", "_ssl", "datetime")

BOOTSTRAP = """
import json, os, runpy, sys
before = set(sys.modules)
out, sys.argv = sys.argv[1], ["dind-doctor", *sys.argv[2:]]
exit_now = os._exit  # the command ends with it, skipping atexit: list the modules first
def listed_exit(code):
    json.dump(sorted(set(sys.modules) - before), open(out, "w"))
    exit_now(code)
os._exit = listed_exit
runpy.run_module("dind_doctor", run_name="__main__", alter_sys=True)
"""


def loaded_modules(args: list[str], env: dict[str, str], cwd: Path) -> tuple[list[str], int]:
    """The modules ``dind-doctor ARGS`` loaded beyond the interpreter's start-up, and its
    exit code."""
    listing = cwd / "modules.json"
    proc = subprocess.run([sys.executable, "-c", BOOTSTRAP, str(listing), *args], env=env,
                          cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    assert listing.exists(), proc.stderr.decode()
    return json.loads(listing.read_text()), proc.returncode


def unexpected(modules: list[str]) -> list[str]:
    stdlib = sys.stdlib_module_names
    bad = []
    for name in modules:
        top = name.split(".", 1)[0]
        if top == "dind_doctor":
            if not any(name == a or (a.endswith(".") and name.startswith(a))
                       for a in ALLOWED_OWN):
                bad.append(name)
        elif top not in stdlib or any(name == d or name.startswith(d + ".")
                                      for d in DENIED_STDLIB):
            bad.append(name)
    return bad


def job_env(tmp_path: Path, **docker: str) -> dict[str, str]:
    """A job's environment without the CI file, runner config or CI variables around."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home),
            "LANG": "C.UTF-8", **docker}


def test_json_on_a_healthy_tls_daemon(dockerd_tls, certs, tmp_path):
    env = job_env(tmp_path, **certs.client_env(f"tcp://localhost:{dockerd_tls.tcp_port}"))
    modules, code = loaded_modules(["--json", "-q"], env, tmp_path)
    assert code in (0, 1)
    assert "dind_doctor.probes.http_link" in modules  # the API was really asked
    assert "ssl" in modules  # the guard for the plain daemon below can see it
    assert unexpected(modules) == []


def test_json_and_text_on_a_healthy_plain_daemon(dockerd_plain, tmp_path):
    env = job_env(tmp_path, DOCKER_HOST=dockerd_plain.tcp_url)
    for output in ("--json", "--text"):
        modules, _ = loaded_modules([output, "-q"], env, tmp_path)
        assert "dind_doctor.report" in modules
        assert unexpected(modules) == [], output
        assert [m for m in TLS_ONLY if m in modules] == [], output  # no TLS on a plain link
        assert "argparse" not in modules, output  # an everyday line: read by quickargs


def test_wait_on_a_healthy_daemon(dockerd_plain, tmp_path):
    env = job_env(tmp_path, DOCKER_HOST=dockerd_plain.tcp_url)
    modules, code = loaded_modules(["wait", "--timeout", "20", "-q"], env, tmp_path)
    assert code == 0
    assert unexpected(modules) == []
    assert [m for m in TLS_ONLY if m in modules] == []


def test_the_guard_sees_a_heavy_import(dockerd_plain, tmp_path):
    """The check itself: a report file pulls its renderer, which the guard reports."""
    env = job_env(tmp_path, DOCKER_HOST=dockerd_plain.tcp_url)
    modules, _ = loaded_modules(["--json", "-q", "--junit", str(tmp_path / "j.xml")], env,
                                tmp_path)
    assert "dind_doctor.render.junit" in unexpected(modules)
    assert unexpected(["docker", "requests", "json", "dind_doctor.tui.app", "asyncio.events"]) \
        == ["docker", "requests", "dind_doctor.tui.app", "asyncio.events"]
