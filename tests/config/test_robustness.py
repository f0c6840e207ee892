"""lint and fix over real public files and fuzzed input: no exception, no hang, clear errors."""

from __future__ import annotations

import argparse
import io
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dind_doctor.commands import fix, lint
from dind_doctor.config.ci_yaml import parse_ci_yaml
from dind_doctor.config.filefacts import CiFileFacts, RunnerConfigFacts
from dind_doctor.config.helm import parse_helm_values
from dind_doctor.config.runner_toml import parse_runner_toml
from dind_doctor.facts import Facts
from dind_doctor.model import Status
from dind_doctor.report import lint_report

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
CORPUS_FILES = sorted(p for p in CORPUS.glob("*/*") if p.is_file()) if CORPUS.is_dir() else []
PER_FILE_SECONDS = 5.0


def _args(parser_setup, argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser_setup(parser)
    return parser.parse_args(argv)


def _flag(path: Path) -> str:
    return {"gitlab-ci": "--ci-file", "runner-config": "--runner-config",
            "helm-values": "--helm-values"}[path.parent.name]


@pytest.mark.skipif(not CORPUS_FILES, reason="no shared corpus next to the repository")
@pytest.mark.parametrize("path", CORPUS_FILES, ids=[p.name for p in CORPUS_FILES])
def test_lint_and_fix_on_the_corpus(path: Path, tmp_path: Path) -> None:
    copy = tmp_path / path.name
    copy.write_bytes(path.read_bytes())
    for setup, run, extra in ((lint.add_arguments, lint.run, ["--json"]),
                              (fix.add_arguments, fix.run, [])):
        out, err = io.StringIO(), io.StringIO()
        started = time.monotonic()
        code = run(_args(setup, [_flag(path), str(copy), *extra]), stdout=out, stderr=err)
        assert time.monotonic() - started < PER_FILE_SECONDS
        assert code in (0, 1), err.getvalue()
        assert "Traceback" not in out.getvalue() + err.getvalue()
    assert copy.read_bytes() == path.read_bytes()  # fix without --apply writes nothing


@pytest.mark.skipif(not CORPUS_FILES, reason="no shared corpus next to the repository")
def test_corpus_findings_have_no_check_errors() -> None:
    for path in CORPUS_FILES:
        flag = _flag(path)
        facts = Facts("t", "t", 0.0)
        if flag == "--ci-file":
            facts.ci_file = CiFileFacts(path=str(path), found=True)
            parse_ci_yaml(path.read_text(encoding="utf-8"), facts.ci_file)
        else:
            facts.runner_config = RunnerConfigFacts(path=str(path), found=True)
            parse = parse_helm_values if flag == "--helm-values" else parse_runner_toml
            parse(path.read_text(encoding="utf-8"), facts.runner_config)
        errors = [f for f in lint_report(facts).findings if f.status is Status.ERROR]
        assert not errors, (path.name, [(f.id, f.summary) for f in errors])


def _checks_survive(facts: Facts) -> None:
    report = lint_report(facts)
    assert not [f for f in report.findings if f.status is Status.ERROR]


YAML_BITS = st.sampled_from([
    "services:", "  - docker:dind", "  - name: docker:24-dind", "    alias: docker",
    "variables:", "  DOCKER_HOST: tcp://docker:2375", "  DOCKER_TLS_CERTDIR: ''", "image:",
    "  entrypoint: ['']", "job:", "  extends: .t", ".t: &t", "  <<: *t", "  script: [docker info]",
    "include: x.yml", "  - !reference [.t, script]", "default:", "  image: docker", "- [",
    "{", "'", "&a", "*a", "? x", ": y", "\t", "  command: [dockerd]", "  services: 3",
    "  variables: [1]", "inherit: {variables: false}",
])
TOML_BITS = st.sampled_from([
    "[[runners]]", "executor = \"docker\"", "executor = \"kubernetes\"", "[runners.docker]",
    "privileged = true", "privileged = \"no\"", "volumes = [\"/certs/client\"]", "volumes = 3",
    "[[runners.kubernetes.volumes.empty_dir]]", "mount_path = \"/certs/client\"",
    "[runners.kubernetes]", "runners = 1", "network_mtu = \"x\"", "environment = [1, 2]",
    "wait_for_services_timeout = -1", "[", "= =", "token = \"glrt-x\"", "\"", "a.b.c = 1",
    "[runners.feature_flags]", "FF_NETWORK_PER_BUILD = 1", "services = [{name = 1}]",
])


@settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(YAML_BITS, max_size=25), st.text(max_size=40))
def test_fuzz_ci_yaml(lines: list[str], noise: str) -> None:
    facts = Facts("t", "t", 0.0, ci_file=CiFileFacts(path="f.yml", found=True))
    assert facts.ci_file is not None
    parse_ci_yaml("\n".join(lines) + "\n" + noise, facts.ci_file)
    _checks_survive(facts)
    Facts.from_dict(facts.to_dict())


@settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TOML_BITS, max_size=25), st.text(max_size=40))
def test_fuzz_runner_toml(lines: list[str], noise: str) -> None:
    facts = Facts("t", "t", 0.0, runner_config=RunnerConfigFacts(path="c.toml", found=True))
    assert facts.runner_config is not None
    parse_runner_toml("\n".join(lines) + "\n" + noise, facts.runner_config)
    _checks_survive(facts)


@settings(max_examples=60, deadline=2000)
@given(st.text(max_size=300))
def test_fuzz_helm_values(text: str) -> None:
    facts = RunnerConfigFacts(path="values.yaml", found=True)
    parse_helm_values("runners:\n  config: |\n    " + text.replace("\n", "\n    "), facts)
    assert facts.error is not None or isinstance(facts.runners, list)


def test_huge_and_deep_inputs_are_bounded() -> None:
    deep = CiFileFacts(path="d.yml", found=True)
    parse_ci_yaml("a: " + "[" * 5000 + "]" * 5000 + "\n", deep)
    assert deep.error is not None
    many = CiFileFacts(path="m.yml", found=True)
    started = time.monotonic()
    parse_ci_yaml("".join(f"job{i}:\n  services: [docker:dind]\n  script: [docker info]\n"
                          for i in range(3000)), many)
    facts = Facts("t", "t", 0.0, ci_file=many)
    lint_report(facts)
    assert time.monotonic() - started < 20
    deep_toml = RunnerConfigFacts(path="d.toml", found=True)
    parse_runner_toml("a = " + "[" * 3000 + "]" * 3000 + "\n", deep_toml)
    assert deep_toml.error is not None or deep_toml.runners == []
