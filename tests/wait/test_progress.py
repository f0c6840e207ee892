"""The wait's progress output and its one-line reasons, without a daemon."""

from __future__ import annotations

import io
import json

from dind_doctor.facts import ApiFacts
from dind_doctor.model import Endpoint
from dind_doctor.wait import HEARTBEAT, Attempt, WaitProgress, describe_problem, wait_for_daemon

from .helpers import run_wait, unused_port

EP = Endpoint(url="tcp://docker:2375", scheme="tcp", host="docker", port=2375, source="X")


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_ci_log_gets_a_line_per_change_and_a_heartbeat():
    out = io.StringIO()
    progress = WaitProgress(out, 60)
    refused = "connection refused (dockerd not listening yet)"
    for at in (0.2, 0.6, 1.5, HEARTBEAT + 0.3, HEARTBEAT + 1.0):
        progress(Attempt(at, "tcp://docker:2375", False, refused), EP)
    progress(Attempt(HEARTBEAT + 2.0, "tcp://docker:2375", False, "no answer (timeout)"), EP)
    progress(Attempt(HEARTBEAT + 3.0, "tcp://docker:2375", True), EP)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("dind-doctor: waiting for the Docker daemon at tcp://docker:2375")
    assert lines[1:] == [f"  … 0.2 s: {refused}", f"  … {HEARTBEAT + 0.3:.1f} s: {refused}",
                         f"  … {HEARTBEAT + 2.0:.1f} s: no answer (timeout)"]


def test_an_endpoint_change_is_announced():
    out = io.StringIO()
    progress = WaitProgress(out, 60)
    progress(Attempt(0.1, "tcp://docker:2375", False, "x"), EP)
    progress(Attempt(3.0, "tcp://docker:2376 (TLS)", True), EP)
    assert "endpoint changed to the Docker daemon at tcp://docker:2376 (TLS)" in out.getvalue()


def test_a_terminal_gets_one_redrawn_line():
    out = Tty()
    progress = WaitProgress(out, 60)
    for at in (0.2, 0.5, 0.9):
        progress(Attempt(at, "tcp://docker:2375", False, "connection refused"), EP)
    progress.finish("done")
    text = out.getvalue()
    assert text.count("\n") == 2  # the "waiting for" line and the final one
    assert "attempt 3 · connection refused" in text
    assert text.endswith("\r\x1b[2Kdone\n")


def test_reasons_are_short_and_name_the_cause():
    cases = {
        "ConnectionError: ('Connection aborted.', ConnectionRefusedError(111, "
        "'Connection refused'))": "connection refused",
        "ConnectionError: HTTPConnectionPool(host='docker', port=2375): Max retries exceeded "
        "(Caused by NameResolutionError(\"Failed to resolve 'docker' ([Errno -2] Name or "
        "service not known)\"))": "does not resolve",
        "TLSParameterError: Path to a certificate and key files must be provided through the "
        "client_cert param": "client certificates",
        'APIError: 400 Client Error: Bad Request ("Client sent an HTTP request to an HTTPS '
        'server.")': "plain HTTP sent to a TLS port",
        "SSLError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed": "TLS handshake",
    }
    for error, expected in cases.items():
        reason = describe_problem(ApiFacts(url="x", attempted=True, error=error))
        assert expected in reason, (error, reason)
        assert len(reason) <= 90
    assert describe_problem(ApiFacts(url="x", error="y" * 300)).endswith("…")


def test_the_wait_ends_at_its_deadline_without_a_daemon():
    env = {"DOCKER_HOST": f"tcp://127.0.0.1:{unused_port()}", "HOME": "/root"}
    seen: list[Attempt] = []
    result = wait_for_daemon(1.5, environ=env, on_attempt=lambda a, _e: seen.append(a))
    assert not result.ready and result.gave_up == ""
    assert 1.5 <= result.elapsed < 3.0
    assert len(seen) == len(result.attempts) >= 3  # backoff: several polls in 1.5 s
    gaps = [b.at - a.at for a, b in zip(result.attempts, result.attempts[1:], strict=False)]
    assert gaps[1] > gaps[0]  # the delay grows


def test_an_endpoint_that_cannot_be_polled_stops_at_once():
    result = wait_for_daemon(30, environ={"DOCKER_HOST": "ssh://user@host"})
    assert not result.ready and result.attempts == []
    assert "ssh" in result.gave_up


def test_a_missing_socket_is_named_as_such(tmp_path):
    env = {"DOCKER_HOST": f"unix://{tmp_path}/docker.sock", "HOME": str(tmp_path)}
    result = wait_for_daemon(0.3, environ=env)
    assert result.attempts and not result.ready
    for attempt in result.attempts:
        assert attempt.problem.startswith("no socket at that path"), attempt.problem


def test_a_socket_nobody_listens_on_is_refused_not_closed(tmp_path):
    import socket

    path = tmp_path / "docker.sock"
    with socket.socket(socket.AF_UNIX) as bound:
        bound.bind(str(path))  # the file exists; nothing accepts on it
        env = {"DOCKER_HOST": f"unix://{path}", "HOME": str(tmp_path)}
        result = wait_for_daemon(0.3, environ=env)
    assert result.attempts[0].problem.startswith("connection refused"), result.attempts[0]


def test_wait_without_a_socket_says_so_and_its_json_states_its_exit_code(tmp_path):
    env = {"DOCKER_HOST": f"unix://{tmp_path}/docker.sock", "HOME": str(tmp_path)}
    for args in (["--timeout", "0.5", "--json"], ["--timeout", "0.5", "--json", "--strict"]):
        waited = run_wait(*args, env=env)
        assert waited.code == 1, waited
        assert "no socket at that path" in waited.stderr and "TLS vs plain" not in waited.stderr
        report = json.loads(waited.stdout)
        assert report["exit_code"] == waited.code and report["schema"] == "dind-doctor/report"
