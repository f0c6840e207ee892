"""Command line: parse arguments, run the engine, hand the report to a renderer, exit."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from . import __version__
from .argtypes import seconds_up_to
from .config.arguments import add_file_arguments
from .facts import Facts, FactsFormatError
from .render.outputs import (
    add_output_arguments,
    add_report_file_arguments,
    report_file_status,
    wants_report_files,
)

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_TOOL = 0, 1, 2, 3
MAX_TIMEOUT = 120.0

DESCRIPTION = """\
Find the first broken link in a GitLab CI Docker-in-Docker (DinD) setup, and say how to fix it.

Run it inside the failing job (its debug shell, or a script line before your build). It follows
the chain a DinD job depends on:
  job environment -> Docker endpoint (DOCKER_HOST, or what the docker image's entrypoint
  derives) -> the service name (`docker`) -> TCP ports 2375/2376 -> TLS or plain HTTP ->
  certificates in DOCKER_CERT_PATH -> Docker API (/_ping, /version, /info) -> daemon health
  (storage driver, MTU, API versions) -> tools (docker compose)
and reports each check as ok / info / warn / fail / skip / error.
"""

EPILOG = """\
What it touches:
  Read-only. It reads environment variables, /etc/hosts, /etc/resolv.conf, the client
  certificate files and /sys/class/net; opens TCP connections to the Docker endpoint host
  (its port, 2375 and 2376), asks its DNS servers for that name, calls the Docker API's
  read-only endpoints, and runs `docker version` / `docker-compose version`. Secrets
  (tokens, passwords, keys, auth configs) are never printed or saved.

Output:
  On a terminal: an interactive view (use --text for the plain report).
  Otherwise, or with --text: a readable report. --json: one JSON object on stdout
  (schema shipped in the package: dind_doctor/schema/report.schema.json).
  Progress goes to stderr. NO_COLOR turns colours off.

Exit codes:
  0  nothing failed            2  usage error (bad option, unreadable --replay file)
  1  a check failed            3  dind-doctor itself failed
  (with --strict, warnings also give 1)

Examples:
  dind-doctor                          # in the job's debug shell
  dind-doctor --json > dind.json       # in CI; gate on the exit code
  dind-doctor --save-facts facts.json  # keep the observations as a CI artifact
  dind-doctor --replay facts.json      # analyse them later, on a laptop
"""


@dataclass(frozen=True)
class Subcommand:
    """A sub-command living in its own module: ``add_arguments`` fills its parser and
    ``run(args) -> exit code`` does the work. Modules keep heavy imports inside ``run``."""

    name: str
    module: str
    help: str
    add_arguments: str = "add_arguments"
    run: str = "run"


SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand("lint", "dind_doctor.config.commands",
               "check .gitlab-ci.yml and the runner's config.toml without probing",
               "add_lint_arguments", "run_lint"),
    Subcommand("fix", "dind_doctor.config.commands",
               "show (or --apply) comment-preserving fixes for those files",
               "add_fix_arguments", "run_fix"),
    Subcommand("wait", "dind_doctor.wait",
               "wait until the Docker daemon answers; on timeout print the diagnosis"),
    Subcommand("demo", "dind_doctor.demo",
               "replay a bundled DinD scenario (interactive view or text); --list"),
    Subcommand("explain", "dind_doctor.explain.command",
               "read a job log (FILE or -) and name the DinD failure mode that explains it"),
)


def _attach_subcommands(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> None:
    """Only the sub-command named in ``argv`` is imported: the others cost nothing."""
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND",
                                       title="commands (default: diagnose the live chain)")
    named = set(argv) if argv is not None else None
    for sub in SUBCOMMANDS:
        sub_parser = subparsers.add_parser(
            sub.name, help=sub.help, description=sub.help,
            formatter_class=argparse.RawDescriptionHelpFormatter)
        if named is not None and sub.name not in named:
            continue
        module = importlib.import_module(sub.module)
        getattr(module, sub.add_arguments)(sub_parser)
        runner: Callable[[argparse.Namespace], int] = getattr(module, sub.run)
        sub_parser.set_defaults(handler=runner)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The full parser; with ``argv``, only the sub-command it names is loaded."""
    parser = argparse.ArgumentParser(
        prog="dind-doctor", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"dind-doctor {__version__}")
    _attach_subcommands(parser, argv)
    add_output_arguments(parser)
    parser.add_argument("--timeout", type=seconds_up_to(MAX_TIMEOUT), default=8.0,
                        metavar="SECONDS",
                        help="global deadline for all probes (default: 8)")
    parser.add_argument("--settle", type=float, default=2.0, metavar="SECONDS",
                        help="how long a refused daemon port is re-tried, to catch a daemon "
                             "that is still starting (default: 2; 0 disables)")
    parser.add_argument("--alias", default="docker", metavar="NAME",
                        help="service name to look for when DOCKER_HOST is not a tcp:// "
                             "endpoint (default: docker)")
    parser.add_argument("--save-facts", metavar="FILE",
                        help="write what the probes observed (redacted) to FILE")
    parser.add_argument("--replay", metavar="FILE",
                        help="run the checks on facts saved with --save-facts; no probing")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    add_report_file_arguments(parser)
    files = parser.add_argument_group(
        "static inputs (joined with what the probes see; found by default in a job)")
    add_file_arguments(files)
    return parser


