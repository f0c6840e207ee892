"""The CI template and its README, as the tests read them."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
TEMPLATE = TEMPLATES / "dind-doctor.gitlab-ci.yml"
COMPONENT = TEMPLATES / "dind-doctor.yml"  # the same, as a CI/CD component with inputs
README = TEMPLATES.parent / "README.md"  # the template is documented in the main README
JOB = ".dind-doctor"


def load_template() -> dict[str, Any]:
    return YAML(typ="safe").load(TEMPLATE.read_text(encoding="utf-8"))


def script_lines(section: str) -> list[str]:
    return list(load_template()[JOB][section])


def dind_doctor_commands(lines: list[str]) -> list[list[str]]:
    """Every ``dind-doctor ...`` command in script ``lines``, as argv after the program name
    (lists split at ``&&``, ``||`` and ``;``; redirections dropped; the wait timeout filled in)."""
    commands = []
    for line in lines:
        line = line.replace('"$DIND_DOCTOR_WAIT_TIMEOUT"', "60")
        for part in re.split(r"&&|\|\||;", line):
            words = shlex.split(part.split(">", 1)[0].strip().removeprefix("then "))
            if words[:1] == ["dind-doctor"]:
                commands.append(words[1:])
    return commands


def assert_lints_clean(pipeline_text: str, workdir: Path) -> None:
    """``dind-doctor lint --json`` on ``pipeline_text`` (as ``.gitlab-ci.yml`` in ``workdir``)
    finds nothing failed or broken and exits 0."""
    pipeline = workdir / ".gitlab-ci.yml"
    pipeline.write_text(pipeline_text, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "dind_doctor", "lint", "--json",
                           "--ci-file", str(pipeline)],
                          capture_output=True, text=True, timeout=60, check=False)
    report = json.loads(proc.stdout)
    failed = [f["id"] for f in report["findings"] if f["status"] in ("fail", "error")]
    assert failed == [], proc.stdout
    assert proc.returncode == 0


def readme_block(marker: str) -> str:
    """The fenced code block right after ``<!-- marker -->`` in the README."""
    text = README.read_text(encoding="utf-8")
    found = re.search(rf"<!-- {re.escape(marker)} -->\n```\w*\n(.*?)```", text, re.DOTALL)
    assert found, f"no block after <!-- {marker} --> in {README.name}"
    return found.group(1)


def render_component(inputs: dict[str, Any] | None = None) -> dict[str, Any]:
    """The component's configuration as GitLab merges it for these ``inputs:``."""
    from .gitlab_inputs import render

    return render(COMPONENT.read_text(encoding="utf-8"), inputs)


def readme_examples() -> dict[str, str]:
    text = README.read_text(encoding="utf-8")
    return dict(re.findall(r"<!-- example: ([\w-]+) -->\n```yaml\n(.*?)```", text, re.DOTALL))


def as_local_pipeline(example: str) -> str:
    """The example with its ``include:`` replaced by the template's text (what GitLab merges)."""
    body = re.sub(r"^include:\n(?:  - .*\n)+", "", example, flags=re.MULTILINE)
    return TEMPLATE.read_text(encoding="utf-8") + "\n" + body
