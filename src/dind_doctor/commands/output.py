"""What every reporting command shares: the output options (--json/--text/--strict, the report
files for GitLab) and the one tail "report -> JSON or text, report files, exit code"."""

from __future__ import annotations

import sys
from collections.abc import Callable

from ..facts import Facts
from ..model import Report

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (every run loads this)

if TYPE_CHECKING:
    import argparse
    from typing import TextIO

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_TOOL = 0, 1, 2, 3


def add_output_arguments(parser: argparse.ArgumentParser, *, strict: bool = True,
                         interactive: bool = True) -> None:
    """--json | --text, and --strict where warnings can fail the command.

    ``interactive``: the command opens the interactive view on a terminal, which --text
    turns off; without one, --text is simply the default output.
    """
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true",
                     help="print one JSON object on stdout and nothing else")
    out.add_argument("--text", action="store_true",
                     help="print the text report even on a terminal (no interactive view)"
                     if interactive else "print the readable text report (the default)")
    if strict:
        parser.add_argument("--strict", action="store_true",
                            help="treat warnings as failures (exit code 1)")


def add_report_file_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("report files for GitLab (combinable with --json)")
    group.add_argument("--junit", metavar="FILE",
                       help="also write JUnit XML, one test case per check "
                            "(artifacts:reports:junit)")
    group.add_argument("--codequality", metavar="FILE",
                       help="also write a Code Quality report (artifacts:reports:codequality)")
    group.add_argument("--markdown", metavar="FILE",
                       help="also write Markdown for an issue or merge-request comment")


def wants_report_files(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "junit", None) or getattr(args, "codequality", None)
                or getattr(args, "markdown", None))


def write_report_files(args: argparse.Namespace, report: Report, facts: Facts) -> str | None:
    """Write the requested files; the error message when one cannot be written."""
    if not wants_report_files(args):
        return None
    from ..render.codequality import ci_path_for, render_codequality
    from ..render.junit import render_junit
    from ..render.markdown import render_markdown

    ci_path = ci_path_for(facts)
    strict = bool(getattr(args, "strict", False))
    outputs: list[tuple[str | None, Callable[[], str]]] = [
        (args.junit, lambda: render_junit(report, strict=strict, ci_path=ci_path)),
        (args.codequality, lambda: render_codequality(report, ci_path=ci_path)),
        (args.markdown, lambda: render_markdown(report, ci_path=ci_path)),
    ]
    for path, render in outputs:
        if not path:
            continue
        try:
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(render())
        except OSError as exc:
            return f"cannot write {path}: {exc.strerror}"
    return None


def save_facts(facts: Facts, path: str) -> bool:
    """``--save-facts``: write the facts to ``path``; say why on stderr when that fails."""
    try:
        facts.save(path)
    except OSError as exc:
        print(f"dind-doctor: cannot write {path}: {exc.strerror}", file=sys.stderr)
        return False
    return True


def emit_report(args: argparse.Namespace, report: Report, facts: Facts, *,
                prog: str = "dind-doctor", exit_code: int | None = None, header: str = "",
                stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Print ``report`` as JSON (``--json``) or text, write the requested report files, and
    return the exit code: ``exit_code`` when the command decides it, else the report's
    (``--strict``: warnings fail too); 2 when a report file cannot be written.

    The JSON ``exit_code`` is the one returned, except for that usage error. ``header`` is
    printed above the text report only.
    """
    out, err = stdout or sys.stdout, stderr or sys.stderr
    strict = bool(getattr(args, "strict", False))
    code = report.exit_code(strict=strict) if exit_code is None else exit_code
    if getattr(args, "json", False):
        from ..render.json import render_json

        out.write(render_json(report, exit_code=code))
    else:
        from ..render.style import use_color
        from ..render.text import render_text
        from ..render.wrap import terminal_width

        out.write(header + render_text(report, color=use_color(out), width=terminal_width(out)))
    problem = write_report_files(args, report, facts)
    if problem is not None:
        print(f"{prog}: {problem}", file=err)
        return EXIT_USAGE
    return code
