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


@pytest.mark.parametrize("argv", [["--timeout", "500", "wait"], ["wait", "--timeout", "500"],
                                  ["--timeout", "500"], ["--timeout", "3600", "wait"]])
def test_the_diagnosis_and_wait_take_the_same_longest_timeout(argv):
    from dind_doctor.parser import build_parser

    assert build_parser(argv).parse_args(argv).timeout == float(argv[argv.index("--timeout") + 1])


@pytest.mark.parametrize("argv", [["--timeout", "3601", "wait"], ["wait", "--timeout", "3601"],
                                  ["--timeout", "3601"]])
def test_a_timeout_over_the_one_limit_is_a_usage_error(argv):
    from dind_doctor.argtypes import MAX_TIMEOUT

    proc = run(*argv)
    assert proc.returncode == 2 and proc.stdout == ""
    assert f"argument --timeout: must be between 0 and {MAX_TIMEOUT:g} seconds" in proc.stderr


@pytest.mark.parametrize("command", [[], ["wait"]])
def test_timeout_help_states_the_limit(command):
    from dind_doctor.argtypes import MAX_TIMEOUT

    text_help = next(line for line in run(*command, "--help", env=WIDE).stdout.splitlines()
                     if line.strip().startswith("--timeout"))
    assert f"at most {MAX_TIMEOUT:g})" in text_help


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


CI_DATA = Path(__file__).resolve().parent / "data" / "config" / "ci"
BROKEN_CI = CI_DATA / "tls-2375.yml"  # fails: DOCKER_HOST port 2375 with TLS on
WARNING_CI = CI_DATA / "version-skew.yml"  # warnings only


def test_the_report_json_names_its_schema(refused_facts):
    report = json.loads(run("--json", "--replay", str(refused_facts)).stdout)
    assert report["schema"] == "dind-doctor/report" and report["schema_version"] == "1.0"
    assert load_schema()["properties"]["schema"] == {"const": "dind-doctor/report"}


def test_json_before_the_command_gives_json():
    before = run("--json", "lint", "--ci-file", str(BROKEN_CI))
    after = run("lint", "--json", "--ci-file", str(BROKEN_CI))
    assert before.returncode == after.returncode == 1
    assert json.loads(before.stdout)["headline"] == json.loads(after.stdout)["headline"]


def test_strict_before_the_command_fails_on_warnings():
    assert run("lint", "--ci-file", str(WARNING_CI)).returncode == 0
    assert run("--strict", "lint", "--ci-file", str(WARNING_CI)).returncode == 1
    assert run("lint", "--strict", "--ci-file", str(WARNING_CI)).returncode == 1


def test_report_file_before_the_command_is_written(tmp_path):
    junit = tmp_path / "lint.xml"
    proc = run("--junit", str(junit), "lint", "--ci-file", str(BROKEN_CI))
    assert proc.returncode == 1, proc.stderr
    assert "<testsuite" in junit.read_text()


def test_files_named_before_the_command_are_the_ones_linted(tmp_path):
    (tmp_path / ".gitlab-ci.yml").write_text("healthy:\n  script: [echo]\n")
    proc = subprocess.run([sys.executable, "-m", "dind_doctor", "--ci-file", str(BROKEN_CI),
                           "lint", "--json"], capture_output=True, text=True, cwd=tmp_path,
                          env=ENV, timeout=30, check=False)
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["headline"]["id"] == "ci-tls-port-mismatch"


@pytest.mark.parametrize("args", [["--replay", "facts.json", "lint"],
                                  ["--settle", "1", "wait"],
                                  ["--timeout", "3", "lint"],
                                  ["-q", "demo"],
                                  ["--junit", "x.xml", "fix"],
                                  ["--json", "demo", "--text"]])
def test_an_option_the_command_does_not_have_is_a_usage_error(args, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "dind_doctor", *args], capture_output=True,
                          text=True, cwd=tmp_path, env=ENV, timeout=30, check=False)
    assert proc.returncode == 2, proc.stdout
    assert "Traceback" not in proc.stderr and "usage: dind-doctor " in proc.stderr
    assert proc.stdout == "" and not (tmp_path / "x.xml").exists()


def test_lint_and_fix_help_say_what_they_read_write_and_exit_with():
    lint = run("lint", "--help").stdout
    for needle in ("$CI_PROJECT_DIR/.gitlab-ci.yml", "./.gitlab-ci.yml", "$CONFIG_FILE",
                   "/etc/gitlab-runner/config.toml", "~/.gitlab-runner/config.toml",
                   "--helm-values", "Exit codes", "usage error"):
        assert needle in lint
    assert "gitlab-runner's own order: $CONFIG_FILE, then" in lint
    fix = run("fix", "--help").stdout
    for needle in ("--apply writes", ".dind-doctor.bak", "did not change since it was read",
                   "Exit codes", "patches are pending", "$CONFIG_FILE"):
        assert needle in fix


WIDE = {"COLUMNS": "200"}  # argparse wraps help at the terminal width


@pytest.mark.parametrize("command", ["lint", "wait", "explain"])
def test_text_mentions_no_interactive_view_where_there_never_is_one(command):
    text_help = next(line for line in run(command, "--help", env=WIDE).stdout.splitlines()
                     if line.strip().startswith("--text"))
    assert "interactive" not in text_help


@pytest.mark.parametrize("command", [[], ["demo"]])
def test_text_says_it_turns_the_interactive_view_off(command):
    assert "(no interactive view)" in run(*command, "--help", env=WIDE).stdout


def test_facts_that_cannot_be_saved_are_a_usage_error(tmp_path: Path) -> None:
    from dind_doctor import scenarios

    replay = Path(scenarios.__file__).parent / "healthy-tls.json"
    target = tmp_path / "missing-dir" / "facts.json"
    proc = run("--json", "--replay", str(replay), "--save-facts", str(target))
    assert proc.returncode == 2 and proc.stdout == ""
    assert f"dind-doctor: cannot write {target}: No such file or directory" in proc.stderr
