"""The command line as a user and a pipeline meet it: help, exit codes, JSON, replay."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from dind_doctor.render.json import load_schema

ENV = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}


def run(*args: str, env: dict[str, str] | None = None,
        timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dind_doctor", *args], capture_output=True,
                          text=True, env={**ENV, **(env or {})}, timeout=timeout, check=False)


@pytest.fixture(scope="module")
def refused_facts(tmp_path_factory) -> Path:
    """Facts saved from a real run against a port nobody listens on."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    path = tmp_path_factory.mktemp("facts") / "facts.json"
    proc = run("--json", "--settle", "0", "--save-facts", str(path),
               env={"DOCKER_HOST": f"tcp://127.0.0.1:{port}"})
    assert proc.returncode == 1, proc.stderr
    return path


def test_help_answers_what_it_checks_touches_and_exits_with():
    proc = run("--help")
    assert proc.returncode == 0
    for needle in ("2375", "DOCKER_HOST", "Read-only", "Exit codes", "--json", "--replay",
                   "--save-facts", "--timeout"):
        assert needle in proc.stdout


def test_version():
    proc = run("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("dind-doctor ")


@pytest.mark.parametrize("args", [["--timeout", "abc"], ["--timeout", "0"], ["--bogus"],
                                  ["--json", "--text"]])
def test_usage_errors_exit_2_without_traceback(args):
    proc = run(*args)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_json_is_one_object_on_stdout_and_matches_the_schema(refused_facts):
    proc = run("--json", "--replay", str(refused_facts))
    assert proc.returncode == 1
    report = json.loads(proc.stdout)  # nothing else on stdout
    jsonschema.validate(report, load_schema())
    assert report["exit_code"] == 1
    assert report["headline"]["status"] == "fail"


def test_replay_is_byte_identical(refused_facts):
    first = run("--json", "--replay", str(refused_facts)).stdout
    second = run("--json", "--replay", str(refused_facts)).stdout
    assert first == second


def test_live_json_matches_schema_and_the_saved_facts_replay(tmp_path):
    facts = tmp_path / "f.json"
    live = run("--json", "--settle", "0", "--save-facts", str(facts),
               env={"DOCKER_HOST": "tcp://127.0.0.1:9"})
    jsonschema.validate(json.loads(live.stdout), load_schema())
    replay = run("--json", "--replay", str(facts))
    assert replay.stdout == live.stdout


@pytest.mark.parametrize("content", ["not json", "[]", '{"format": 99}',
                                     '{"format": 1, "tool_version": "x"}'])
def test_bad_replay_file_is_a_clear_usage_error(tmp_path, content):
    path = tmp_path / "facts.json"
    path.write_text(content)
    proc = run("--replay", str(path))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "facts" in proc.stderr


def test_missing_replay_file(tmp_path):
    proc = run("--replay", str(tmp_path / "nope.json"))
    assert proc.returncode == 2 and "cannot read" in proc.stderr


def test_text_report_names_the_broken_link_and_no_color_is_honoured(refused_facts):
    proc = run("--text", "--replay", str(refused_facts), env={"NO_COLOR": "1",
                                                              "FORCE_COLOR": "1"})
    assert proc.returncode == 1
    assert "\x1b[" not in proc.stdout
    assert "Fix:" in proc.stdout and "Checklist" in proc.stdout


def test_strict_turns_warnings_into_failure(tmp_path):
    from dind_doctor.facts import Facts
    from dind_doctor.model import Status
    from dind_doctor.report import build_report

    scenario = Path(__file__).resolve().parents[1] / "src/dind_doctor/scenarios/vfs.json"
    if not scenario.exists():
        pytest.skip("vfs scenario not bundled")
    report = build_report(Facts.load(scenario))
    assert any(f.status is Status.WARN for f in report.findings)
    assert report.exit_code() == 0
    assert run("--json", "--strict", "--replay", str(scenario)).returncode == 1
    assert run("--json", "--replay", str(scenario)).returncode == 0


def test_json_path_never_imports_textual(refused_facts):
    code = (
        "import sys, contextlib, io\n"
        "from dind_doctor.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['--json', '--replay', {str(refused_facts)!r}])\n"
        "    main(['--json', '--settle', '0', '--timeout', '2'])\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**ENV, "DOCKER_HOST": "tcp://127.0.0.1:9"}, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""


def test_secrets_in_the_environment_never_reach_output_or_saved_facts(tmp_path):
    canary = "glrt-CANARYtoken1234567890"
    facts = tmp_path / "f.json"
    proc = run("--json", "--settle", "0", "--save-facts", str(facts),
               env={"DOCKER_HOST": "tcp://127.0.0.1:9", "CI_JOB_TOKEN": canary,
                    "DOCKER_AUTH_CONFIG": '{"auths": {"x": {"auth": "c2VjcmV0"}}}',
                    "HTTPS_PROXY": "http://user:hunter2secret@proxy.invalid:3128",
                    "CI_REGISTRY_PASSWORD": "hunter2secret"})
    for text in (proc.stdout, proc.stderr, facts.read_text()):
        assert canary not in text
        assert "hunter2secret" not in text
        assert "c2VjcmV0" not in text
