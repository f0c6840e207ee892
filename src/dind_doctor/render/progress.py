"""Progress on stderr while probes run: a live line on a terminal, nothing noisy in CI logs."""

from __future__ import annotations

import sys
import threading
import time

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (every run loads this)

if TYPE_CHECKING:
    from typing import TextIO

_FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


class ProgressLine:
    """Receives (probe, "start"|"done") events and redraws one status line. Thread-safe:
    the probes report from their own threads."""

    def __init__(self, stream: TextIO | None = None, *, timeout: float) -> None:
        self.stream = stream or sys.stderr
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self.running: list[str] = []
        self.done: list[str] = []
        self.started = time.monotonic()
        self.frame = 0
        self._lock = threading.Lock()
        if not self.live:
            self.stream.write(f"dind-doctor: probing the DinD chain (deadline {timeout:g} s)…\n")
            self.stream.flush()

    def __call__(self, probe: str, event: str) -> None:
        with self._lock:
            self._update(probe, event)

    def _update(self, probe: str, event: str) -> None:
        if event == "start" and probe not in self.running:
            self.running.append(probe)
        elif event == "done":
            if probe in self.running:
                self.running.remove(probe)
            self.done.append(probe)
        if self.live:
            self.frame = (self.frame + 1) % len(_FRAMES)
            waiting = ", ".join(self.running) or "checks"
            line = (f"{_FRAMES[self.frame]} probing {waiting} · {len(self.done)} done · "
                    f"{time.monotonic() - self.started:4.1f}s")
            self.stream.write("\r\x1b[2K" + line[:100])
            self.stream.flush()

    def close(self) -> None:
        with self._lock:
            if self.live:
                self.stream.write("\r\x1b[2K")
                self.stream.flush()
