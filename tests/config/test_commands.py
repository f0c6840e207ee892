"""lint/fix as the CLI runs them: outputs, exit codes, and the canary token never printed."""

from __future__ import annotations

import argparse
import io
import json
import shutil
from pathlib import Path

from dind_doctor.commands import fix, lint
from dind_doctor.commands.lint import job_env

from .helpers import CANARY, DATA, ci, runner


def _run(command: str, argv: list[str]) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser()
    (lint if command == "lint" else fix).add_arguments(parser)
    out, err = io.StringIO(), io.StringIO()
    code = (lint if command == "lint" else fix).run(parser.parse_args(argv), stdout=out,
                                                        stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_lint_json_and_exit_codes() -> None:
    code, out, _ = _run("lint", ["--ci-file", ci("tls-2375.yml"), "--json"])
    data = json.loads(out)
    assert code == 1 and data["headline"]["id"] == "ci-tls-port-mismatch"
    assert {f["id"] for f in data["findings"]} >= {"ci-file-invalid", "docker-driver-vfs"}
    code, out, _ = _run("lint", ["--ci-file", ci("tls-ok.yml"), "--runner-config",
                                 runner("docker-ok.toml")])
    assert code == 0 and "DOCKER_HOST port vs dind TLS" in out  # the check's title, listed ok
    code, _, _ = _run("lint", ["--ci-file", ci("tls-2375.yml"), "--strict"])
    assert code == 1
    code, _, _ = _run("lint", ["--ci-file", ci("floating.yml")])
    assert code == 2  # a named file that does not exist is a usage error


def test_lint_searches_default_locations(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CI_PROJECT_DIR", raising=False)
    monkeypatch.delenv("CONFIG_FILE", raising=False)
    monkeypatch.setattr("dind_doctor.config.locate.RUNNER_CONFIG_PATHS", ())
    code, _, err = _run("lint", [])
    assert code == 2 and "no .gitlab-ci.yml" in err
    shutil.copyfile(DATA / "ci" / "tls-2375.yml", tmp_path / ".gitlab-ci.yml")
    code, out, _ = _run("lint", ["--json"])
    assert code == 1 and json.loads(out)["headline"]["id"] == "ci-tls-port-mismatch"


def test_canary_token_never_printed(tmp_path: Path) -> None:
    features = tmp_path / ".gitlab-ci.yml"
    for name in ("docker-unprivileged.toml", "docker-misc.toml", "broken.toml",
                 "helm-values.yaml"):
        flag = "--helm-values" if name.endswith(".yaml") else "--runner-config"
        path = tmp_path / name
        shutil.copyfile(DATA / "runner" / name, path)
        for command, extra in (("lint", ["--json"]), ("lint", []), ("fix", []),
                               ("fix", ["--apply"])):
            shutil.copyfile(DATA / "ci" / "features.yml", features)
            _, out, err = _run(command, [flag, str(path), "--ci-file", str(features), *extra])
            assert CANARY not in out + err, (name, command)
    _, out, err = _run("lint", ["--ci-file", ci("broken.yml")])
    assert CANARY not in out + err


def test_fix_dry_run_then_apply(tmp_path: Path) -> None:
    path = tmp_path / ".gitlab-ci.yml"
    shutil.copyfile(DATA / "ci" / "tls-2375.yml", path)
    before = path.read_bytes()
    code, out, err = _run("fix", ["--ci-file", str(path)])
    assert code == 1 and out.startswith("# ci-tls-port-mismatch") and "--apply" in err
    assert "-  DOCKER_HOST: tcp://docker:2375   # the old way" in out
    assert "+  DOCKER_HOST: tcp://docker:2376   # the old way" in out
    assert path.read_bytes() == before
    code, _, err = _run("fix", ["--ci-file", str(path), "--apply"])
    assert code == 0 and "backup" in err
    assert Path(str(path) + ".dind-doctor.bak").read_bytes() == before
    code, out, _ = _run("fix", ["--ci-file", str(path)])
    assert code == 0 and "No mechanical fix" in out


def test_job_env_is_empty_outside_ci() -> None:
    assert job_env({"DOCKER_HOST": "tcp://laptop:2375"}) == {}
    assert job_env({"GITLAB_CI": "true", "CI_JOB_NAME": "b", "HOME": "/x"}) == {"CI_JOB_NAME": "b"}


def test_lint_json_matches_the_report_schema() -> None:
    jsonschema = __import__("jsonschema")
    from dind_doctor.render.json import load_schema

    for name in ("tls-2375.yml", "features.yml", "broken.yml", "k8s.yml"):
        _, out, _ = _run("lint", ["--ci-file", ci(name), "--runner-config",
                                  runner("docker-misc.toml"), "--json"])
        jsonschema.validate(json.loads(out), load_schema())


def test_lint_reports_on_the_files_only(monkeypatch) -> None:
    """No endpoint derived from the machine running lint, no word about a job image."""
    monkeypatch.setenv("DOCKER_HOST", "tcp://laptop.example:2376")
    for name in ("tls-2375.yml", "alias-ok.yml"):
        code, out, _ = _run("lint", ["--ci-file", ci(name), "--runner-config",
                                     runner("docker-misc.toml"), "--json"])
        data = json.loads(out)
        assert data["schema"] == "dind-doctor/report"
        assert data["endpoint"] is None
        assert "job image" not in out and "laptop" not in out
        assert data["exit_code"] == code
    _, text, _ = _run("lint", ["--ci-file", ci("alias-ok.yml")])
    assert "Endpoint" not in text and "every link answered" not in text


def test_lint_reads_config_file_before_the_users_default(tmp_path: Path, monkeypatch) -> None:
    named = tmp_path / "named.toml"
    shutil.copyfile(DATA / "runner" / "docker-misc.toml", named)
    default = tmp_path / "home" / ".gitlab-runner" / "config.toml"
    default.parent.mkdir(parents=True)
    shutil.copyfile(DATA / "runner" / "broken.toml", default)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CONFIG_FILE", str(named))
    monkeypatch.chdir(tmp_path)
    _, out, _ = _run("lint", ["--json"])
    (readable,) = [f for f in json.loads(out)["findings"] if f["id"] == "runner-config-invalid"]
    assert {"label": "file", "value": str(named)} in readable["evidence"]
    assert readable["status"] == "ok"  # not the broken file in the user's default place
