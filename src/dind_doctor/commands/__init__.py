"""The commands: each module gives its sub-parser its options (``add_arguments``) and does the
work (``run(args) -> exit code``). The top layer: commands use the probes, facts, checks,
report and renderers; nothing below imports them. Heavy imports stay inside ``run``.

This package's own module holds only the table of sub-commands, so that the command line can
read their names before it loads anything else.
"""

from __future__ import annotations

from ..records import record


@record(frozen=True)
class Subcommand:
    """A sub-command living in its own module: ``add_arguments`` fills its parser and
    ``run(args) -> exit code`` does the work. Modules keep heavy imports inside ``run``."""

    name: str
    module: str
    help: str
    add_arguments: str = "add_arguments"
    run: str = "run"


SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand("lint", "dind_doctor.commands.lint",
               "check .gitlab-ci.yml and the runner's config.toml without probing"),
    Subcommand("fix", "dind_doctor.commands.fix",
               "show (or --apply) comment-preserving fixes for those files"),
    Subcommand("wait", "dind_doctor.commands.wait",
               "wait until the Docker daemon answers; on timeout print the diagnosis"),
    Subcommand("demo", "dind_doctor.commands.demo",
               "replay a bundled DinD scenario (interactive view or text); --list"),
    Subcommand("explain", "dind_doctor.commands.explain",
               "read a job log (FILE or -) and name the DinD failure mode that explains it"),
)
