"""The engine's contract with a probe that overruns the deadline or crashes: it is recorded,
the others are kept, and collect() returns on time, whatever the probe does."""

from __future__ import annotations

import threading
import time

from dind_doctor.probes import engine

REFUSED = {"DOCKER_HOST": "tcp://127.0.0.1:9", "HOME": "/nonexistent"}


def test_a_probe_that_never_returns_is_abandoned_at_the_deadline(monkeypatch) -> None:
    release = threading.Event()

    def stuck(*_args, **_kwargs):  # a probe whose own timeouts failed
        release.wait(30)
        raise AssertionError("an abandoned probe must not reach the facts")

    monkeypatch.setattr(engine, "probe_tools", stuck)
    events: list[tuple[str, str, str]] = []
    lock = threading.Lock()

    def progress(name: str, event: str) -> None:
        with lock:
            events.append((name, event, threading.current_thread().name))

    started = time.monotonic()
    facts = engine.collect(1.0, progress, environ=REFUSED, settle=0)
    elapsed = time.monotonic() - started
    release.set()
    assert elapsed < 1.5
    (error,) = facts.probe_errors
    assert error.probe == "tools" and error.timed_out
    assert facts.api is not None and not facts.api.ping_ok  # the others were kept
    assert facts.ports and facts.host is not None
    starts = [name for name, event, _ in events if event == "start"]
    dones = [name for name, event, _ in events if event == "done"]
    assert sorted(starts) == sorted(dones) and "tools" in dones  # each announced once
    assert any(thread != "MainThread" for _, _, thread in events)
    time.sleep(0.1)
    assert len(events) == len(starts) + len(dones)  # nothing after the run ended


def test_a_crashing_probe_is_a_probe_error(monkeypatch) -> None:
    def broken(*_args, **_kwargs):
        raise RuntimeError("broke")

    monkeypatch.setattr(engine, "probe_clients", broken)
    facts = engine.collect(3.0, environ=REFUSED, settle=0)
    (error,) = facts.probe_errors
    assert error.probe == "clients" and not error.timed_out
    assert error.error == "RuntimeError: broke"
    assert facts.tools is not None
