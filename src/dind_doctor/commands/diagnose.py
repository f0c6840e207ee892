"""The default command: probe the live chain (or ``--replay`` saved facts) and report."""

from __future__ import annotations

import sys

from ..argtypes import MAX_TIMEOUT, seconds_up_to
from ..config.arguments import add_file_arguments
from ..facts import Facts, FactsFormatError
from .output import (
    EXIT_USAGE,
    add_output_arguments,
    add_report_file_arguments,
    emit_report,
    save_facts,
    wants_report_files,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (every run loads this)

if TYPE_CHECKING:
    import argparse

    from ..probes.engine import ConfigFiles

DEFAULT_TIMEOUT = 8.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of the diagnosis (the top-level parser's own)."""
    add_output_arguments(parser)
    parser.add_argument("--timeout", type=seconds_up_to(MAX_TIMEOUT), default=DEFAULT_TIMEOUT,
                        metavar="SECONDS",
                        help=f"global deadline for all probes (default: {DEFAULT_TIMEOUT:g}, "
                             f"at most {MAX_TIMEOUT:g})")
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


def config_files(args: argparse.Namespace) -> ConfigFiles:
    """The --ci-file / --runner-config / --helm-values of ``args``, for the probe engine."""
    from ..probes.engine import ConfigFiles

    return ConfigFiles(args.ci_file, args.runner_config, args.helm_values)


def _load_or_collect(args: argparse.Namespace) -> Facts:
    if args.replay:
        return Facts.load(args.replay)
    from ..probes.engine import collect

    progress = None
    if not args.quiet:
        from ..render.progress import ProgressLine

        progress = ProgressLine(sys.stderr, timeout=args.timeout)
    try:
        return collect(args.timeout, progress, settle=max(0.0, args.settle), alias=args.alias,
                       config_files=config_files(args))
    finally:
        if progress is not None:
            progress.close()


def _interactive(args: argparse.Namespace) -> bool:
    return not (args.json or args.text) and sys.stdout.isatty() and sys.stdin.isatty()


def run(args: argparse.Namespace) -> int:
    """Diagnose; return the exit code."""
    from ..report import build_report

    if _interactive(args) and not wants_report_files(args):
        code = _run_tui(args)
        if code is not None:
            return code
    try:
        facts = _load_or_collect(args)
    except FactsFormatError as exc:
        print(f"dind-doctor: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.save_facts and not save_facts(facts, args.save_facts):
        return EXIT_USAGE
    return emit_report(args, build_report(facts), facts)


def _run_tui(args: argparse.Namespace) -> int | None:
    """Open the interactive app; ``None`` means: fall back to the text report."""
    try:
        from ..tui import run_app
    except Exception:
        return None
    try:
        return run_app(args)
    except Exception as exc:
        print(f"dind-doctor: interactive view unavailable ({type(exc).__name__}: {exc}); "
              "showing the text report", file=sys.stderr)
        return None
