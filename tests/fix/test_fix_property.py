"""Property: on generated CI files (indentation, quoting, comments, service forms), each fix
changes only its keys, keeps every other line, and is idempotent."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dind_doctor.fix.patch import FileText
from dind_doctor.fix.plan import facts_from_sources, plan_fixes
from dind_doctor.fix.yaml_fix import plain_yaml
from dind_doctor.model import Status
from dind_doctor.report import lint_report

from .test_fixes import _flat

FIXES = {"ci-tls-port-mismatch", "dind-alias-missing", "docker-driver-vfs",
         "ci-entrypoint-bypassed"}
ALLOWED = {"DOCKER_HOST", "DOCKER_DRIVER", "alias", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH",
           "variables"}


@st.composite
def ci_files(draw: st.DrawFn) -> str:
    ind = " " * draw(st.sampled_from([2, 4]))
    quote = draw(st.sampled_from(["", "'", '"']))
    comment = draw(st.sampled_from(["", "  # keep me", " #x"]))
    image = draw(st.sampled_from(["docker:29.1.3-dind",
                                  "registry.example.com/m/docker:29.1.3-dind"]))
    mapping = draw(st.booleans())
    job_image = draw(st.sampled_from(["docker:29.1.3-cli", "python:3.12"]))
    service = (f"{ind}{ind}- name: {quote}{image}{quote}{comment}\n" if mapping
               else f"{ind}{ind}- {quote}{image}{quote}{comment}\n")
    port = draw(st.sampled_from(["2375", "2376"]))
    driver = draw(st.sampled_from(["vfs", "overlay2"]))
    extra = draw(st.lists(st.sampled_from(["# a comment\n", "\n", "other:\n"
                                           f"{ind}script: [echo hi]   # unrelated\n"]),
                          max_size=3))
    return ("".join(extra) + "variables:\n"
            f"{ind}DOCKER_HOST: {quote}tcp://docker:{port}{quote}{comment}\n"
            f"{ind}DOCKER_DRIVER: {driver}\n"
            f"build:\n{ind}image: {job_image}\n{ind}services:\n{service}"
            f"{ind}script:\n{ind}{ind}- docker info\n" + "".join(extra))


def _plan(text: str):
    source = FileText(".gitlab-ci.yml", text, "digest")
    facts = facts_from_sources(source, None, helm=False, env={})
    return plan_fixes(lint_report(facts).findings, facts, source, None, only=FIXES)


def _problems(text: str) -> set[str]:
    """The fixable problems lint reports for ``text``: a patch is owed exactly for these."""
    facts = facts_from_sources(FileText(".gitlab-ci.yml", text, "digest"), None, helm=False,
                               env={})
    return {f.id for f in lint_report(facts).findings
            if f.id in FIXES and f.status in (Status.FAIL, Status.WARN)}


@settings(max_examples=120, deadline=3000)
@given(ci_files())
def test_generated_ci_fixes_round_trip(text: str) -> None:
    plan = _plan(text)
    if not _problems(text):
        assert not plan.patches, "a patch for a file lint finds nothing to fix in"
        return
    assert plan.patches, f"lint reports {sorted(_problems(text))} but no patch was planned"
    (patch,) = plan.patches
    old, new = _flat(plain_yaml(text)), _flat(plain_yaml(patch.after))
    changed = {k for k in set(old) | set(new) if old.get(k, "<none>") != new.get(k, "<none>")}
    assert changed and all(ALLOWED & set(k) for k in changed), changed
    kept = patch.after.splitlines()
    lost = [line for line in text.splitlines() if line not in kept]
    assert all(any(key in line for key in ALLOWED) or line.lstrip().startswith("- ")
               for line in lost), lost
    assert not _plan(patch.after).patches  # applying twice changes nothing
    assert not _problems(patch.after), "the patched file still has the problems it fixed"


def test_the_generator_yields_files_that_need_fixing() -> None:
    """The property above is not vacuous: typical generated files do need a patch."""
    text = ("variables:\n  DOCKER_HOST: tcp://docker:2375\n  DOCKER_DRIVER: vfs\n"
            "build:\n  image: docker:29.1.3-cli\n  services:\n    - docker:29.1.3-dind\n"
            "  script:\n    - docker info\n")
    assert {"ci-tls-port-mismatch", "docker-driver-vfs"} <= _problems(text)
    assert _plan(text).patches
