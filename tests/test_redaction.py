"""Secrets planted in the environment, in files and in the runner/CI configuration never
reach an output: JSON, text, saved facts, JUnit, Code Quality, Markdown, ``wait``, ``lint``,
the TUI's SVG.

Every canary carries the marker ``Xq9vK2``; each output is searched for it (and for the
base64 form of the registry credentials). The run is a real one: the probes read the
planted files and dial a real (refusing) port with credentials in ``DOCKER_HOST``.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from dind_doctor.config.collect import collect_config_facts
from dind_doctor.facts import Facts
from dind_doctor.redact import redact_text
from dind_doctor.render.json import render_json
from dind_doctor.render.text import render_text
from dind_doctor.report import build_report

MARK = "Xq9vK2"
AUTH = base64.b64encode(f"ci-user:{MARK}registry".encode()).decode()
PRIVATE_KEY = (f"-----BEGIN PRIVATE KEY-----\nMIIEv{MARK}QIBADANBgkqhkiG9w0BAQEFAASC\n"
               "-----END PRIVATE KEY-----\n")

SECRET_ENV = {
    "CI_JOB_TOKEN": f"{MARK}job",
    "CI_REGISTRY_PASSWORD": f"{MARK}registry",
    "CI_DEPLOY_PASSWORD": f"{MARK}deploy",
    "CI_JOB_JWT": f"eyJ{MARK}jwt",
    "CI_JOB_JWT_V2": f"eyJ{MARK}jwt2",
    "GITLAB_TOKEN": f"glpat-{MARK}pat000000",
    "CI_SERVER_TLS_KEY": f"{MARK}tlskey",
    "DOCKER_AUTH_CONFIG": json.dumps({"auths": {"registry.example": {"auth": AUTH}}}),
    "CI_RUNNER_DESCRIPTION": f"runner glrt-{MARK}runner0000",  # a token in a harmless name
    "HTTPS_PROXY": f"http://proxy-user:{MARK}proxy@127.0.0.1:3128",
    "NO_PROXY": "docker,localhost",
    "DOCKER_TLS_CERTDIR": "/certs",
}

RUNNER_TOML = f"""\
concurrent = 1
[[runners]]
  name = "dind"
  url = "https://gitlab.example.com"
  token = "glrt-{MARK}toml0000000"
  executor = "docker"
  environment = ["DOCKER_AUTH_CONFIG={{\\"auths\\": {{\\"r\\": {{\\"auth\\": \\"{AUTH}\\"}}}}}}",
                 "REGISTRY_PASSWORD={MARK}env", "HTTP_PROXY=http://u:{MARK}p@proxy:3128"]
  [runners.docker]
    image = "docker:29-cli"
    privileged = false
    volumes = ["/cache"]
  [runners.cache.s3]
    AccessKey = "{MARK}access"
    SecretKey = "{MARK}secret"
"""

CI_YAML = f"""\
variables:
  DOCKER_HOST: tcp://docker:2375
  REGISTRY_PASSWORD: "{MARK}ciyaml"
  DOCKER_AUTH_CONFIG: '{{"auths": {{"r": {{"auth": "{AUTH}"}}}}}}'
build:
  image: docker:29-cli
  services: [docker:29-dind]
  variables:
    DEPLOY_TOKEN: "glrt-{MARK}ciyaml0000"
  script:
    - docker login -u user -p "{MARK}inline" registry.example
    - docker build .
