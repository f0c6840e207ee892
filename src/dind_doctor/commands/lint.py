"""``dind-doctor lint``: the static checks of .gitlab-ci.yml and the runner config, no probing."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import TextIO

from .. import __version__
from ..config.arguments import FILES_HELP, add_file_arguments
from ..facts import EnvFacts, Facts
from .output import EXIT_USAGE, add_output_arguments, add_report_file_arguments, emit_report

# Job variables the static checks may read when running inside a GitLab job.
JOB_ENV_KEYS = ("CI_JOB_NAME", "CI_RUNNER_DESCRIPTION", "CI_PROJECT_DIR", "CI_BUILD_NETWORK_NAME",
                "KUBERNETES_SERVICE_HOST", "DOCKER_HOST", "FF_KUBERNETES_HONOR_ENTRYPOINT")

HELP = f"""\
Check the runner's config.toml (or Helm values) and .gitlab-ci.yml without running anything:
executor, privileged, /certs/client volume, docker.sock mounts, DOCKER_HOST port vs
DOCKER_TLS_CERTDIR, the service alias, Kubernetes variables, image tags, MTU, proxies.
It reports on the files only: no endpoint, nothing about the machine it runs on.

{FILES_HELP}

Exit codes:
  0  nothing failed (with --strict: nothing warned either)
  1  a check failed (with --strict, also when one warned)
  2  usage error: a named file does not exist, no file found, a report file not writable
  3  dind-doctor itself failed

Examples:
  dind-doctor lint                                   # in the repository, on the runner host
  dind-doctor lint --ci-file .gitlab-ci.yml --runner-config config.toml --json
  dind-doctor lint --helm-values values.yaml --strict --junit lint.xml"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``lint``: the files, the output format, the report files."""
    parser.description = HELP
    add_file_arguments(parser)
    add_output_arguments(parser, interactive=False)
    add_report_file_arguments(parser)


def job_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The job variables static checks use; empty outside a GitLab job (a laptop's DOCKER_HOST
    says nothing about the pipeline)."""
    environ = os.environ if environ is None else environ
    if environ.get("GITLAB_CI") != "true":
        return {}
    return {k: environ[k] for k in JOB_ENV_KEYS if k in environ}


def now_utc() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def lint_facts(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> Facts:
    """The files ``args`` name (else found where ``FILES_HELP`` says), parsed into facts."""
    from ..config.collect import collect_config_facts

    env = job_env(environ)
    runner, ci = collect_config_facts(args.ci_file, args.runner_config, args.helm_values,
                                      environ if environ is not None else os.environ)
    return Facts(tool_version=__version__, collected_at=now_utc(), timeout_s=0.0,
                 env=EnvFacts(vars=env), runner_config=runner, ci_file=ci)


def missing_named_files(args: argparse.Namespace) -> list[str]:
    named = [args.ci_file, args.runner_config, args.helm_values]
    return [path for path in named if path and not os.path.isfile(path)]


def run(args: argparse.Namespace, *, stdout: TextIO | None = None,
        stderr: TextIO | None = None) -> int:
    """``dind-doctor lint``: print the report of the file checks; return the exit code."""
    from ..report import lint_report

    err = stderr or sys.stderr
    missing = missing_named_files(args)
    if missing:
        print(f"dind-doctor lint: no such file: {', '.join(missing)}", file=err)
        return EXIT_USAGE
    facts = lint_facts(args)
    if facts.ci_file is None and facts.runner_config is None:
        print("dind-doctor lint: no .gitlab-ci.yml or runner config found; use --ci-file, "
              "--runner-config or --helm-values", file=err)
        return EXIT_USAGE
    return emit_report(args, lint_report(facts), facts, prog="dind-doctor lint",
                       stdout=stdout, stderr=stderr)
