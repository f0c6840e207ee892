"""Every fix: only the intended keys change (compared on the parsed documents), every other
line stays byte-identical, comments survive, the finding goes away, and a second run changes
nothing. Plus the write path: atomic, backed up, permissions kept, refused if the file moved."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest
import tomlkit

from dind_doctor.config.helm import runner_config_text
from dind_doctor.fix.patch import FileChangedError, apply_patch, read_file
from dind_doctor.fix.plan import FixPlan, facts_from_sources, plan_fixes
from dind_doctor.fix.yaml_fix import plain_yaml
from dind_doctor.report import lint_report

from ..config.helpers import CANARY, DATA

# (finding ids fixed, CI fixture, runner fixture, env, keys allowed to change per file kind)
CASES: list[tuple[set[str], str | None, str | None, dict[str, str], set[str]]] = [
    ({"privileged-missing", "certs-volume-missing"}, "tls-ok.yml", "docker-unprivileged.toml",
     {}, {"privileged", "volumes"}),
    ({"privileged-missing"}, "registry-prefixed.yml", "docker-allowlist.toml", {},
     {"allowed_privileged_services", "alias"}),
    ({"privileged-missing", "certs-volume-missing"}, "k8s.yml", "k8s-missing.toml", {},
     {"privileged", "volumes", "empty_dir", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH",
      "HEALTHCHECK_TCP_PORT", "variables"}),
    ({"privileged-missing", "certs-volume-missing"}, "tls-ok.yml", "crlf.toml", {},
     {"privileged", "volumes"}),
    ({"privileged-missing", "certs-volume-missing"}, "tls-ok.yml", "helm-values.yaml", {},
     {"privileged", "volumes", "empty_dir"}),
    ({"ci-tls-port-mismatch", "docker-driver-vfs"}, "tls-2375.yml", None, {},
     {"DOCKER_HOST", "DOCKER_DRIVER"}),
    ({"ci-tls-port-mismatch"}, "plain-2376.yml", None, {}, {"DOCKER_HOST"}),
    ({"dind-alias-missing"}, "registry-prefixed.yml", None, {}, {"alias"}),
    ({"ci-k8s-tls-vars"}, "k8s.yml", None, {"KUBERNETES_SERVICE_HOST": "10.0.0.1"},
     {"DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "HEALTHCHECK_TCP_PORT", "variables"}),
    ({"ci-entrypoint-bypassed"}, "entrypoint-empty.yml", None, {},
     {"DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "variables"}),
    ({"ci-entrypoint-bypassed"}, "python-image.yml", None, {},
     {"DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "variables"}),
    ({"dind-mtu-flag-missing"}, "mtu.yml", "docker-tuned.toml", {}, {"command"}),
]


def _copy(tmp_path: Path, ci_name: str | None, runner_name: str | None) -> tuple[str | None,
                                                                                 str | None]:
    ci = runner = None
    if ci_name:
        ci = str(tmp_path / ".gitlab-ci.yml")
        shutil.copyfile(DATA / "ci" / ci_name, ci)
    if runner_name:
        runner = str(tmp_path / runner_name)
        shutil.copyfile(DATA / "runner" / runner_name, runner)
    return ci, runner


def _plan(ci: str | None, runner: str | None, env: dict[str, str],
          only: set[str] | None = None) -> FixPlan:
    ci_text = read_file(ci) if ci else None
    rc_text = read_file(runner) if runner else None
    facts = facts_from_sources(ci_text, rc_text, helm=bool(runner and runner.endswith(".yaml")),
                               env=env)
    return plan_fixes(lint_report(facts).findings, facts, ci_text, rc_text, only=only)


def _parsed(path: str, text: str) -> Any:
    if path.endswith(".toml"):
        return tomlkit.parse(text).unwrap()
    if path.endswith("values.yaml"):
        found = runner_config_text(text)
        assert found is not None
        return tomlkit.parse(found[0]).unwrap()
    return plain_yaml(text)


def _flat(value: Any, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    if isinstance(value, dict):
        out: dict[tuple[str, ...], Any] = {}
        for key, item in value.items():
            out.update(_flat(item, (*prefix, str(key))))
        return out or {prefix: {}}
    if isinstance(value, list):
        out = {}
        for index, item in enumerate(value):
            out.update(_flat(item, (*prefix, str(index))))
        return out or {prefix: []}
    return {prefix: value}


@pytest.mark.parametrize(("fixed", "ci_name", "runner_name", "env", "allowed"), CASES,
                         ids=[f"{'+'.join(sorted(c[0]))}-{c[1]}-{c[2]}" for c in CASES])
def test_fix_round_trip(tmp_path: Path, fixed: set[str], ci_name: str | None,
                        runner_name: str | None, env: dict[str, str], allowed: set[str]) -> None:
    ci, runner = _copy(tmp_path, ci_name, runner_name)
    plan = _plan(ci, runner, env, only=fixed)
    assert plan.patches, f"no patch; notes: {plan.notes}"
    done = {change.split(":")[0] for p in plan.patches for change in p.changes}
    assert done == fixed
    for patch in plan.patches:
        before, after = patch.source.text, patch.after
        # 1. only the intended keys change in the parsed documents
        old, new = _flat(_parsed(patch.path, before)), _flat(_parsed(patch.path, after))
        changed = {k for k in set(old) | set(new) if old.get(k, "<none>") != new.get(k, "<none>")}
        assert changed, "the patch changes nothing"
        stray = [k for k in changed if not allowed & set(k)]
        assert not stray, f"unintended changes: {stray}"
        # 2. every original line survives byte for byte, except the few edited ones
        new_lines = after.splitlines(keepends=True)
        lost = [line for line in before.splitlines(keepends=True) if line not in new_lines]
        assert len(lost) <= 2 * len(patch.changes), lost
        assert all(any(key in line for key in allowed) or line.lstrip().startswith("- ")
                   for line in lost), lost
        # 3. comments survive
        comments = [line for line in before.splitlines() if line.lstrip().startswith("#")]
        assert all(c in after.splitlines() for c in comments)
        # 4. the diff shows it, without secrets
        diff = patch.diff()
        assert diff.startswith("--- a/") and CANARY not in diff
    for patch in plan.patches:
        apply_patch(patch)
        raw = Path(patch.path).read_bytes()
        assert (b"\r\n" in raw) == patch.source.crlf
    # 5. the findings are gone and a second run offers nothing more
    again = _plan(ci, runner, env, only=fixed)
    assert not again.patches, [p.diff() for p in again.patches]
    ci_text = read_file(ci) if ci else None
    rc_text = read_file(runner) if runner else None
    report = lint_report(facts_from_sources(ci_text, rc_text, env=env,
                                            helm=bool(runner and runner.endswith(".yaml"))))
    still = [f.id for f in report.findings if f.id in fixed and f.status.value in ("fail", "warn")]
    assert not still


def test_apply_is_atomic_keeps_mode_and_backup(tmp_path: Path) -> None:
    ci, runner = _copy(tmp_path, "tls-ok.yml", "docker-unprivileged.toml")
    assert runner is not None
    os.chmod(runner, 0o600)
    original = Path(runner).read_bytes()
    (patch,) = [p for p in _plan(ci, runner, {}).patches if p.path == runner]
    backup = apply_patch(patch)
    assert backup is not None and Path(backup).read_bytes() == original
    assert stat.S_IMODE(os.stat(runner).st_mode) == 0o600
    assert b"privileged = true" in Path(runner).read_bytes()
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".dind-doctor-")]


def test_apply_refuses_when_the_file_changed(tmp_path: Path) -> None:
    ci, runner = _copy(tmp_path, "tls-ok.yml", "docker-unprivileged.toml")
    assert runner is not None
    (patch,) = [p for p in _plan(ci, runner, {}).patches if p.path == runner]
    with open(runner, "a", encoding="utf-8") as handle:
        handle.write("# edited by someone else\n")
    edited = Path(runner).read_bytes()
    with pytest.raises(FileChangedError):
        apply_patch(patch)
    assert Path(runner).read_bytes() == edited


def test_diff_redacts_tokens_next_to_the_change(tmp_path: Path) -> None:
    runner = tmp_path / "config.toml"
    runner.write_text('[[runners]]\n  name = "dind"\n  token = "glrt-CANARYcanary0123456789"\n'
                      '  executor = "docker"\n  [runners.docker]\n    privileged = false\n',
                      encoding="utf-8")
    (patch,) = _plan(None, str(runner), {}).patches
    diff = patch.diff()
    assert "token = [redacted]" in diff and CANARY not in diff
    assert CANARY in patch.after  # the file itself keeps its token


def test_no_fix_when_values_come_from_a_variable(tmp_path: Path) -> None:
    ci = tmp_path / ".gitlab-ci.yml"
    ci.write_text("variables:\n  PORT: '2375'\n  DOCKER_HOST: tcp://docker:$PORT\n"
                  "b:\n  image: docker:29.1.3-cli\n  services: [docker:29.1.3-dind]\n"
                  "  script: [docker info]\n", encoding="utf-8")
    plan = _plan(str(ci), None, {}, only={"ci-tls-port-mismatch"})
    assert not plan.patches and any("variable" in n for n in plan.notes)