"""


@dataclass
class Planted:
    env: dict[str, str]
    home: Path
    project: Path
    runner_config: Path
    ci_file: Path
    port: int


def _refused_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Planted:
    root = tmp_path_factory.mktemp("canaries")
    home, project, certs = root / "home", root / "project", root / "certs" / "client"
    for path in (home / ".docker", project, certs):
        path.mkdir(parents=True)
    (home / ".docker" / "config.json").write_text(
        json.dumps({"auths": {"registry.example": {"auth": AUTH}}}))
    (certs / "key.pem").write_text(PRIVATE_KEY)
    (certs / "cert.pem").write_text(f"-----BEGIN CERTIFICATE-----\n{MARK}cert\n"
                                    "-----END CERTIFICATE-----\n")
    (certs / "ca.pem").write_text(PRIVATE_KEY)  # key material where a CA belongs
    runner = root / "config.toml"
    runner.write_text(RUNNER_TOML)
    ci = project / ".gitlab-ci.yml"
    ci.write_text(CI_YAML)
    port = _refused_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DOCKER_", "CI_")) and "PROXY" not in k.upper()}
    env.update(SECRET_ENV)
    env.update({
        "HOME": str(home), "CI_PROJECT_DIR": str(project), "NO_COLOR": "1",
        "DOCKER_HOST": f"tcp://user:{MARK}host@127.0.0.1:{port}",
        "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": str(certs),
    })
    return Planted(env, home, project, runner, ci, port)


def assert_clean(name: str, text: str) -> None:
    assert MARK not in text, f"{name} leaks a secret: …{_around(text)}…"
    assert AUTH not in text, f"{name} leaks the registry auth"
    assert "PRIVATE KEY-----" not in text.replace("PRIVATE KEY-----\\n", ""), name


def _around(text: str) -> str:
    at = text.index(MARK)
    return text[max(0, at - 60):at + 40]


def tool(planted: Planted, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dind_doctor", *args], capture_output=True,
                          text=True, env=planted.env, cwd=planted.project, timeout=90,
                          check=False)


@pytest.fixture(scope="module")
def saved_facts(planted: Planted, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("facts") / "facts.json"
    proc = tool(planted, "--json", "--settle", "0", "--timeout", "5", "--save-facts", str(path))
    assert proc.returncode == 1, proc.stderr  # the planted DOCKER_HOST refuses
    assert_clean("diagnosis --json stdout", proc.stdout)
    assert_clean("diagnosis --json stderr", proc.stderr)
    return path


def test_the_planted_secrets_were_really_seen(planted: Planted, saved_facts: Path):
    """Guard against a vacuous pass: the probes read what was planted."""
    facts = Facts.load(saved_facts)
    assert facts.env.vars["CI_JOB_TOKEN"] == "[redacted]"
    assert facts.env.vars["HTTPS_PROXY"].startswith("http://redacted@")
    assert facts.certs is not None and facts.certs.path.endswith("/certs/client")
    assert facts.certs.key.file.size > 0 and facts.certs.cert.file.size > 0
    assert facts.ports and facts.ports[0].state == "refused"


def test_saved_facts_and_their_replay(planted: Planted, saved_facts: Path):
    assert_clean("saved facts", saved_facts.read_text())
    for fmt in ("--json", "--text"):
        proc = tool(planted, "--replay", str(saved_facts), fmt)
        assert_clean(f"replay {fmt}", proc.stdout + proc.stderr)


@pytest.mark.parametrize("source", ["live", "replay"])
def test_the_report_files(planted: Planted, saved_facts: Path, tmp_path: Path, source: str):
    """--junit, --codequality, --markdown next to --json, live and from the saved facts."""
    files = {name: tmp_path / name for name in ("junit.xml", "codequality.json", "report.md")}
    run = ("--replay", str(saved_facts)) if source == "replay" else ("--settle", "0",
                                                                      "--timeout", "5")
    proc = tool(planted, *run, "--json", "--junit", str(files["junit.xml"]),
                "--codequality", str(files["codequality.json"]),
                "--markdown", str(files["report.md"]))
    assert proc.returncode == 1, proc.stderr
    assert_clean(f"{source} --json with report files", proc.stdout + proc.stderr)
    for name, path in files.items():
        assert path.stat().st_size > 0, name
        assert_clean(f"{source} {name}", path.read_text())


def test_the_live_text_report(planted: Planted):
    proc = tool(planted, "--text", "--settle", "0", "--timeout", "5")
    assert "Endpoint: tcp://" in proc.stdout
    assert_clean("diagnosis --text", proc.stdout + proc.stderr)


@pytest.mark.parametrize("fmt", [(), ("--json",)])
def test_wait_and_its_diagnosis(planted: Planted, tmp_path: Path, fmt: tuple[str, ...]):
    facts = tmp_path / "wait-facts.json"
    proc = tool(planted, "wait", "--timeout", "1", "--save-facts", str(facts), *fmt)
    assert proc.returncode == 1, proc.stderr
    assert_clean("wait", proc.stdout + proc.stderr)
    assert_clean("wait --save-facts", facts.read_text())


@pytest.mark.parametrize("fmt", ["--json", "--text"])
def test_lint_of_the_planted_config(planted: Planted, fmt: str):
    proc = tool(planted, "lint", fmt, "--runner-config", str(planted.runner_config),
                "--ci-file", str(planted.ci_file))
    assert proc.returncode == 1, proc.stdout + proc.stderr  # privileged = false fails
    assert_clean(f"lint {fmt}", proc.stdout + proc.stderr)


def _config_facts(planted: Planted, saved_facts: Path) -> Facts:
    facts = Facts.load(saved_facts)
    facts.runner_config, facts.ci_file = collect_config_facts(
        str(planted.ci_file), str(planted.runner_config), None, planted.env, search=False)
    assert facts.runner_config is not None and facts.ci_file is not None
    return facts


def test_facts_and_reports_with_the_config_files(planted: Planted, saved_facts: Path):
    facts = _config_facts(planted, saved_facts)
    assert_clean("facts with config", facts.dumps())
    report = build_report(facts)
    assert_clean("JSON with config", render_json(report))
    assert_clean("text with config", render_text(report))


def test_the_markdown_export(planted: Planted, saved_facts: Path):
    from dind_doctor.tui.export import report_markdown

    assert_clean("markdown", report_markdown(build_report(_config_facts(planted, saved_facts))))


@pytest.mark.parametrize("with_config", [False, True])
async def test_the_interactive_view_as_svg(planted: Planted, saved_facts: Path, with_config: bool):
    from dind_doctor.tui.app import DoctorApp
    from dind_doctor.tui.runs import replay_run

    facts = _config_facts(planted, saved_facts) if with_config else Facts.load(saved_facts)
    if not with_config:  # the live run may have read the CI file; leave DOCKER_HOST in front
        facts.ci_file = facts.runner_config = None
    app = DoctorApp(replay_run(facts), mode="replay")
    async with app.run_test(size=(120, 48)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screens = [app.export_screenshot()]
        await pilot.press("enter")  # the headline finding with its evidence
        await pilot.pause()
        screens.append(app.export_screenshot())
    headline = app.report.headline
    assert headline is not None and headline.id in screens[1]
    if not with_config:  # the evidence that would carry DOCKER_HOST's credentials
        assert f"127.0.0.1:{planted.port}" in screens[1]
    for number, svg in enumerate(screens):
        assert_clean(f"SVG screen {number}", svg)


@pytest.mark.parametrize(("text", "secret"), [
    ("ValueError: cannot parse token=hunter2hunter2 in the URL", "hunter2hunter2"),
    ("GET /v2/token?service=registry&api_key=k3yk3yk3y", "k3yk3yk3y"),
    ('password: "correct horse battery"', "correct horse battery"),
    ("Authorization: Bearer eyJhbGciOi.payload.sig", "eyJhbGciOi.payload.sig"),
    ("REGISTRY_PASSWORD=pa55w0rd-x docker login", "pa55w0rd-x"),
    # other cases and spellings of the same secrets
    ("AUTHORIZATION: basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA=="),
    ("Api-Key: 0123456789abcdef", "0123456789abcdef"),
    ("SECRET = s3cr3tv4lu3", "s3cr3tv4lu3"),
    ("Credentials: AKIAEXAMPLEEXAMPLE", "AKIAEXAMPLEEXAMPLE"),
    ("remote: token glpat-abcdefghij0123456789 was revoked", "glpat-abcdefghij0123456789"),
    ("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB\n-----END EC PRIVATE KEY-----", "MHcCAQEEIB"),
])
def test_free_text_loses_the_value_of_a_named_secret(text: str, secret: str):
    """Crash messages and probe errors are free text: a named secret in them is cut out."""
    cleaned = redact_text(text)
    assert secret not in cleaned and "[redacted]" in cleaned


@pytest.mark.parametrize("text", [
    "no basic auth credentials", "DOCKER_TLS_VERIFY=1", "CI_JOB_TOKEN is not set",
    "lookup docker on 10.0.0.2:53: no such host",
])
def test_free_text_without_a_secret_value_is_kept(text: str):
    assert redact_text(text) == text
