"""Command line: read the arguments (:mod:`.quickargs` for the everyday lines, else
:mod:`.parser`), start the slowest probe, hand them to the command (:mod:`dind_doctor.commands`),
exit."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Sequence

from .commands import SUBCOMMANDS
from .quickargs import quick_args

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (every run loads this)

if TYPE_CHECKING:
    import argparse
    from typing import Any


def _diagnoses_live(argv: Sequence[str]) -> bool:
    """Whether ``argv`` asks for the default command's live diagnosis (no sub-command, no
    replay, help or version); a wrong guess costs one ``docker version`` run."""
    commands = {sub.name for sub in SUBCOMMANDS}
    return not any(arg in commands or arg in ("-h", "--help")
                   or arg.startswith(("--rep", "--ve", "--he=", "--hel=")) for arg in argv)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args: Any = quick_args(argv)  # the everyday lines, without argparse
    if args is not None or _diagnoses_live(argv):
        from .probes import prestart

        prestart.begin()  # the slowest probe runs while the rest of the tool loads
    if args is None:
        from .parser import build_parser

        args = build_parser(argv).parse_args(argv)
    from .commands import diagnose
    from .commands.output import EXIT_OK, EXIT_TOOL

    handler: Callable[[argparse.Namespace], int] = getattr(args, "handler", diagnose.run)
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
            import traceback

            traceback.print_exc()
        else:
            print("dind-doctor: set DIND_DOCTOR_DEBUG=1 for details; please report this.",
                  file=sys.stderr)
        return EXIT_TOOL


def run() -> None:
    """The console entry point (and ``python -m dind_doctor``): :func:`main`, then exit at
    once. The interpreter's teardown (collecting every module and object, about 10 ms) buys
    nothing here: the output is flushed, files are closed, and a probe abandoned at the
    deadline must not hold the exit up."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        # a closed pipe or stream: nothing more to say there
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)
