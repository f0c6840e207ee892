"""``dind-doctor wait``: block until the Docker daemon answers, or say why it does not.

Polling is :mod:`dind_doctor.wait`. When the deadline passes, the full diagnosis runs and its
report (the first broken link and its fix) goes to stdout; the exit code is then 1.
"""

from __future__ import annotations

import argparse
import sys

from ..argtypes import MAX_TIMEOUT, seconds_up_to
from .output import EXIT_FAILED, EXIT_OK, add_output_arguments, emit_report, save_facts

DEFAULT_TIMEOUT = 60.0
DIAGNOSIS_TIMEOUT = 8.0

HELP = """\
Wait until the Docker daemon of the job answers /_ping over the effective endpoint (the same
DOCKER_HOST / TLS derivation as the diagnosis, re-done on every poll), polling with backoff.
Exit 0 as soon as it answers. If --timeout passes first, run the full diagnosis, print the
report (the first broken link and its fix) and exit 1. Handles dind's ~15 s delay before a
plain-TCP port opens and client certificates that appear after the job started.

Exit codes: 0 ready, 1 not ready (diagnosis printed; also when the daemon answered during
the diagnosis but it warned or failed, with --strict), 2 usage error."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = HELP
    parser.add_argument("--timeout", type=seconds_up_to(MAX_TIMEOUT), default=DEFAULT_TIMEOUT,
                        metavar="SECONDS",
                        help=f"how long to wait for the daemon (default: {DEFAULT_TIMEOUT:g}, "
                             f"at most {MAX_TIMEOUT:g})")
    parser.add_argument("--alias", default="docker", metavar="NAME",
                        help="service name the diagnosis looks for (default: docker)")
    parser.add_argument("--save-facts", metavar="FILE",
                        help="when the wait fails, also write the diagnosis's observations "
                             "(redacted) to FILE")
    add_output_arguments(parser, interactive=False)
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")


def run(args: argparse.Namespace) -> int:
    """Wait; on timeout diagnose. Returns the exit code."""
    from ..wait import WaitProgress, wait_for_daemon

    progress = None if args.quiet else WaitProgress(sys.stderr, args.timeout)
    result = wait_for_daemon(args.timeout, on_attempt=progress)
    if result.ready:
        if progress is not None:
            progress.finish(f"dind-doctor: the Docker daemon answered at "
                            f"{result.attempts[-1].endpoint} after {result.elapsed:.1f} s "
                            f"({len(result.attempts)} attempt"
                            f"{'s' if len(result.attempts) != 1 else ''})")
        return EXIT_OK
    if progress is not None:
        why = (f"cannot wait: {result.gave_up}" if result.gave_up else
               f"no answer from the Docker daemon within {args.timeout:g} s "
               f"({len(result.attempts)} attempts)")
        progress.finish(f"dind-doctor: {why}; diagnosing…")
    return _diagnose(args)


def _diagnose(args: argparse.Namespace) -> int:
    from ..probes.engine import collect
    from ..report import build_report

    facts = collect(DIAGNOSIS_TIMEOUT, None, alias=args.alias)
    if args.save_facts:
        save_facts(facts, args.save_facts)  # the wait's verdict stands without the file
    report = build_report(facts)
    ready = facts.api is not None and facts.api.ping_ok
    if not ready:
        code = EXIT_FAILED
    else:
        if not args.quiet:
            print("dind-doctor: the daemon answered during the diagnosis, just after the "
                  "deadline: ready", file=sys.stderr)
        code = report.exit_code(strict=True) if args.strict else EXIT_OK
    return emit_report(args, report, facts, exit_code=code)
