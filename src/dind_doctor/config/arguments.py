"""Command-line options naming the static inputs (cheap to import: no parsers loaded)."""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (every run loads this)

if TYPE_CHECKING:
    import argparse

FILES_HELP = """\
Files read (the first one found of each kind):
  .gitlab-ci.yml  --ci-file PATH, else $CI_PROJECT_DIR/.gitlab-ci.yml, else ./.gitlab-ci.yml
  runner config   --helm-values PATH (a Helm chart's runners.config) or --runner-config PATH,
                  else in gitlab-runner's own order: $CONFIG_FILE, then its default for the
                  current user (/etc/gitlab-runner/config.toml as root, else
                  ~/.gitlab-runner/config.toml), then the other of those two"""


def add_file_arguments(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    parser.add_argument("--ci-file", metavar="PATH",
                        help="the .gitlab-ci.yml to check (default: $CI_PROJECT_DIR/"
                             ".gitlab-ci.yml, else ./.gitlab-ci.yml)")
    parser.add_argument("--runner-config", metavar="PATH",
                        help="the runner's config.toml (default: $CONFIG_FILE, else where "
                             "gitlab-runner keeps it: /etc/gitlab-runner/config.toml as root, "
                             "else ~/.gitlab-runner/config.toml)")
    parser.add_argument("--helm-values", metavar="PATH",
                        help="a gitlab-runner Helm chart values.yaml; its runners.config is "
                             "checked as the runner config")
