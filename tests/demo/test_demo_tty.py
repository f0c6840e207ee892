"""`dind-doctor demo` on a terminal opens the interactive view and quits on `q`."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import sys
import termios
import time

import pytest

pytest.importorskip("textual")


def run_on_a_terminal(argv: list[str], *, quit_when: bytes,
                      seconds: float = 30) -> tuple[int, bytes]:
    """Run ``argv`` on a 120x36 pseudo-terminal; press ``q`` once ``quit_when`` was drawn."""
    pid, fd = pty.fork()
    if pid == 0:  # child: the terminal is ours, sized before the app looks at it
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
        os.environ.update(TERM="xterm-256color")
        os.environ.pop("NO_COLOR", None)
        os.execv(sys.executable, argv)
    screen, pressed, end = b"", False, time.monotonic() + seconds
    try:
        while time.monotonic() < end:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    data = os.read(fd, 65536)
                except OSError:  # the child closed the terminal
                    break
                if not data:
                    break
                screen += data
            if not pressed and quit_when in screen:
                os.write(fd, b"q")
                pressed = True
    finally:
        if not pressed:
            os.kill(pid, 9)
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert pressed, screen[-2000:]
    return os.waitstatus_to_exitcode(status), screen


def test_the_demo_opens_the_interactive_view_on_the_scenario():
    code, screen = run_on_a_terminal(
        [sys.executable, "-m", "dind_doctor", "demo", "vfs"], quit_when=b"demo vfs")
    assert code == 0
    assert b"\x1b[?1049h" in screen  # the app switched to the alternate screen
    assert b"vfs" in screen.lower() and b"Demo scenario" not in screen  # not the text report
