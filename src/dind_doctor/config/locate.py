"""Where the runner config and the CI file are, when no option names them.

The runner config is looked for in gitlab-runner's own order: ``$CONFIG_FILE`` (what
``gitlab-runner --config`` defaults to), then its default for the current user:
``/etc/gitlab-runner/config.toml`` as root, else ``~/.gitlab-runner/config.toml``. The other
default comes last, so a user reading the config of a runner service running as root finds it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

RUNNER_CONFIG_PATHS = ("/etc/gitlab-runner/config.toml", "~/.gitlab-runner/config.toml")
"""gitlab-runner's default config file as root, then as any other user."""
CI_FILE_NAME = ".gitlab-ci.yml"


def runner_config_candidates(env: Mapping[str, str], *, uid: int | None = None,
                             ) -> list[tuple[str, str]]:
    """(path, why) pairs in the order they are tried (``~`` not expanded)."""
    uid = os.getuid() if uid is None else uid
    candidates = [(env["CONFIG_FILE"], "$CONFIG_FILE")] if env.get("CONFIG_FILE") else []
    defaults = list(RUNNER_CONFIG_PATHS)
    if uid != 0:
        defaults.reverse()
    return candidates + [(path, path) for path in defaults]


def find_runner_config(explicit: str | None, env: Mapping[str, str], home: str | None = None,
                       *, uid: int | None = None) -> tuple[str | None, str]:
    """(path, why) of the runner config; path None when none of the candidates exists."""
    if explicit:
        return explicit, "--runner-config"
    candidates = runner_config_candidates(env, uid=uid)
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
