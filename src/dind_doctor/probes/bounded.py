"""Time limits for probes, including blocking calls that must not outlive the run.

Probes are plain blocking functions; concurrency is daemon threads. An abandoned daemon
thread never delays interpreter exit, so a resolver or socket that never answers cannot
hang the tool (unlike a thread pool, whose workers are joined at exit).
"""

from __future__ import annotations

import _thread
import threading
import time
from collections.abc import Callable, Sequence

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (every run loads this)

if TYPE_CHECKING:
    from typing import Any, TypeVar

    T = TypeVar("T")


class Deadline:
    """A point in time every probe must finish by."""

    def __init__(self, seconds: float) -> None:
        self.total = seconds
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        return max(0.0, self.end - time.monotonic())

    def budget(self, wanted: float) -> float:
        """``wanted`` seconds, or what is left before the deadline if less (at least 50 ms)."""
        return max(0.05, min(wanted, self.remaining()))


def spawn(fn: Callable[..., object], *args: object) -> None:
    """Run ``fn(*args)`` in a new daemon thread, without waiting for it to start.

    ``threading.Thread.start`` waits until the new thread has run, which a diagnosis that
    starts a dozen threads pays on every one (a few per cent of a healthy run, measured in
    paired runs). These threads are never joined and catch their own exceptions, so the
    low-level call serves; like daemon threads, one still running never delays the exit.
    """
    _thread.start_new_thread(fn, args)


class Background:
    """One call running in a daemon thread; :meth:`result` waits for it, bounded."""

    def __init__(self, fn: Callable[[], Any], on_done: Callable[[], None] | None = None) -> None:
        self._fn = fn
        self._on_done = on_done
        self._done = threading.Event()
        self._value: Any = None
        self._error: BaseException | None = None
        spawn(self._work)

    def _work(self) -> None:
        try:
            self._value = self._fn()
        except BaseException as exc:  # handed to whoever waits for the result
            self._error = exc
        finally:
            self._done.set()
            if self._on_done is not None:
                self._on_done()

    def wait(self, timeout: float | None = None) -> bool:
        """Whether the call finished within ``timeout`` seconds (it runs on if not)."""
        return self._done.wait(timeout)

    def result(self, timeout: float | None = None) -> Any:
        """The call's value, or its exception re-raised; ``TimeoutError`` when it has not
        finished within ``timeout`` seconds (it then runs on, abandoned)."""
        if not self._done.wait(timeout):
            raise TimeoutError(f"not finished within {timeout:g} s")
        if self._error is not None:
            raise self._error
        return self._value


def in_thread(fn: Callable[[], T], timeout: float) -> T:
    """Run a blocking call in a daemon thread; give up after ``timeout`` seconds
    (``TimeoutError``). For calls that have no timeout of their own (the system resolver)
    or whose own timeouts apply per operation only."""
    value: T = Background(fn).result(timeout)
    return value


def run_all(calls: Sequence[Callable[[], T]]) -> list[T]:
    """Run self-bounded calls concurrently (the first in this thread); their results in
    order. An exception of one is re-raised (the others run on)."""
    if not calls:
        return []
    others = [Background(call) for call in calls[1:]]
    first: list[T] = [calls[0]()]
    return first + [job.result() for job in others]


def elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
