"""The interactive view's live run is given what the command line names, as the text report is."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

from dind_doctor.parser import build_parser
from dind_doctor.tui.runs import RunResult, live_run, run_from_args

DATA = Path(__file__).resolve().parents[1] / "data" / "config"


def test_the_live_run_reads_the_files_named_on_the_command_line(monkeypatch) -> None:
    with socket.socket() as s:  # a loopback port nobody listens on: the live half is quick
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("DOCKER_HOST", f"tcp://127.0.0.1:{port}")
    ci, runner = DATA / "ci" / "tls-2375.yml", DATA / "runner" / "docker-unprivileged.toml"
    argv = ["--ci-file", str(ci), "--runner-config", str(runner), "--timeout", "3",
            "--settle", "0"]
    run, mode = run_from_args(build_parser(argv).parse_args(argv))
    result = asyncio.run(run(lambda _name, _state: None))
    assert mode == "live" and isinstance(result, RunResult)
    assert result.facts.ci_file is not None and result.facts.ci_file.path == str(ci)
    assert result.facts.runner_config is not None
    assert result.facts.runner_config.path == str(runner)
    ids = {f.id for f in result.report.findings}
    assert "ci-tls-port-mismatch" in ids


def test_helm_values_reach_the_live_run_too(monkeypatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", "tcp://127.0.0.1:9")
    helm = DATA / "runner" / "helm-values.yaml"
    argv = ["--helm-values", str(helm), "--timeout", "2", "--settle", "0"]
    run, _ = run_from_args(build_parser(argv).parse_args(argv))
    result = asyncio.run(run(lambda _name, _state: None))
    assert isinstance(result, RunResult) and result.facts.runner_config is not None
    assert result.facts.runner_config.helm and result.facts.runner_config.path == str(helm)


async def test_the_engine_reports_its_probes_to_the_app_from_its_threads(monkeypatch) -> None:
    """The real engine behind the app: every probe's start and end reaches the checklist."""
    from dind_doctor.tui.app import DoctorApp

    monkeypatch.setenv("DOCKER_HOST", "tcp://127.0.0.1:9")  # refused: the live half is quick
    monkeypatch.setenv("HOME", "/nonexistent")
    app = DoctorApp(live_run(3, settle=0), export_dir=Path("."))
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.report is not None and app.facts is not None
        assert {"env", "certs", "name", "ports", "api", "tools", "host"} <= set(app.probes)
        assert all(end is not None for _, end in app.probes.values()), app.probes


def test_quitting_mid_run_does_not_wait_for_the_probes(monkeypatch) -> None:
    """A port that accepts and never answers keeps the engine busy for seconds; quitting
    leaves it behind at once, event loop shutdown included (as ``app.run()`` ends)."""
    import time

    from dind_doctor.tui.app import DoctorApp
    from tests.support.dockerd import BlackHole

    pressed: list[float] = []

    async def session(app: DoctorApp) -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause(0.3)
            assert app.running
            pressed.append(time.monotonic())
            await pilot.press("q")

    with BlackHole() as hole:
        monkeypatch.setenv("DOCKER_HOST", f"tcp://127.0.0.1:{hole.port}")
        monkeypatch.setenv("HOME", "/nonexistent")
        asyncio.run(session(DoctorApp(live_run(6, settle=0), export_dir=Path("."))))
    assert time.monotonic() - pressed[0] < 1.5
