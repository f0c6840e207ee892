"""The command line's argument parser: the default command's options, and each sub-command's
from its own module (only the one named on the command line is imported)."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from . import __version__
from .commands import SUBCOMMANDS

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (every run loads this)

if TYPE_CHECKING:
    from typing import Any

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

Options of a command may stand before or after it (`dind-doctor --json lint` is
`dind-doctor lint --json`); one the command does not have is a usage error. Each command
has its own --help.

Examples:
  dind-doctor                          # in the job's debug shell
  dind-doctor --json > dind.json       # in CI; gate on the exit code
  dind-doctor --save-facts facts.json  # keep the observations as a CI artifact
  dind-doctor --replay facts.json      # analyse them later, on a laptop
"""


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """argparse's layout at the terminal's width, read without loading :mod:`shutil` (argparse
    would, for every parser it builds, even when no help is printed)."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position,
                         _columns() - 2 if width is None else width)


def _columns() -> int:
    """``shutil.get_terminal_size().columns``: $COLUMNS, the terminal's, else 80."""
    columns = int(os.environ["COLUMNS"]) if os.environ.get("COLUMNS", "").isdigit() else 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _CommandAction(argparse._SubParsersAction):
    """Sub-command dispatch that keeps the options given before the command.

    argparse lets a sub-command's defaults overwrite what the top-level parser read, so
    ``dind-doctor --json lint`` would silently print text. The top-level options have no
    default while parsing (see :func:`build_parser`): the namespace holds exactly the ones
    given before the command. Each is handed to the command when it has that option and was
    not given it again after its name; an option the command lacks is a usage error.
    """

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        flags = {a.dest: "/".join(a.option_strings) for a in parser._actions
                 if a.option_strings}
        given = {dest: value for dest, value in vars(namespace).items() if dest in flags}
        super().__call__(parser, namespace, values, option_string)
        name = values[0]
        command = self._name_parser_map[name]
        own = {a.dest: a for a in command._actions if a.option_strings}
        for dest, value in given.items():
            action = own.get(dest)
            if action is None:
                command.error(f"{flags.get(dest, dest)} is not an option of "
                              f"'dind-doctor {name}' (see dind-doctor {name} --help)")
            elif getattr(namespace, dest, action.default) == action.default:
                setattr(namespace, dest, value)
        for group in command._mutually_exclusive_groups:
            chosen = [a for a in group._group_actions
                      if getattr(namespace, a.dest, a.default) != a.default]
            if len(chosen) > 1:
                command.error(f"argument {chosen[1].option_strings[-1]}: not allowed with "
                              f"argument {chosen[0].option_strings[-1]}")


class _Parser(argparse.ArgumentParser):
    """The top-level parser: its options' defaults are applied after parsing (see
    :class:`_CommandAction`), so they never hide an option a sub-command was given."""

    late_defaults: dict[str, Any]

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None,
                         ) -> tuple[argparse.Namespace, list[str]]:
        parsed, rest = super().parse_known_args(args, namespace)
        for dest, default in getattr(self, "late_defaults", {}).items():
            if not hasattr(parsed, dest):
                setattr(parsed, dest, default)
        return parsed, rest


def _attach_subcommands(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> None:
    """Only the sub-command named in ``argv`` is imported: the others cost nothing."""
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", action=_CommandAction,
                                       title="commands (default: diagnose the live chain)")
    named = set(argv) if argv is not None else None
    for sub in SUBCOMMANDS:
        sub_parser = subparsers.add_parser(
            sub.name, help=sub.help, description=sub.help,
            formatter_class=_Formatter)
        if named is not None and sub.name not in named:
            continue
        module = importlib.import_module(sub.module)
        getattr(module, sub.add_arguments)(sub_parser)
        runner: Callable[[argparse.Namespace], int] = getattr(module, sub.run)
        sub_parser.set_defaults(handler=runner)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The full parser; with ``argv``, only the sub-command it names is loaded."""
    parser = _Parser(
        prog="dind-doctor", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"dind-doctor {__version__}")
    _attach_subcommands(parser, argv)
    from .commands import diagnose

    diagnose.add_arguments(parser)
    parser.late_defaults = {}
    for action in parser._actions:
        if action.option_strings and action.default is not argparse.SUPPRESS:
            parser.late_defaults[action.dest] = action.default
            action.default = argparse.SUPPRESS
    return parser
