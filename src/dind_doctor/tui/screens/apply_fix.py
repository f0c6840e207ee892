"""Provides the patch offer of the finding and fix-tree screens and the confirm-diff modal."""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import ScrollableContainer, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from ...fix.patch import FilePatch


class OffersPatch(Screen[None]):
    """A screen about one finding that offers ``a``: its mechanical file patch, if any.

    Whether a patch exists is asked of the app (``patchable``), which plans it from the files
    the current report's facts name; the footer shows the key only then.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "apply_fix", "Apply patch"),
    ]

    has_patch = False

    @property
    def patch_finding_id(self) -> str | None:
        raise NotImplementedError

    def update_patch_offer(self) -> None:
        finding_id = self.patch_finding_id
        self.has_patch = bool(finding_id) and self.app.patchable(finding_id)  # type: ignore[attr-defined]
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "apply_fix":
            return self.has_patch
        return True

    def action_apply_fix(self) -> None:
        if self.patch_finding_id:
            self.app.offer_fix(self.patch_finding_id)  # type: ignore[attr-defined]


def diff_text(patches: list[FilePatch]) -> Text:
    """The patches as ``dind-doctor fix`` prints them (redacted), coloured per line."""
    text = Text()
    for patch in patches:
        for line in [f"# {change}\n" for change in patch.changes] + \
                patch.diff().splitlines(keepends=True):
            style = ("dim" if line.startswith("#") else
                     "bold" if line.startswith(("+++", "---")) else
                     "cyan" if line.startswith("@@") else
                     "green" if line.startswith("+") else
                     "red" if line.startswith("-") else "")
            text.append(line, style=style)
    text.rstrip()
    return text


class ApplyFixScreen(ModalScreen[bool]):
    """The unified diff of a finding's patch; ``y``/enter applies it, ``n``/esc does not."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "Apply", show=False),
        Binding("n,escape", "answer(False)", "Cancel", show=False),
    ]

    def __init__(self, finding_id: str, patches: list[FilePatch]) -> None:
        super().__init__()
        self.finding_id = finding_id
        self.patches = patches

    def compose(self) -> ComposeResult:
        files = ", ".join(p.path for p in self.patches)
        with Vertical(id="apply-fix"):
            yield Static(f"[b]Apply the fix for {escape(self.finding_id)}?[/b]\n"
                         f"[dim]writes {escape(files)} (backup kept)[/dim]", id="apply-title")
            with ScrollableContainer(id="apply-diff"):
                yield Static(diff_text(self.patches), id="apply-diff-text")
            yield Static("[b]y[/b]/enter apply · [b]n[/b]/esc cancel", id="apply-keys")

    def action_answer(self, apply: bool) -> None:
        self.dismiss(apply)
