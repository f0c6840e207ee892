"""Where the app's reports come from: the contract between the app and the probe engine.

The app never probes. It is given a :data:`ReportRunner`: an async callable that receives a
:data:`Progress` callback and returns a :class:`~dind_doctor.model.Report`. The callable
reports each probe as ``progress(name, "start")`` and ``progress(name, "done")`` (the same
signature as :func:`dind_doctor.probes.engine.collect`), may call it from the event loop or
from another thread, and may raise: the app shows the error instead of a report. The app calls
it once at start and again for every re-run (``r``). Nothing here imports Textual.

A run may instead return a :class:`RunResult`: the report together with the facts it was built
from. The app then offers the mechanical file patches (``dind-doctor fix``) for the
``.gitlab-ci.yml`` and runner config those facts name; a plain report offers none.
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from ..facts import Facts
from ..model import Report

if TYPE_CHECKING:
    from ..probes.engine import ConfigFiles

T = TypeVar("T")
Progress = Callable[[str, str], None]
"""``progress(probe_name, "start" | "done")``."""



@dataclass(frozen=True)
class RunResult:
    """A report and the facts it was built from (whose files the app may patch)."""

    report: Report
    facts: Facts


ReportRunner = Callable[[Progress], Awaitable[Report | RunResult]]
"""An async callable producing one report; see the module docstring."""

PROBE_LINKS: dict[str, tuple[str, ...]] = {
    # which chain links a probe of the engine informs (for the live chain display)
    "env": ("runner", "job", "endpoint"),
    "certs": ("tls",),
    "name": ("name",),
    "ports": ("port", "protocol"),
    "tls": ("tls",),
    "sockets": ("endpoint",),
    "api": ("api", "daemon"),
    "tools": ("tools",),
    "clients": ("tools",),
}


def replay_run(facts: Facts) -> ReportRunner:
    """Replay saved facts: every run rebuilds the same report from them. No file patches are
    offered: the files the facts name were read elsewhere, maybe on another machine."""

    async def run(progress: Progress) -> Report:
        from ..report import build_report

        progress("replay", "start")
        report = build_report(facts)
        progress("replay", "done")
        return report

    return run


def live_run(timeout: float, *, settle: float | None = None, alias: str = "docker",
             save_facts: str | Path | None = None,
             config_files: ConfigFiles | None = None) -> ReportRunner:
    """Probe the real chain with the engine's ``collect`` (imported when first run).
    ``config_files``: the .gitlab-ci.yml / runner config / Helm values named on the command
    line, joined with what the probes see exactly as in the text report."""

    async def run(progress: Progress) -> RunResult:
        from ..probes.engine import DEFAULT_SETTLE, collect
        from ..report import build_report

        facts = await off_the_loop(lambda: collect(
            timeout, progress, settle=DEFAULT_SETTLE if settle is None else settle,
            alias=alias, config_files=config_files))
        if save_facts:
            facts.save(save_facts)
        return RunResult(build_report(facts), facts)

    return run


async def off_the_loop(fn: Callable[[], T]) -> T:
    """Await a blocking call (the probe engine) run in a daemon thread. Unlike
    ``asyncio.to_thread``, quitting the app mid-run does not wait for the call to end."""
    import asyncio
    import contextlib
    import threading

    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(value: T | None, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(value)  # type: ignore[arg-type]

    def work() -> None:
        value: T | None = None
        error: BaseException | None = None
        try:
            value = fn()
        except BaseException as exc:  # handed to the awaiting coroutine
            error = exc
        with contextlib.suppress(RuntimeError):  # the loop is gone: nobody waits
            loop.call_soon_threadsafe(settle, value, error)

    threading.Thread(target=work, name="dind-doctor-run", daemon=True).start()
    return await future


def run_from_args(args: argparse.Namespace) -> tuple[ReportRunner, str]:
    """The run callable and a mode label for the CLI's parsed arguments.

    A ``--replay`` file is loaded here, before the app starts, so a bad file surfaces as
    :class:`~dind_doctor.facts.FactsFormatError` to the caller (a usage error), not in the UI.
    """
    replay = getattr(args, "replay", None)
    if replay:
        return replay_run(Facts.load(replay)), f"replay {Path(replay).name}"
    from ..probes.engine import ConfigFiles

    return live_run(
        float(getattr(args, "timeout", 8.0)),
        settle=getattr(args, "settle", None),
        alias=getattr(args, "alias", None) or "docker",
        save_facts=getattr(args, "save_facts", None),
        config_files=ConfigFiles(getattr(args, "ci_file", None),
                                 getattr(args, "runner_config", None),
                                 getattr(args, "helm_values", None)),
    ), "live"
