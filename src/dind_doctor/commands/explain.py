"""The ``explain`` sub-command: arguments and run. Heavy imports stay inside :func:`run`."""

from __future__ import annotations

import argparse
import io
import sys
from typing import cast

from .output import add_output_arguments

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
MAX_BYTES = 32 * 1024 * 1024  # GitLab's default job log limit is 4 MiB; leave room

HELP = """\
Read a GitLab job log (a file, or - for stdin) or one pasted error line, and name the
Docker-in-Docker failure modes that explain it, best first, with the lines that matched and
the fix. Understands ANSI colours, collapsible sections, the runner's "Service ... probably
didn't start properly" block (the service's own log sits under it), both Docker CLI wordings
and the resolver in "lookup docker on <ip>:53".

Exit codes: 0 nothing DinD-related (or the job succeeded), 1 a DinD failure explained,
2 usage error (file missing or unreadable).

Examples:
  dind-doctor explain job.log
  glab ci trace 12345 | dind-doctor explain -
  echo 'Cannot connect to the Docker daemon at tcp://docker:2375' | dind-doctor explain
  dind-doctor explain --evaluate tests/data/logs/real   # accuracy on labelled logs"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = HELP
    parser.add_argument("file", nargs="?", default="-", metavar="FILE|-",
                        help="the job log to read (default: - , standard input)")
    parser.add_argument("--evaluate", metavar="DIR",
                        help="instead: explain every labelled log under DIR (<slug>.log with a "
                             "<slug>.json sidecar naming the expected answer) and print the "
                             "accuracy per split, per mode, and the confusion pairs")
    add_output_arguments(parser, strict=False, interactive=False)


def read_input(name: str) -> str:
    """The log text (its last 32 MiB when longer: the end says why the job failed).
    ``OSError`` for an unreadable file; undecodable bytes are replaced.

    ``read1`` returns what one read brought and ``b""`` only at the end of input, so on a
    terminal a single Ctrl-D ends the paste (``read(n)`` would wait for a second one)."""
    stream = cast(io.BufferedReader,
                  sys.stdin.buffer if name == "-" else open(name, "rb"))  # noqa: SIM115
    data = bytearray()
    cut = False
    try:
        while chunk := stream.read1(1024 * 1024):
            data += chunk
            if len(data) > MAX_BYTES:
                del data[:len(data) - MAX_BYTES]
                cut = True
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    if cut:
        print(f"dind-doctor: {name}: longer than {MAX_BYTES // (1024 * 1024)} MiB; "
              "reading only its end", file=sys.stderr)
    return bytes(data).decode("utf-8", errors="replace")


def run(args: argparse.Namespace) -> int:
    from ..explain.analyse import explain_log
    from ..explain.present import explanation_dict, render_explanation
    from ..render.style import use_color

    if getattr(args, "evaluate", None):
        return run_evaluation(args)
    if args.file == "-" and sys.stdin.isatty():
        print("dind-doctor explain: paste the log, then Ctrl-D (or pass a file)",
              file=sys.stderr)
    try:
        text = read_input(args.file)
    except OSError as exc:
        print(f"dind-doctor: cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    expl = explain_log(text)
    if args.json:
        import json

        sys.stdout.write(json.dumps(explanation_dict(expl), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render_explanation(expl, color=use_color(sys.stdout)))
    return expl.exit_code


def run_evaluation(args: argparse.Namespace) -> int:
    """``--evaluate DIR``: the accuracy report; exit 2 when DIR holds no labelled log."""
    from pathlib import Path

    from ..explain.evaluate import evaluate, load_cases, render_scores

    cases = load_cases(Path(args.evaluate)) if Path(args.evaluate).is_dir() else []
    if not cases:
        print(f"dind-doctor: {args.evaluate}: no labelled logs (<slug>.log + <slug>.json)",
              file=sys.stderr)
        return EXIT_USAGE
    scores = evaluate(cases)
    if args.json:
        import json

        sys.stdout.write(json.dumps([s.to_dict() for s in scores], indent=2) + "\n")
    else:
        sys.stdout.write(render_scores(scores, args.evaluate))
    return EXIT_OK
