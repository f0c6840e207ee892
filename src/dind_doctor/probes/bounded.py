"""Time limits for probes, including blocking calls that must not outlive the run."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
V = TypeVar("V")  # what a thread hands over: a result or an exception


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


async def in_thread(fn: Callable[[], T], timeout: float) -> T:
    """Run a blocking call in a daemon thread; give up after ``timeout`` seconds.

    Unlike the default executor, an abandoned daemon thread never delays interpreter exit,
    so a resolver or socket that never answers cannot hang the tool.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(setter: Callable[[V], None], value: V) -> None:
        if not future.done():
            setter(value)

    def hand_over(setter: Callable[[V], None], value: V) -> None:
        # RuntimeError: the run already ended and nobody waits for this answer
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(settle, setter, value)

    def work() -> None:
        try:
            result = fn()
        except BaseException as exc:  # handed to the awaiting coroutine
            hand_over(future.set_exception, exc)
        else:
            hand_over(future.set_result, result)

    threading.Thread(target=work, name="dind-doctor-probe", daemon=True).start()
    return await asyncio.wait_for(future, timeout)


def elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
