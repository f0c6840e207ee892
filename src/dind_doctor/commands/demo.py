"""``dind-doctor demo``: the whole tool on a bundled scenario, with no DinD at hand.

The scenarios are saved facts shipped in the package (:mod:`dind_doctor.scenarios`); the
demo replays one in the interactive view, or prints its report with ``--text``, with
``--json`` or when stdout is not a terminal, exactly as ``--replay`` would. Nothing is probed.
"""

from __future__ import annotations

import argparse
import json
import sys

from .. import scenarios
from ..facts import Facts
from .output import EXIT_OK, EXIT_USAGE, add_output_arguments, emit_report

DEFAULT_SCENARIO = "tls-mismatch-2375"

HELP = """\
Replay a bundled DinD situation (saved facts, nothing is probed): the interactive view on a
terminal, else (or with --text, --json) the report, as `dind-doctor --replay` gives it.
--list shows the scenarios (as JSON with --json).

Exit codes: those of the diagnosis of the scenario (0 nothing failed, 1 a check failed, or
warned with --strict), 0 after the interactive view, 2 unknown scenario."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = HELP
    parser.add_argument("scenario", nargs="?", metavar="SCENARIO",
                        help=f"which scenario (default: {DEFAULT_SCENARIO}; see --list)")
    parser.add_argument("--list", action="store_true", help="list the bundled scenarios")
    add_output_arguments(parser)


def list_scenarios() -> str:
    width = max(map(len, scenarios.SCENARIOS))
    lines = [f"  {name:<{width}}  {about}" for name, about in scenarios.SCENARIOS.items()]
    return "Bundled scenarios (dind-doctor demo NAME):\n" + "\n".join(lines) + "\n"


def list_scenarios_json() -> str:
    entries = [{"name": name, "about": about} for name, about in scenarios.SCENARIOS.items()]
    return json.dumps({"scenarios": entries}, indent=2, ensure_ascii=False) + "\n"


def _interactive(args: argparse.Namespace) -> bool:
    return not (args.text or args.json) and sys.stdout.isatty() and sys.stdin.isatty()


def run(args: argparse.Namespace) -> int:
    if args.list:
        sys.stdout.write(list_scenarios_json() if args.json else list_scenarios())
        return EXIT_OK
    name = args.scenario or DEFAULT_SCENARIO
    try:
        facts = scenarios.load(name)
    except KeyError:
        sys.stderr.write(f"dind-doctor: no scenario named {name!r}\n" + list_scenarios())
        return EXIT_USAGE
    if _interactive(args) and _run_tui(name, facts, strict=args.strict) is not None:
        return EXIT_OK
    from ..report import build_report

    return emit_report(args, build_report(facts), facts,
                       header=f"Demo scenario {name}: {scenarios.SCENARIOS[name]}\n\n")


def _run_tui(name: str, facts: Facts, *, strict: bool) -> int | None:
    """The interactive view on the scenario; ``None``: it cannot run here, print text."""
    try:
        from ..tui import replay_run, run_app
    except Exception:
        return None
    try:
        return run_app(run=replay_run(facts), mode=f"demo {name}", strict=strict)
    except Exception as exc:
        print(f"dind-doctor: interactive view unavailable ({type(exc).__name__}: {exc}); "
              "showing the text report", file=sys.stderr)
        return None
