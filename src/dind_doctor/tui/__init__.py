"""The interactive doctor (Textual). Importing this package does not import Textual.

Entry point: :func:`run_app`. The contract with the probe engine is in :mod:`.runs`.
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

from .runs import Progress, ReportRunner, RunResult, live_run, replay_run, run_from_args

__all__ = ["Progress", "ReportRunner", "RunResult", "live_run", "replay_run", "run_app",
           "terminal_ok"]

MIN_SIZE = (60, 16)


def terminal_ok() -> bool:
    """False for terminals the app cannot drive (dumb, unknown, or too small)."""
    term = os.environ.get("TERM", "")
    if term in ("", "dumb", "unknown"):
        return False
    size = shutil.get_terminal_size((0, 0))
    return size.columns >= MIN_SIZE[0] and size.lines >= MIN_SIZE[1]


def run_app(args: argparse.Namespace | None = None, *, run: ReportRunner | None = None,
            mode: str = "live", export_dir: Path | None = None,
            strict: bool | None = None) -> int | None:
    """Run the app until the user quits; returns the exit code.

    Give either the CLI's parsed ``args`` (``--replay``, ``--timeout``, ``--save-facts``,
    ``--strict`` ...) or a ``run`` callable. Returns ``None`` when the terminal cannot host
    the app: the caller then prints the text report. Raises ``FactsFormatError`` for a bad
    ``--replay`` file before anything is drawn.
    """
    if run is None:
        if args is None:
            raise TypeError("run_app needs args or run")
        run, mode = run_from_args(args)
    if strict is None:
        strict = bool(getattr(args, "strict", False))
    if not terminal_ok():
        return None
    from .app import DoctorApp

    app = DoctorApp(run, mode=mode, export_dir=export_dir or Path.cwd(), strict=strict)
    code = app.run()
    if app.return_code not in (0, None) and code is None:
        return None  # the app itself crashed: let the caller show the text report
    return code
