"""Snapshot storage under the top-level ``snapshots/`` folder instead of ``__snapshots__``.

pytest-textual-snapshot (1.1) hard-wires its ``SVGImageExtension`` inside ``snap_compare``, so
the SVGs can only be redirected by swapping that class for a subclass whose ``dirname`` points
at ``snapshots/tui/<test module>/``. This couples the tests to the plugin's internals: if an
upgrade moves the files back to ``__snapshots__``, this fixture needs updating.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_textual_snapshot
import textual.constants

SNAPSHOTS = Path(__file__).resolve().parents[2] / "snapshots" / "tui"


class TopLevelSVGExtension(pytest_textual_snapshot.SVGImageExtension):
    @classmethod
    def dirname(cls, *, test_location) -> str:  # type: ignore[no-untyped-def]
        return str(SNAPSHOTS / Path(test_location.filepath).stem)


@pytest.fixture(autouse=True)
def _snapshots_at_top_level(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pytest_textual_snapshot, "SVGImageExtension", TopLevelSVGExtension)


@pytest.fixture(autouse=True)
def _no_animations(monkeypatch: pytest.MonkeyPatch) -> None:
    """Scrolls jump instead of gliding: a screenshot never catches a scroll half-way, which
    made the overview's checklist position depend on machine load."""
    monkeypatch.setattr(textual.constants, "TEXTUAL_ANIMATIONS", "none")
