"""The CI/CD component: its inputs, what GitLab renders from them, and its README examples."""

from __future__ import annotations

import re

import pytest
from ruamel.yaml import YAML

from dind_doctor.parser import build_parser

from . import gitlab_inputs
from .gitlab_inputs import InputError, dump
from .template import (
    COMPONENT,
    README,
    assert_lints_clean,
    dind_doctor_commands,
    render_component,
    script_lines,
)

INPUTS = {"stage", "wait_timeout", "package", "fail_job", "image", "dind_image"}


def header_inputs() -> dict:
    return gitlab_inputs.split(COMPONENT.read_text(encoding="utf-8"))[0]["inputs"]


def job(inputs: dict | None = None) -> dict:
    config = render_component(inputs)
    assert list(config) == ["dind-doctor"]
    return config["dind-doctor"]


def test_every_input_is_documented_and_optional():
    inputs = header_inputs()
    assert set(inputs) == INPUTS
    for name, spec in inputs.items():
        assert spec.get("description"), name
        assert "default" in spec, name  # `include: component:` works without any inputs
    assert inputs["wait_timeout"]["type"] == "number"
    assert inputs["fail_job"]["type"] == "boolean"


def test_the_defaults_render_a_failing_job_with_a_60_second_wait_and_kept_artifacts():
    rendered = job()
    assert rendered["stage"] == "test"
    assert rendered["image"] == "docker:29-cli"
    assert rendered["services"] == [{"name": "docker:29-dind", "alias": "docker"}]
    assert rendered["variables"]["DIND_DOCTOR_PACKAGE"] == "dind-doctor"
    assert "dind-doctor wait --timeout 60 " in rendered["script"][0]
    assert rendered["script"][1] == 'if [ "true" = true ]; then exit "$status"; fi'
    assert rendered["artifacts"]["when"] == "always"
    assert rendered["artifacts"]["reports"] == {"junit": "dind-doctor/junit.xml"}


def test_inputs_land_where_they_belong():
    rendered = job({"stage": "preflight", "wait_timeout": 120, "fail_job": False,
                    "package": "dind-doctor==0.1.0", "image": "python:3.12"})
    assert rendered["stage"] == "preflight"
    assert rendered["image"] == "python:3.12"
    assert rendered["variables"]["DIND_DOCTOR_PACKAGE"] == "dind-doctor==0.1.0"
    assert "--timeout 120 " in rendered["script"][0]
    assert rendered["script"][1].startswith('if [ "false" = true ]')
    assert "$[[" not in dump(rendered)


@pytest.mark.parametrize(("inputs", "message"), [
    ({"wait_timeout": "soon"}, "not a number"),
    ({"fail_job": "yes"}, "not a boolean"),
    ({"fail_job": 1}, "not a boolean"),
    ({"timeout": 30}, "unknown input arguments: timeout"),
])
def test_gitlab_refuses_bad_inputs(inputs, message):
    with pytest.raises(InputError, match=message):
        render_component(inputs)


def test_interpolation_keeps_the_type_of_a_whole_value_and_text_inside_a_string():
    text = ("spec:\n  inputs:\n    on:\n      type: boolean\n    n:\n      type: number\n"
            "    who:\n---\n"
            "job:\n  allow_failure: $[[ inputs.on ]]\n  parallel: $[[ inputs.n ]]\n"
            "  script: echo $[[ inputs.who ]] $[[inputs.n]] $[[ inputs.on ]]\n")
    rendered = gitlab_inputs.render(text, {"on": True, "n": 2, "who": "me"})
    assert rendered == {"job": {"allow_failure": True, "parallel": 2,
                                "script": "echo me 2 true"}}
    with pytest.raises(InputError, match="required value has not been provided"):
        gitlab_inputs.render(text, {"on": True, "n": 2})
    with pytest.raises(InputError, match="unknown interpolation key"):
        gitlab_inputs.render(text.replace("inputs.who", "inputs.whom"), {"on": True, "n": 2,
                                                                         "who": "me"})


def test_install_and_report_lines_are_the_plain_templates():
    rendered = job()
    assert rendered["before_script"] == script_lines("before_script")[:2]
    assert rendered["after_script"] == script_lines("after_script")


def test_every_dind_doctor_command_in_the_component_parses(capsys):
    rendered = job()
    commands = dind_doctor_commands(
        rendered["before_script"] + rendered["script"] + rendered["after_script"])
    assert [c[0] for c in commands] == ["wait", "--text", "--replay"]
    for argv in commands:
        build_parser().parse_args(argv)
    assert capsys.readouterr().err == ""


def test_the_rendered_component_lints_without_failures(tmp_path):
    assert_lints_clean(dump(render_component()), tmp_path)


def component_examples() -> list[dict]:
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"<!-- component-example -->\n```yaml\n(.*?)```", text, re.DOTALL)
    assert blocks, "no <!-- component-example --> block in the README"
    return [YAML(typ="safe").load(block) for block in blocks]


def test_the_readme_component_includes_pass_gitlab_validation():
    for example in component_examples():
        for include in example["include"]:
            if "component" in include:
                assert include["component"].endswith("/dind-doctor@0.1.0")
            else:
                assert include["local"] == "templates/dind-doctor.yml"
            render_component(include.get("inputs"))