def _load_or_collect(args: argparse.Namespace) -> Facts:
    if args.replay:
        return Facts.load(args.replay)
    from .probes.engine import ConfigFiles, collect
    from .render.progress import ProgressLine

    progress = None if args.quiet else ProgressLine(sys.stderr, timeout=args.timeout)
    try:
        return asyncio.run(collect(args.timeout, progress, settle=max(0.0, args.settle),
                                   alias=args.alias,
                                   config_files=ConfigFiles(args.ci_file, args.runner_config,
                                                            args.helm_values)))
    finally:
        if progress is not None:
            progress.close()


def _interactive(args: argparse.Namespace) -> bool:
    return not (args.json or args.text) and sys.stdout.isatty() and sys.stdin.isatty()


def run_diagnose(args: argparse.Namespace) -> int:
    from .render.style import use_color
    from .render.text import render_text
    from .report import build_report

    if _interactive(args) and not wants_report_files(args):
        code = _run_tui(args)
        if code is not None:
            return code
    try:
        facts = _load_or_collect(args)
    except FactsFormatError as exc:
        print(f"dind-doctor: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.save_facts:
        try:
            facts.save(args.save_facts)
        except OSError as exc:
            print(f"dind-doctor: cannot write {args.save_facts}: {exc.strerror}",
                  file=sys.stderr)
            return EXIT_USAGE
    report = build_report(facts)
    if args.json:
        from .render.json import render_json

        sys.stdout.write(render_json(report, strict=args.strict))
    else:
        sys.stdout.write(render_text(report, color=use_color(sys.stdout)))
    return report_file_status(args, report, facts) or report.exit_code(strict=args.strict)


def _run_tui(args: argparse.Namespace) -> int | None:
    """Open the interactive app; ``None`` means: fall back to the text report."""
    try:
        from .tui import run_app
    except Exception:
        return None
    try:
        return run_app(args)
    except Exception as exc:
        print(f"dind-doctor: interactive view unavailable ({type(exc).__name__}: {exc}); "
              "showing the text report", file=sys.stderr)
        return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = getattr(args, "handler", run_diagnose)
    try:
        return handler(args)
    except KeyboardInterrupt:
        print("dind-doctor: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        print(f"dind-doctor: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        if os.environ.get("DIND_DOCTOR_DEBUG"):
            traceback.print_exc()
        else:
            print("dind-doctor: set DIND_DOCTOR_DEBUG=1 for details; please report this.",
                  file=sys.stderr)
        return EXIT_TOOL
