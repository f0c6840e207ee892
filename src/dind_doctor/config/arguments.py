"""Command-line options naming the static inputs (cheap to import: no parsers loaded)."""

from __future__ import annotations

import argparse


def add_file_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ci-file", metavar="PATH",
                        help="the .gitlab-ci.yml to check (default: $CI_PROJECT_DIR/"
                             ".gitlab-ci.yml, else ./.gitlab-ci.yml)")
    parser.add_argument("--runner-config", metavar="PATH",
                        help="the runner's config.toml (default: /etc/gitlab-runner/config.toml,"
                             " ~/.gitlab-runner/config.toml, $CONFIG_FILE)")
    parser.add_argument("--helm-values", metavar="PATH",
                        help="a gitlab-runner Helm chart values.yaml; its runners.config is "
                             "checked as the runner config")
