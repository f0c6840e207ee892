"""``dind-doctor lint`` and ``dind-doctor fix``: the static file checks, without probing.

The CLI calls :func:`add_lint_arguments` / :func:`add_fix_arguments` on its sub-parsers and
:func:`run_lint` / :func:`run_fix` with the parsed arguments. Both return the exit code:
0 nothing failed, 1 a check failed (or, for ``fix`` without ``--apply``, a patch is pending),
2 usage error (a named file missing, or changed while fixing), 3 the tool itself failed.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import TextIO

from .. import __version__
from ..facts import EnvFacts, Facts
from ..model import Report
from ..render.outputs import (
    add_output_arguments,
    add_report_file_arguments,
    report_file_status,
)
from ..report import SCHEMA_VERSION
from .arguments import add_file_arguments
from .collect import collect_config_facts

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_TOOL = 0, 1, 2, 3
# Job variables the static checks may read when running inside a GitLab job.
JOB_ENV_KEYS = ("CI_JOB_NAME", "CI_RUNNER_DESCRIPTION", "CI_PROJECT_DIR", "CI_BUILD_NETWORK_NAME",
                "KUBERNETES_SERVICE_HOST", "DOCKER_HOST", "FF_KUBERNETES_HONOR_ENTRYPOINT")

LINT_HELP = """\
Check the runner's config.toml (or Helm values) and .gitlab-ci.yml without running anything:
executor, privileged, /certs/client volume, docker.sock mounts, DOCKER_HOST port vs
DOCKER_TLS_CERTDIR, the service alias, Kubernetes variables, image tags, MTU, proxies.
Files: --ci-file, else $CI_PROJECT_DIR/.gitlab-ci.yml, else ./.gitlab-ci.yml;
--runner-config, else /etc/gitlab-runner/config.toml, ~/.gitlab-runner/config.toml,
$CONFIG_FILE; or --helm-values for a Helm chart's runners.config."""

FIX_HELP = """\
Show the fixes for the lint findings that have a mechanical one, as a unified diff per file
(comments, order, quoting and every untouched line are kept). --apply writes them: atomically,
with a backup next to the file (<file>.dind-doctor.bak), and only if the file did not change
since it was read. Tokens in config.toml are never printed."""


def add_lint_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``lint``: the files, the output format, the report files."""
    add_file_arguments(parser)
    add_output_arguments(parser)
    add_report_file_arguments(parser)


def add_fix_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``fix``: the files, --apply, --only ID, --no-backup."""
    add_file_arguments(parser)
    parser.add_argument("--apply", action="store_true",
                        help="write the patches (default: only show the diffs)")
    parser.add_argument("--only", action="append", metavar="FINDING_ID",
                        help="fix only this finding id (repeatable)")
    parser.add_argument("--no-backup", action="store_true",
                        help="with --apply: do not keep <file>.dind-doctor.bak")


