"""Provides the doctor app: renders reports from a run callable; never probes by itself."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.markup import escape
from textual import work
from textual.app import App
from textual.binding import Binding, BindingType

from ..catalog import Catalog, load_catalog
from ..facts import Facts
from ..model import Report, Status
from .messages import ProbeProgress, RunFailed, RunFinished
from .runs import PROBE_LINKS, ReportRunner, RunResult
from .screens.overview import OverviewScreen
from .situation import situation

if TYPE_CHECKING:
    from ..fix.plan import FixPlan

# The other screens (and the fix planner, the log ranker and the YAML/TOML readers behind
# them) are imported when first opened: the overview paints without them.

EXIT_INTERRUPTED = 130
EXIT_TOOL = 3


class DoctorApp(App[int]):
    """Shows the chain, the first broken link and its guided fix.

    ``run`` produces reports (see :mod:`dind_doctor.tui.runs`); ``export_dir`` receives exported
    reports and saved snippets; ``clock`` is injectable so timings are deterministic in tests.
    """

    CSS_PATH = "doctor.tcss"
    TITLE = "dind-doctor"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "rerun", "Re-run"),
        Binding("slash", "search", "Search", key_display="/"),
        Binding("e", "export", "Export", show=False),  # listed by ? (the footer keeps ? visible)
        Binding("t", "toggle_theme", "Theme", show=False),
        Binding("question_mark", "help", "Keys", key_display="?"),
        Binding("q", "quit_app", "Quit"),
    ]

    def __init__(self, run: ReportRunner, *, mode: str = "live", export_dir: Path | None = None,
                 strict: bool = False, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.run_report = run
        self.mode = mode
        self.export_dir = export_dir or Path.cwd()
        self.strict = strict
        self.clock = clock
        self.report: Report | None = None
        self.facts: Facts | None = None  # set when the run exposes them (see runs.RunResult)
        self.running = False
        self.run_count = 0
        self.probes: dict[str, tuple[float, float | None]] = {}
        self._frame = 0
        self._keep: str | None = None
        self.theme = "textual-dark"

    # -- lifecycle -----------------------------------------------------------------------------

    def get_default_screen(self) -> OverviewScreen:
        """The overview is the app's base screen (painted first, never popped)."""
        return OverviewScreen()

    def on_mount(self) -> None:
        self.sub_title = self.mode
        self.call_after_refresh(self.start_run)  # first paint before any probe starts
        self.call_after_refresh(self._preload_catalog)
        self.set_interval(0.1, self._tick)

    @property
    def catalog(self) -> Catalog:
        """The catalog (parsed once; the first paint does not wait for it)."""
        return load_catalog()

    @work(thread=True, group="catalog")
    def _preload_catalog(self) -> None:
        load_catalog()

    @property
    def overview(self) -> OverviewScreen:
        return next(s for s in self.screen_stack if isinstance(s, OverviewScreen))

    def start_run(self) -> None:
        if self.running:
            return
        self.running = True
        self.run_count += 1
        self._keep = self.overview.checks.selected_id if self.report else None
        self.probes = {}
        self.overview.show_probing(self.probes, set(), self.clock(), 0, self.report)
        self._run_worker()

    @work(exclusive=True, group="run")
    async def _run_worker(self) -> None:
        def progress(name: str, event: str) -> None:
            # called from the engine's threads: post_message is thread-safe and never waits
            with contextlib.suppress(RuntimeError):  # the app has quit meanwhile
                self.post_message(ProbeProgress(name, event, self.clock()))

        try:
            result = await self.run_report(progress)
        except Exception as exc:  # shown in the app; the CLI's text path has the details
            self.post_message(RunFailed(f"{type(exc).__name__}: {exc}"))
        else:
            if isinstance(result, RunResult):
                self.post_message(RunFinished(result.report, result.facts))
            else:
                self.post_message(RunFinished(result))

    def on_probe_progress(self, message: ProbeProgress) -> None:
        started, _ = self.probes.get(message.name, (message.at, None))
        self.probes[message.name] = (started, message.at if message.event == "done" else None)
        if self.running:
            self._show_probing()

    def on_run_finished(self, message: RunFinished) -> None:
        self.running = False
        self.report = message.report
        self.facts = message.facts
        self.overview.show_report(message.report, self._keep)
        for screen in self.screen_stack:
            refresh = getattr(screen, "refresh_report", None)
            if refresh is not None:
                refresh(message.report)
            offer = getattr(screen, "update_patch_offer", None)  # screens that offer a patch
            if offer is not None:
                offer()
        if self.run_count > 1:
            self.notify("Re-run finished.", timeout=2)

    def on_run_failed(self, message: RunFailed) -> None:
        self.running = False
        self.overview.show_failure(message.error)

    def _tick(self) -> None:
        if self.running and self.probes:
            self._frame += 1
            self._show_probing()

    def _show_probing(self) -> None:
        links = {link for name, (_, end) in self.probes.items() if end is None
                 for link in PROBE_LINKS.get(name, ())}
        self.overview.show_probing(self.probes, links, self.clock(), self._frame, self.report)

    # -- navigation ----------------------------------------------------------------------------

    def open_finding(self, finding_id: str) -> None:
        if self.report is None:
            return
        finding = next((f for f in self.report.findings if f.id == finding_id), None)
        if finding is not None:
            from .screens.finding import FindingScreen

            self.push_screen(FindingScreen(finding, self.catalog.get(finding_id)))

    def open_fix_tree(self, entry_id: str, node_id: str | None = None) -> None:
        entry = self.catalog.get(entry_id)
        if entry is None:
            self.notify(f"The catalog has no fix tree for {entry_id}.", severity="warning")
            return
        finding = None if self.report is None else next(
            (f for f in self.report.findings if f.id == entry_id), None)
        tags = frozenset() if self.report is None else situation(self.report)
        from .screens.fix_tree import FixTreeScreen

        self.push_screen(FixTreeScreen(entry, finding, node_id, tags))

    # -- file patches (``dind-doctor fix``) -----------------------------------------------------

    def _fix_plan(self, finding_id: str) -> FixPlan | None:
        """The patch for one finding, planned from the files the current facts name, as they
        are on disk now; None when the run exposed no facts or the finding is not a problem."""
        from ..fix.patch import FixError
        from ..fix.plan import plan_file_fixes

        if self.facts is None or self.report is None:
            return None
        finding = next((f for f in self.report.findings if f.id == finding_id), None)
        if finding is None or finding.status not in (Status.FAIL, Status.WARN):
            return None
        ci, rc = self.facts.ci_file, self.facts.runner_config
        ci_path = ci.path if ci is not None and ci.found else None
        rc_path = rc.path if rc is not None and rc.found else None
        if ci_path is None and rc_path is None:
            return None
        try:
            return plan_file_fixes(ci_path, rc_path, helm=bool(rc_path and rc and rc.helm),
                                   env=self.facts.env.vars, only={finding_id})
        except FixError:
            return None

    def patchable(self, finding_id: str) -> bool:
        """Whether ``finding_id`` has a mechanical patch for the current files."""
        plan = self._fix_plan(finding_id)
        return plan is not None and any(p.changed for p in plan.patches)

    def offer_fix(self, finding_id: str) -> None:
        """Show the patch's diff; apply it on confirmation, then re-run."""
        plan = self._fix_plan(finding_id)
        patches = [p for p in plan.patches if p.changed] if plan is not None else []
        if not patches:
            self.notify(f"No mechanical patch for {finding_id} in the current files.",
                        severity="warning")
            return

        def answered(apply: bool | None) -> None:
            if apply:
                self._apply(patches)

        from .screens.apply_fix import ApplyFixScreen

        self.push_screen(ApplyFixScreen(finding_id, patches), answered)

    def _apply(self, patches: list) -> None:  # list[FilePatch]
        from ..fix.patch import FixError, apply_patch

        written = []
        for patch in patches:
            try:
                backup = apply_patch(patch, backup=True)
            except FixError as exc:  # changed since read, or cannot write: nothing crashes
                self.notify(escape(f"Not applied: {exc}"), title="Patch refused",
                            severity="error", timeout=8)
                break
            written.append(f"Wrote {patch.path}" + (f" (backup: {backup})" if backup else ""))
        if written:
            self.notify(escape("\n".join(written)), title="Patch applied", timeout=8)
            self.action_rerun()

    # -- actions -------------------------------------------------------------------------------

    def action_rerun(self) -> None:
        if self.running:
            self.notify("A run is already in progress.", timeout=2)
            return
        self.start_run()

    def action_search(self) -> None:
        from .screens.search import SearchScreen

        if not isinstance(self.screen, SearchScreen):
            self.push_screen(SearchScreen())

    def action_help(self) -> None:
        from .screens.apply_fix import OffersPatch
        from .screens.finding import FindingScreen
        from .screens.fix_tree import FixTreeScreen
        from .screens.help import HelpScreen
        from .screens.search import SearchScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen([
            ("anywhere", self.BINDINGS),
            ("overview", OverviewScreen.BINDINGS),
            ("finding", FindingScreen.BINDINGS),
            ("fix tree", FixTreeScreen.BINDINGS),
            # `a` is offered on the finding and fix-tree screens when the files have a fix
            ("patch", [*OffersPatch.BINDINGS, Binding("y,enter", "", "Apply (backup kept)"),
                       Binding("n,escape", "", "Cancel")]),
            ("search", SearchScreen.BINDINGS),
            ("lists", [Binding("up,down", "", "Move"), Binding("enter", "", "Open / choose")]),
        ]))

    def action_export(self) -> None:
        if self.report is None:
            self.notify("Nothing to export yet: the run has not finished.", severity="warning")
            return
        from .export import write_exports

        try:
            paths = write_exports(self.report, self.export_dir, strict=self.strict)
        except OSError as exc:
            self.notify(f"Cannot write into {self.export_dir}: {exc.strerror}", severity="error")
            return
        self.notify(escape("Wrote " + " and ".join(p.name for p in paths) +
                           f" in {self.export_dir}"), title="Exported")

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def action_quit_app(self) -> None:
        if self.report is None:
            self.exit(EXIT_INTERRUPTED if self.running else EXIT_TOOL)
        else:
            self.exit(self.report.exit_code(strict=self.strict))
