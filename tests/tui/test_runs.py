"""The interactive view's live run is given what the command line names, as the text report is."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

from dind_doctor.cli import build_parser
from dind_doctor.tui.runs import RunResult, run_from_args

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
