"""Read, parse and summarise the config files into facts (the static half of the facts)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from .ci_yaml import parse_ci_yaml
from .filefacts import CiFileFacts, RunnerConfigFacts
from .helm import parse_helm_values
from .locate import find_ci_file, find_runner_config
from .readfile import read_text
from .runner_toml import parse_runner_toml


def load_runner_config(path: str, source: str = "", *, helm: bool = False) -> RunnerConfigFacts:
    """Parse one runner ``config.toml`` (or Helm ``values.yaml`` with ``helm=True``)."""
    facts = RunnerConfigFacts(path=path, source=source, helm=helm)
    read = read_text(path)
    facts.found, facts.size, facts.error = read.found, read.size, read.error
    if read.error is None:
        (parse_helm_values if helm else parse_runner_toml)(read.text, facts)
    return facts


def load_ci_file(path: str, source: str = "") -> CiFileFacts:
    """Parse one ``.gitlab-ci.yml``."""
    facts = CiFileFacts(path=path, source=source)
    read = read_text(path)
    facts.found, facts.size, facts.error = read.found, read.size, read.error
    if read.error is None:
        parse_ci_yaml(read.text, facts)
    return facts


def collect_config_facts(ci_file: str | None, runner_config: str | None,
                         helm_values: str | None, env: Mapping[str, str] | None = None,
                         *, search: bool = True,
                         ) -> tuple[RunnerConfigFacts | None, CiFileFacts | None]:
    """Find and parse the runner config and the CI file.

    Explicit paths are always reported (a missing one becomes an error fact). Without them
    the default locations are searched (``search=False`` turns that off); nothing found
    gives ``None``.
    """
    env = os.environ if env is None else env
    runner: RunnerConfigFacts | None = None
    if helm_values:
        runner = load_runner_config(helm_values, "--helm-values", helm=True)
    else:
        path, why = (runner_config, "--runner-config") if runner_config or not search \
            else find_runner_config(None, env)
        if path:
            runner = load_runner_config(path, why)
    ci: CiFileFacts | None = None
    path, why = (ci_file, "--ci-file") if ci_file or not search else find_ci_file(None, env)
    if path:
        ci = load_ci_file(path, why)
    return runner, ci
