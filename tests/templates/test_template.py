"""The template parses, is documented line for line, and only uses options the CLI has."""

from __future__ import annotations

import pytest
from ruamel.yaml import YAML

from dind_doctor.parser import build_parser

from .template import (
    JOB,
    as_local_pipeline,
    assert_lints_clean,
    dind_doctor_commands,
    load_template,
    readme_block,
    readme_examples,
    script_lines,
)


def test_the_template_is_one_hidden_job_with_artifacts_kept_on_failure():
    data = load_template()
    assert list(data) == [JOB]
    job = data[JOB]
    assert "script" not in job  # the extending job brings its own
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["paths"] == ["dind-doctor/"]
    assert job["artifacts"]["reports"] == {"junit": "dind-doctor/junit.xml"}
    assert "--junit dind-doctor/junit.xml" in " ".join(job["after_script"])
    assert set(job["variables"]) == {"DIND_DOCTOR_WAIT_TIMEOUT", "DIND_DOCTOR_PACKAGE"}
    assert all(isinstance(v, str) for v in job["variables"].values())


@pytest.mark.parametrize("section", ["before_script", "after_script"])
def test_the_readme_quotes_the_script_lines_exactly(section):
    assert readme_block(section).splitlines() == script_lines(section)


def test_every_dind_doctor_command_in_the_template_parses(capsys):
    commands = dind_doctor_commands(script_lines("before_script") + script_lines("after_script"))
    assert [c[0] for c in commands] == ["wait", "--text", "--replay"]
    parser = build_parser()
    for argv in commands:
        parser.parse_args(argv)  # SystemExit (usage error) fails the test
    assert capsys.readouterr().err == ""


def test_the_installer_covers_docker_cli_and_python_images():
    install = script_lines("before_script")[0]
    assert install.startswith("command -v dind-doctor >/dev/null 2>&1 ||")
    assert "apk add --no-cache python3 py3-pip" in install
    assert 'pip install --break-system-packages "$DIND_DOCTOR_PACKAGE"' in install


@pytest.mark.parametrize("name", ["docker", "python", "kubernetes"])
def test_the_readme_examples_extend_the_template_and_lint_without_failures(name, tmp_path):
    example = readme_examples()[name]
    jobs = {k: v for k, v in YAML(typ="safe").load(example).items() if k != "include"}
    assert [job["extends"] for job in jobs.values()] == [JOB]
    assert_lints_clean(as_local_pipeline(example), tmp_path)


def test_the_kubernetes_example_sets_what_the_entrypoint_would():
    variables = YAML(typ="safe").load(readme_examples()["kubernetes"])["build"]["variables"]
    assert variables["DOCKER_HOST"] == "tcp://docker:2376"
    assert variables["DOCKER_TLS_VERIFY"] == "1"
    assert variables["DOCKER_CERT_PATH"].endswith("/client")
