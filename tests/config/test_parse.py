"""What the parsers extract: anchors, extends, default, inherit, !reference, include, services,
line numbers, Helm offsets; and errors as messages, never tracebacks or quoted text."""

from __future__ import annotations

import pytest

from dind_doctor.config.ci_yaml import parse_ci_yaml
from dind_doctor.config.collect import load_ci_file, load_runner_config
from dind_doctor.config.filefacts import CiFileFacts, RunnerConfigFacts
from dind_doctor.config.images import parse_image, service_hostnames
from dind_doctor.config.locate import find_ci_file, find_runner_config
from dind_doctor.config.runner_toml import parse_runner_toml
from dind_doctor.facts import Facts

from .helpers import CANARY, ci, facts_for, runner


def job(facts: CiFileFacts, name: str):
    return next(j for j in facts.jobs if j.name == name)


def test_extends_anchor_merge_and_default() -> None:
    facts = load_ci_file(ci("features.yml"))
    build = job(facts, "build")
    assert build.image is not None and build.image.name == "docker:29.1.3-cli"  # default:
    (svc,) = build.services  # from .base <<: *dind
    assert svc.name == "docker:29.1.3-dind" and svc.alias == "docker"
    assert svc.command == ["--registry-mirror", "https://mirror.example.com"]
    assert svc.variables == {"HEALTHCHECK_TCP_PORT": "2376"}
    assert build.variables["OWN"] == "from build"  # job wins over extends
    assert build.variables["DOCKER_HOST"] == "tcp://docker:2376"  # merged from .base
    assert build.variables["DOCKER_TLS_CERTDIR"] == "/certs"  # global
    assert build.variable_lines["DOCKER_HOST"] == 30
    assert build.uses_docker  # default before_script and the !reference'd script
    assert build.line == 33 and svc.line == 17


def test_an_anchor_defined_twice_is_read_as_yaml_says_and_quietly(recwarn) -> None:
    """YAML lets an anchor be defined again; each alias takes the nearest one above it."""
    text = (".svc: &dind\n  - docker:24-dind\nfirst:\n  services: *dind\n  script: [docker info]\n"
            ".svc2: &dind\n  - name: docker:29-dind\n    alias: docker\nsecond:\n"
            "  services: *dind\n  script: [docker info]\n")
    facts = CiFileFacts(path=".gitlab-ci.yml")
    parse_ci_yaml(text, facts)
    assert facts.error is None and facts.notes == []
    assert [s.name for s in job(facts, "first").services] == ["docker:24-dind"]
    assert [s.name for s in job(facts, "second").services] == ["docker:29-dind"]
    assert [str(w.message) for w in recwarn] == []  # a warning would be printed on stderr


def test_inherit_and_unresolved_parts_are_reported() -> None:
    facts = load_ci_file(ci("features.yml"))
    lint = job(facts, "lint")
    assert lint.image is not None and lint.image.name == "python:3.12"
    assert set(lint.variables) == {"DOCKER_TLS_CERTDIR"}
    assert not lint.uses_docker  # inherit: default: false drops the docker before_script
    deploy = job(facts, "deploy")
    assert any(".not-here" in u for u in deploy.unresolved)
    assert any(".missing" in u for u in facts.unresolved)
    assert facts.includes == ["local: /ci/common.yml", "project: group/templates file: docker.yml"]


def test_secret_variables_are_redacted_in_facts() -> None:
    facts = load_ci_file(ci("features.yml"))
    assert CANARY not in Facts("t", "t", 0, ci_file=facts).dumps()
    assert facts.variables["API_TOKEN"] == "[redacted]"


@pytest.mark.parametrize(("image", "hostnames"), [
    ("docker:24.0.5-dind", ["docker"]),
    ("registry.example.com:4999/group/docker:dind",
     ["registry.example.com__group__docker", "registry.example.com-group-docker"]),
    ("registry.hub.docker.com/library/docker:24.0.5-dind",
     ["registry.hub.docker.com__library__docker", "registry.hub.docker.com-library-docker"]),
    ("docker@sha256:0123", ["docker"]),
])
def test_service_hostnames_follow_the_runner(image: str, hostnames: list[str]) -> None:
    assert service_hostnames(image) == hostnames


def test_image_tags() -> None:
    assert parse_image("docker:dind").floating and parse_image("docker").floating
    assert parse_image("docker:24-dind").floating  # major only
    assert not parse_image("docker:24.0.5-dind").floating
    assert parse_image("docker:24.0.5-dind").version == (24, 0)
    assert parse_image("$CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX/docker:20.10").is_docker_image
    assert not parse_image("python:3.12").is_docker_image


def test_service_string_and_flow_forms() -> None:
    facts = CiFileFacts(path="x.yml", found=True)
    parse_ci_yaml('j:\n  services: [ "docker:19-dind", {name: redis, alias: cache} ]\n'
                  "  script: [docker ps]\n", facts)
    (j,) = facts.jobs
    assert [s.name for s in j.services] == ["docker:19-dind", "redis"]
    assert j.services[0].string_form and j.services[0].is_dind
    assert j.services[1].hostnames == ["redis", "cache"]


