"""Time to first paint of the app, for ``bench/`` (not a test: timings belong to the benchmark).

``measure_first_paint()`` starts a fresh interpreter that opens the app headless with a run
that never finishes (so no probe has completed) and reports when the overview has been painted
once. The wall time includes interpreter start-up and every import, as a user would see it.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

_CHILD = r"""
import asyncio
from dind_doctor.tui.app import DoctorApp

async def never(progress):
    progress("env", "start")
    await asyncio.Event().wait()

app = DoctorApp(never)

def painted():
    print("painted", flush=True)
    app.exit(0)

app.call_after_refresh(lambda: app.call_after_refresh(painted))
app.run(headless=True, size=(80, 24))
"""


def measure_first_paint(runs: int = 5) -> float:
    """Median seconds from process start to the first painted overview."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", _CHILD], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True)
        assert proc.stdout is not None
        line = proc.stdout.readline()
        elapsed = time.perf_counter() - started
        proc.wait(timeout=30)
        if line.strip() != "painted":
            raise RuntimeError("the app did not paint")
        times.append(elapsed)
    return statistics.median(times)


if __name__ == "__main__":
    print(f"first paint: {measure_first_paint():.3f} s (median of 5)")
