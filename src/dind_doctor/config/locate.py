"""Where the runner config and the CI file are, in the order the issue documents."""

from __future__ import annotations

import os
from collections.abc import Mapping

RUNNER_CONFIG_PATHS = ("/etc/gitlab-runner/config.toml", "~/.gitlab-runner/config.toml")
CI_FILE_NAME = ".gitlab-ci.yml"


def find_runner_config(explicit: str | None, env: Mapping[str, str],
                       home: str | None = None) -> tuple[str | None, str]:
    """(path, why) of the runner config; path None when none of the candidates exists."""
    if explicit:
        return explicit, "--runner-config"
    candidates = [(p, p) for p in RUNNER_CONFIG_PATHS]
    if env.get("CONFIG_FILE"):
        candidates.append((env["CONFIG_FILE"], "$CONFIG_FILE"))
    for path, why in candidates:
        full = path.replace("~", home or os.path.expanduser("~"), 1) if path.startswith("~") \
            else path
        if os.path.isfile(full):
            return full, why
    return None, "not found (" + ", ".join(p for p, _ in candidates) + ")"


def find_ci_file(explicit: str | None, env: Mapping[str, str],
                 cwd: str | None = None) -> tuple[str | None, str]:
    """(path, why) of the CI file; path None when there is none."""
    if explicit:
        return explicit, "--ci-file"
    if env.get("CI_PROJECT_DIR"):
        path = os.path.join(env["CI_PROJECT_DIR"], CI_FILE_NAME)
        if os.path.isfile(path):
            return path, "$CI_PROJECT_DIR/.gitlab-ci.yml"
    path = os.path.join(cwd or os.getcwd(), CI_FILE_NAME)
    if os.path.isfile(path):
        return path, "./.gitlab-ci.yml"
    return None, "not found ($CI_PROJECT_DIR/.gitlab-ci.yml, ./.gitlab-ci.yml)"
