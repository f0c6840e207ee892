"""Provides symptom search: paste an error line or a job-log excerpt, land on the fix.

Both go through the job-log explainer (:func:`dind_doctor.explain.explain_log`), the one ranker
that ``dind-doctor explain`` uses too: a line finds here what it finds there. One line is
ranked at once; several lines (a pasted excerpt) in a worker, with the log's context (service
log, failing step, executor).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.markup import escape
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, OptionList, Static, TextArea
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from ...catalog import load_catalog
from ...explain import Explanation, Verdict, explain_log
from ...explain.matcher import Candidate


def is_log(text: str) -> bool:
    """Several non-blank lines: a pasted log excerpt rather than one error line."""
    return sum(1 for line in text.splitlines() if line.strip()) > 1


class QueryBox(TextArea):
    """The search input: one line typed, or many pasted. Enter submits instead of breaking
    the line; ↓ on the last line moves on to the results.

    A terminal without bracketed paste delivers a pasted log as keystrokes. So Enter submits
    only when no key follows within ``PASTE_GAP`` seconds; a key that does follow makes it
    a line break of the paste, and the box keeps the keyboard.
    """

    DEFAULT_CSS = """
    QueryBox { height: auto; min-height: 3; max-height: 7; }
    """

    PASTE_GAP = 0.05

    class Submitted(Message):
        """Enter was pressed (and no pasted text followed it)."""

    _pending: Timer | None = None

    def _submit(self) -> None:
        self._pending = None
        self.post_message(self.Submitted())

    def _flush_enter(self) -> None:
        """An Enter that turned out to be inside a paste: make it a line break."""
        if self._pending is not None:
            self._pending.stop()
            self._pending = None
            self.insert("\n")

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self._flush_enter()
            self._pending = self.set_timer(self.PASTE_GAP, self._submit)
            return
        self._flush_enter()
        await super()._on_key(event)

    def action_cursor_down(self, select: bool = False) -> None:
        if not select and self.cursor_location[0] >= self.document.line_count - 1:
            self.screen.focus_next()  # the results
            return
        super().action_cursor_down(select)


class SearchScreen(Screen[None]):
    """An input for an error line (or a pasted log) and the ranked entries it points to."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("down", "focus_results", "Results", show=False),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.query_text = query
        self.matches: list[Candidate] = []
        self.explanation: Explanation | None = None
        self._request = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Paste an error line or a job-log excerpt:", id="search-help")
        yield QueryBox(self.query_text, id="search-input", highlight_cursor_line=False,
                       placeholder="e.g. Cannot connect to the Docker daemon at "
                                   "tcp://docker:2375")
        yield OptionList(id="search-results")
        yield Static(id="search-status")
        yield Footer()

    def on_mount(self) -> None:
        self._update(self.query_text)
        box = self.query_one(QueryBox)
        box.move_cursor(box.document.end)
        box.focus()

    @property
    def query_box(self) -> QueryBox:
        return self.query_one(QueryBox)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._update(event.text_area.text)

    def on_query_box_submitted(self) -> None:
        if self.matches:
            self._open(self.matches[0])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._open(self.matches[event.option_index])

    def action_focus_results(self) -> None:
        self.query_one(OptionList).focus()

    def _update(self, text: str) -> None:
        self._request += 1
        self.explanation = None
        if is_log(text):
            self._status(f"Reading {len(text.splitlines())} lines…")
            self._explain(text, self._request)
        else:
            self._show_explanation(explain_log(text, load_catalog()), self._request,
                                   one_line=bool(text.strip()))

    @work(thread=True, exclusive=True, group="explain")
    def _explain(self, text: str, request: int) -> None:
        explanation = explain_log(text, load_catalog())
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_explanation, explanation, request)

    def _show_explanation(self, explanation: Explanation, request: int, *,
                          one_line: bool = False) -> None:
        if request != self._request or not self.is_attached:
            return  # the text changed (or the screen closed) while the log was being read
        self.explanation = explanation
        candidates = explanation.candidates
        self._fill([
            f"[b]{escape(c.entry.title)}[/b]  [dim]{c.entry.id}[/dim]\n" + (
                f"  matches: {escape(c.best.symptom.match)}  →  {escape(c.chosen.title)}"
                if one_line else
                f"  [dim]line {c.best.line.number}:[/dim] {escape(_clip(c.best.line.text))}\n"
                f"  → {escape(c.node.title)}")
            for c in candidates
        ], candidates)
        self._status(escape(_status_text(explanation, one_line)))

    def _fill(self, prompts: list[str], matches: Sequence[Candidate]) -> None:
        self.matches = list(matches)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(prompt) for prompt in prompts])
        if matches:
            options.highlighted = 0

    def _status(self, text: str) -> None:
        self.query_one("#search-status", Static).update(text)

    def _open(self, match: Candidate) -> None:
        self.app.open_fix_tree(match.entry.id, node_id=match.chosen.id)  # type: ignore[attr-defined]


def _status_text(explanation: Explanation, one_line: bool) -> str:
    """The line under the results: what was read, the verdict, what enter does."""
    count = len(explanation.candidates)
    shows = explanation.shows[0].kind.summary if explanation.shows else ""
    if one_line:
        if explanation.verdict is Verdict.NOT_DIND and shows:
            return f"Not a DinD problem: {shows}"
        return (f"{count} matching entr{'y' if count == 1 else 'ies'} · enter opens the best "
                "one · ↓ to choose") if count else "No catalog entry matches."
    found = (f"{count} likely cause{'' if count == 1 else 's'} · enter opens the best one · "
             "↓ to choose") if count else ""
    read = f"Pasted log, {explanation.line_count} lines"
    if explanation.context.executor:
        read += f", {explanation.context.executor} executor"
    verdict = {
        Verdict.SUCCEEDED: "the job succeeded",
        Verdict.NOT_DIND: "not a DinD problem, nothing points to DinD"
                          + (f": {shows}" if shows else "")
                          + (f" (failing step: {_clip(explanation.failing_command, 40)})"
                             if explanation.failing_command else ""),
        Verdict.NOTHING: "no catalog entry matches",
        Verdict.DIND_FAILURE: "",
    }[explanation.verdict]
    return f"{read}: " + " · ".join(p for p in (verdict, found) if p)


def _clip(text: str, width: int = 64) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
