"""The report files from the command line: written next to --json, and never a secret in them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from dind_doctor.scenarios import SCENARIOS

from .reports import project

SCENARIO_DIR = Path(sys.modules["dind_doctor.scenarios"].__file__ or "").parent


def run(*args: str, cwd: Path, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CI_", "DOCKER_"))}
    return subprocess.run([sys.executable, "-m", "dind_doctor", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=60, check=False,
                          env={**base, "NO_COLOR": "1", **(env or {})})


def test_json_on_stdout_and_three_report_files_in_one_run(tmp_path):
    assert "tls-mismatch-2375" in SCENARIOS
    proc = run("--json", "--replay", str(SCENARIO_DIR / "tls-mismatch-2375.json"),
               "--junit", "junit.xml", "--codequality", "cq.json", "--markdown", "note.md",
               cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    head = report["headline"]["id"]
    ET.parse(tmp_path / "junit.xml")
    assert head in {i["check_name"] for i in json.loads((tmp_path / "cq.json").read_text())}
    assert head in (tmp_path / "note.md").read_text().split("\n\n")[1]


def test_an_unwritable_report_file_is_a_usage_error(tmp_path):
    proc = run("--json", "--replay", str(SCENARIO_DIR / "healthy-tls.json"),
               "--junit", str(tmp_path / "missing-dir" / "junit.xml"), cwd=tmp_path)
    assert proc.returncode == 2
    assert "cannot write" in proc.stderr
    json.loads(proc.stdout)  # the report itself was still printed


def test_canaries_in_env_ci_file_and_runner_config_reach_no_output(tmp_path):
    canaries = {
        "env token": "glrt-CANARYenvtoken0123456789",
        "env password": "CANARYenvpassword42",
        "auth config": "Q0FOQVJZYXV0aDpzZWNyZXQ=",
        "proxy credential": "CANARYproxysecret",
        "ci variable": "CANARYcivariable77",
        "jwt": "eyCANARYjwtheader.payload.signature",
    }
    ci_file, runner_file = project(tmp_path)
    ci_file.write_text(ci_file.read_text().replace(
        "variables:\n", "variables:\n"
        f"  CI_REGISTRY_PASSWORD: {canaries['ci variable']}\n"
        f"  DEPLOY_TOKEN: {canaries['env token']}\n", 1))
    runner_text = runner_file.read_text()
    assert "glrt-CANARYcanary0123456789" in runner_text  # the fixture's runner token
    env = {
        "CI_PROJECT_DIR": str(tmp_path), "GITLAB_CI": "true", "CI_JOB_NAME": "build",
        "DOCKER_HOST": "tcp://127.0.0.1:9",
        "CI_JOB_TOKEN": canaries["env token"],
        "CI_REGISTRY_PASSWORD": canaries["env password"],
        "DOCKER_AUTH_CONFIG": json.dumps({"auths": {"r": {"auth": canaries["auth config"]}}}),
        "HTTPS_PROXY": f"http://user:{canaries['proxy credential']}@proxy.invalid:3128",
        "CI_JOB_JWT_V2": canaries["jwt"],
    }
    out = tmp_path / "out"
    out.mkdir()
    proc = run("--json", "--settle", "0", "--timeout", "3", "--runner-config", str(runner_file),
               "--junit", str(out / "j.xml"), "--codequality", str(out / "cq.json"),
               "--markdown", str(out / "m.md"), "--save-facts", str(out / "facts.json"),
               cwd=tmp_path, env=env)
    assert proc.returncode in (0, 1), proc.stderr
    findings = {f["id"] for f in json.loads(proc.stdout)["findings"]}
    assert {"ci-tls-port-mismatch", "certs-volume-missing"} <= findings  # both files were read
    texts = {"stdout": proc.stdout, "stderr": proc.stderr,
             **{p.name: p.read_text() for p in out.iterdir()}}
    assert set(texts) == {"stdout", "stderr", "j.xml", "cq.json", "m.md", "facts.json"}
    for where, text in texts.items():
        for what, canary in {**canaries, "runner token": "glrt-CANARYcanary0123456789"}.items():
            assert canary not in text, f"{what} leaked into {where}"
