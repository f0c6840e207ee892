"""``dind-doctor fix``: show (or ``--apply``) comment-preserving patches for the lint findings."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from ..config.arguments import FILES_HELP, add_file_arguments
from .lint import lint_facts, missing_named_files
from .output import EXIT_FAILED, EXIT_OK, EXIT_TOOL, EXIT_USAGE

HELP = f"""\
Show the fixes for the lint findings that have a mechanical one, as a unified diff per file
(comments, order, quoting and every untouched line are kept). Tokens in config.toml are never
printed. Findings without a mechanical fix are listed on stderr; `lint` shows their fix text.

{FILES_HELP}

--apply writes the patched files in place: each atomically (a temporary file renamed over the
original), keeping a copy of the original as <file>.dind-doctor.bak (unless --no-backup), and
only if the file did not change since it was read. Nothing else is written.

Exit codes:
  0  nothing to fix, or --apply wrote every patch
  1  patches are pending (shown, not written: re-run with --apply)
  2  usage error: a named file does not exist, no file found, a file changed while fixing
  3  a patch could not be written, or dind-doctor itself failed

Examples:
  dind-doctor fix                                    # show the diffs
  dind-doctor fix --apply --only privileged-missing  # write one kind of fix"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``fix``: the files, --apply, --only ID, --no-backup."""
    parser.description = HELP
    add_file_arguments(parser)
    parser.add_argument("--apply", action="store_true",
                        help="write the patches (default: only show the diffs)")
    parser.add_argument("--only", action="append", metavar="FINDING_ID",
                        help="fix only this finding id (repeatable)")
    parser.add_argument("--no-backup", action="store_true",
                        help="with --apply: do not keep <file>.dind-doctor.bak")


def run(args: argparse.Namespace, *, stdout: TextIO | None = None,
        stderr: TextIO | None = None) -> int:
    """``dind-doctor fix``: show (or ``--apply``) the patches; return the exit code."""
    from ..fix.patch import FileChangedError, FixError, apply_patch, read_file
    from ..fix.plan import facts_from_sources, plan_fixes
    from ..report import lint_report

    out, err = stdout or sys.stdout, stderr or sys.stderr
    missing = missing_named_files(args)
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
    plan = plan_fixes(lint_report(facts).findings, facts, ci, runner,
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