@pytest.mark.parametrize("text", [
    "a: [1, 2\n", "- just\n- a list\n", "a: &x [*x]\nb: *x\n", "x: !!binary 'not base64'\n",
    "\t bad: indent\n", "a:\n  - b\n c: d\n",
])
def test_bad_yaml_is_an_error_not_a_crash(text: str) -> None:
    facts = CiFileFacts(path="x.yml", found=True)
    parse_ci_yaml(text, facts)  # must not raise
    assert facts.error is not None or facts.jobs or facts.notes is not None


def test_yaml_error_does_not_quote_the_file() -> None:
    facts = load_ci_file(ci("broken.yml"))
    assert facts.error is not None and facts.error_line is not None
    assert CANARY not in facts.error


def test_billion_laughs_stops() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1},"
              f" *a{i-1}, *a{i-1}, *a{i-1}]" for i in range(1, 9)]
    facts = CiFileFacts(path="x.yml", found=True)
    parse_ci_yaml("\n".join(lines) + "\n", facts)
    assert facts.error is not None and "nodes" in facts.error


def test_runner_toml_lines_and_no_token() -> None:
    facts = load_runner_config(runner("docker-unprivileged.toml"))
    (r,) = facts.runners
    assert r.name == "fresh" and r.executor == "docker" and r.privileged is False
    assert r.key_lines["docker.privileged"] == 12
    assert [v.target for v in r.volumes] == ["/cache"]
    assert CANARY not in Facts("t", "t", 0, runner_config=facts).dumps()


def test_runner_environment_redacted_and_types_checked() -> None:
    facts = RunnerConfigFacts(path="c.toml", found=True)
    parse_runner_toml('[[runners]]\n executor = "docker"\n environment = ["A_TOKEN=s3cr3t", '
                      '"DOCKER_HOST=tcp://docker:2375"]\n [runners.docker]\n privileged = "yes"\n'
                      ' network_mtu = "1400"\n', facts)
    (r,) = facts.runners
    assert r.environment == {"A_TOKEN": "[redacted]", "DOCKER_HOST": "tcp://docker:2375"}
    assert r.privileged is None and len(facts.notes) == 2


def test_toml_error_has_line_and_no_text() -> None:
    facts = load_runner_config(runner("broken.toml"))
    assert facts.error is not None and facts.error_line == 4
    assert CANARY not in facts.error


def test_helm_values_line_offsets_and_default_executor() -> None:
    facts = load_runner_config(runner("helm-values.yaml"), helm=True)
    (r,) = facts.runners
    assert r.executor == "kubernetes" and r.privileged is None
    assert r.line == 8 and r.key_lines["kubernetes.namespace"] == 10


def test_locate_order(tmp_path, monkeypatch) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / ".gitlab-ci.yml").write_text("a: 1\n")
    assert find_ci_file(None, {"CI_PROJECT_DIR": str(project)}, cwd=str(tmp_path)) == (
        str(project / ".gitlab-ci.yml"), "$CI_PROJECT_DIR/.gitlab-ci.yml")
    assert find_ci_file(None, {}, cwd=str(tmp_path))[0] is None
    assert find_ci_file("x.yml", {})[1] == "--ci-file"


def test_runner_config_is_found_in_gitlab_runners_order(tmp_path, monkeypatch) -> None:
    """gitlab-runner reads $CONFIG_FILE, else /etc/gitlab-runner/config.toml as root and
    ~/.gitlab-runner/config.toml as any other user (commands/config.go, config_unix.go)."""
    system = tmp_path / "etc" / "config.toml"
    user = tmp_path / "home" / ".gitlab-runner" / "config.toml"
    named = tmp_path / "named.toml"
    for path in (system, user, named):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("concurrent = 1\n")
    monkeypatch.setattr("dind_doctor.config.locate.RUNNER_CONFIG_PATHS",
                        (str(system), "~/.gitlab-runner/config.toml"))
    home = str(tmp_path / "home")
    env = {"CONFIG_FILE": str(named)}
    for uid in (0, 1000):
        assert find_runner_config(None, env, home=home, uid=uid) == (str(named), "$CONFIG_FILE")
    assert find_runner_config(None, {}, home=home, uid=0)[0] == str(system)
    assert find_runner_config(None, {}, home=home, uid=1000)[0] == str(user)
    user.unlink()  # a user reading the config of a runner service running as root
    assert find_runner_config(None, {}, home=home, uid=1000)[0] == str(system)
    named.unlink()  # a $CONFIG_FILE that does not exist: the defaults still apply
    assert find_runner_config(None, env, home=home, uid=0)[0] == str(system)
    system.unlink()
    path, why = find_runner_config(None, env, home=home, uid=1000)
    assert path is None and why.startswith(f"not found ({named}, ~/.gitlab-runner")
    assert find_runner_config("x.toml", env)[1] == "--runner-config"


def test_file_facts_replay_through_json() -> None:
    facts = facts_for("features.yml", "docker-misc.toml")
    again = Facts.from_dict(facts.to_dict())
    assert again == facts
    assert again.ci_file is not None and again.ci_file.jobs[0].services[0].name


def test_unreadable_inputs_become_errors(tmp_path) -> None:
    binary = tmp_path / "bin.yml"
    binary.write_bytes(b"\x00\x01\xff")
    big = tmp_path / "big.yml"
    big.write_bytes(b"a: 1\n" * 600_000)
    for path in (binary, big, tmp_path):
        facts = load_ci_file(str(path))
        assert facts.error
