"""Extract the runner ``config.toml`` from a Helm chart ``values.yaml`` (``runners.config``)."""

from __future__ import annotations

from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from .ci_yaml import load_quietly, yaml_error
from .filefacts import RunnerConfigFacts, RunnerDecl
from .runner_toml import parse_runner_toml


def parse_helm_values(text: str, facts: RunnerConfigFacts) -> None:
    """Fill ``facts`` from ``runners.config`` (or the chart's legacy ``runners.*`` keys)."""
    facts.helm = True
    try:
        root = load_quietly(YAML(typ="rt"), text)
    except (YAMLError, RecursionError) as exc:
        facts.error, facts.error_line = yaml_error(exc)
        return
    except (ValueError, TypeError) as exc:
        facts.error = f"not analysed: {type(exc).__name__}"
        return
    runners = _find_runners(root)
    if runners is None:
        facts.error = "no `runners:` mapping in the Helm values"
        return
    config = runners.get("config")
    if isinstance(config, str):
        facts.line_offset = _content_offset(runners)
        parse_runner_toml(config, facts, default_executor="kubernetes")
        tags = runners.get("tags")
        if isinstance(tags, str) and tags.strip():  # the chart's runners.tags: "a,b"
            for runner in facts.runners:
                runner.tags = runner.tags or [t.strip() for t in tags.split(",") if t.strip()]
        return
    if config is not None:
        facts.error = "`runners.config` must be a string holding config.toml"
        return
    legacy = RunnerDecl(name="helm runners", index=0, executor="kubernetes")
    privileged = runners.get("privileged")
    legacy.privileged = privileged if isinstance(privileged, bool) else None
    facts.notes.append("no `runners.config`: read the chart's legacy `runners.privileged`")
    facts.runners.append(legacy)


def runner_config_text(text: str) -> tuple[str, int] | None:
    """The ``runners.config`` TOML of a values file and its line offset, if there is one."""
    try:
        runners = _find_runners(load_quietly(YAML(typ="rt"), text))
    except (YAMLError, RecursionError, ValueError, TypeError):
        return None
    if runners is None or not isinstance(runners.get("config"), str):
        return None
    return str(runners["config"]), _content_offset(runners)


def _find_runners(root: Any) -> CommentedMap | None:
    """``runners:`` at the top, or one level down (an umbrella chart's ``gitlab-runner:``)."""
    if not isinstance(root, CommentedMap):
        return None
    if isinstance(root.get("runners"), CommentedMap):
        return root["runners"]
    for value in root.values():
        if isinstance(value, CommentedMap) and isinstance(value.get("runners"), CommentedMap):
            return value["runners"]
    return None


def _content_offset(runners: CommentedMap) -> int:
    """Lines to add to a TOML line number to get its line in values.yaml."""
    try:
        line, _ = runners.lc.value("config")
    except (KeyError, TypeError, AttributeError):
        return 0
    return line + 1  # block scalar: the TOML starts on the line after "config: |"