def job_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The job variables static checks use; empty outside a GitLab job (a laptop's DOCKER_HOST
    says nothing about the pipeline)."""
    environ = os.environ if environ is None else environ
    if environ.get("GITLAB_CI") != "true":
        return {}
    return {k: environ[k] for k in JOB_ENV_KEYS if k in environ}


def now_utc() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def static_checks() -> list:  # list[Check]
    """The checks of the runner config and the CI file (importing registers them)."""
    from ..checks import base, cifile, runner

    modules = {cifile.__name__, runner.__name__}
    return [c for c in base.REGISTRY if c.fn.__module__ in modules]


def lint_report(facts: Facts) -> Report:
    """Run only the static checks on ``facts``."""
    from ..checks import base

    findings = base.run_all(facts, static_checks())
    return Report(schema_version=SCHEMA_VERSION, tool_version=__version__,
                  generated_at=facts.collected_at, endpoint=base.Context(facts).endpoint,
                  findings=findings)


def lint_facts(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> Facts:
    env = job_env(environ)
    runner, ci = collect_config_facts(args.ci_file, args.runner_config, args.helm_values,
                                      environ if environ is not None else os.environ)
    return Facts(tool_version=__version__, collected_at=now_utc(), timeout_s=0.0,
                 env=EnvFacts(vars=env), runner_config=runner, ci_file=ci)


def _missing_named_files(args: argparse.Namespace) -> list[str]:
    named = [args.ci_file, args.runner_config, args.helm_values]
    return [path for path in named if path and not os.path.isfile(path)]


def run_lint(args: argparse.Namespace, *, stdout: TextIO | None = None,
             stderr: TextIO | None = None) -> int:
    """``dind-doctor lint``: print the report of the file checks; return the exit code."""
    from ..render.json import render_json
    from ..render.text import render_text

    out, err = stdout or sys.stdout, stderr or sys.stderr
    missing = _missing_named_files(args)
    if missing:
        print(f"dind-doctor lint: no such file: {', '.join(missing)}", file=err)
        return EXIT_USAGE
    facts = lint_facts(args)
    if facts.ci_file is None and facts.runner_config is None:
        print("dind-doctor lint: no .gitlab-ci.yml or runner config found; use --ci-file, "
              "--runner-config or --helm-values", file=err)
        return EXIT_USAGE
    report = lint_report(facts)
    strict = bool(getattr(args, "strict", False))
    if getattr(args, "json", False):
        out.write(render_json(report, strict=strict))
    else:
        out.write(render_text(report))
    if hasattr(args, "junit"):
        failed = report_file_status(args, report, facts, "dind-doctor lint")
        if failed is not None:
            return failed
    return report.exit_code(strict=strict)


def run_fix(args: argparse.Namespace, *, stdout: TextIO | None = None,
            stderr: TextIO | None = None) -> int:
    """``dind-doctor fix``: show (or ``--apply``) the patches; return the exit code."""
    from ..fix.patch import FileChangedError, FixError, apply_patch, read_file
    from ..fix.plan import facts_from_sources, plan_fixes

    out, err = stdout or sys.stdout, stderr or sys.stderr
    missing = _missing_named_files(args)
    if missing:
        print(f"dind-doctor fix: no such file: {', '.join(missing)}", file=err)
        return EXIT_USAGE
    located = lint_facts(args)
    try:
        ci = read_file(located.ci_file.path) if located.ci_file and located.ci_file.found \
            else None
        rc = located.runner_config
        runner = read_file(rc.path) if rc and rc.found else None
    except FixError as exc:
        print(f"dind-doctor fix: {exc}", file=err)
        return EXIT_USAGE
    if ci is None and runner is None:
        print("dind-doctor fix: no .gitlab-ci.yml or runner config found", file=err)
        return EXIT_USAGE
    facts = facts_from_sources(ci, runner, helm=bool(rc and rc.helm), env=located.env.vars,
                               collected_at=located.collected_at)
    report = lint_report(facts)
    plan = plan_fixes(report.findings, facts, ci, runner,
                      only=set(args.only) if args.only else None)
    for note in plan.notes:
        print(f"note: {note}", file=err)
    if not plan.patches:
        print("No mechanical fix to offer.", file=out)
        return EXIT_OK
    for patch in plan.patches:
        out.write("".join(f"# {change}\n" for change in patch.changes))
        out.write(patch.diff())
    if not args.apply:
        print("Dry run: nothing written. Re-run with --apply to write these changes.", file=err)
        return EXIT_FAILED
    for patch in plan.patches:
        try:
            backup = apply_patch(patch, backup=not args.no_backup)
        except FileChangedError as exc:
            print(f"dind-doctor fix: {exc}", file=err)
            return EXIT_USAGE
        except FixError as exc:
            print(f"dind-doctor fix: {exc}", file=err)
            return EXIT_TOOL
        print(f"wrote {patch.path}" + (f" (backup: {backup})" if backup else ""), file=err)
    return EXIT_OK
