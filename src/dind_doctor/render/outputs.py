"""Output options shared by the commands: --json/--text/--strict, and the report files for
GitLab written next to the main output (JUnit, Code Quality, Markdown)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from ..facts import Facts
from ..model import Report


def add_output_arguments(parser: argparse.ArgumentParser, *, strict: bool = True) -> None:
    """--json | --text, and --strict where warnings can fail the command."""
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true",
                     help="print one JSON object on stdout and nothing else")
    out.add_argument("--text", action="store_true",
                     help="print the text report even on a terminal (no interactive view)")
    if strict:
        parser.add_argument("--strict", action="store_true", help="treat warnings as failures")


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
    return bool(args.junit or args.codequality or args.markdown)


def write_report_files(args: argparse.Namespace, report: Report, facts: Facts) -> str | None:
    """Write the requested files; the error message when one cannot be written."""
    if not wants_report_files(args):
        return None
    from .codequality import ci_path_for, render_codequality
    from .junit import render_junit
    from .markdown import render_markdown

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


def report_file_status(args: argparse.Namespace, report: Report, facts: Facts,
                       prog: str = "dind-doctor") -> int | None:
    """``write_report_files`` for a command: print the failure, give exit code 2 for it."""
    problem = write_report_files(args, report, facts)
    if problem is None:
        return None
    print(f"{prog}: {problem}", file=sys.stderr)
    return 2
