"""The finding screen of a client view shows the client views as one table."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from dind_doctor.report import build_report
from dind_doctor.tui.app import DoctorApp
from dind_doctor.tui.runs import RunResult
from dind_doctor.tui.screens.finding import FindingScreen
from tests.factories import FactsBuilder

from .replay import with_clients


def live_like(facts):
    async def run(progress):
        progress("clients", "start")
        progress("clients", "done")
        return RunResult(build_report(facts), facts)

    return run


async def test_client_views_table_on_the_finding_screen(tmp_path: Path) -> None:
    facts = with_clients(FactsBuilder.healthy_tls().env(DOCKER_TLS_VERIFY="0"),
                         "testcontainers-java", "testcontainers-node", version="1.21.4")
    app = DoctorApp(live_like(facts), mode="test", export_dir=tmp_path, clock=lambda: 0.0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        app.open_finding("client-tls-env-semantics")
        await pilot.pause()
        assert isinstance(app.screen, FindingScreen)
        views = app.screen.query_one("#client-views", Static)
        assert views.display
        text = "\n".join(strip.text for strip in views.render_lines(views.region.reset_offset))
        for expected in ("docker CLI", "Testcontainers for Java 1.21.4", "http://docker:2376",
                         "fails", "Testcontainers for Node", "https://docker:2376"):
            assert expected in text, text
        app.pop_screen()
        app.open_finding("daemon-api")
        await pilot.pause()
        assert not app.screen.query_one("#client-views", Static).display
