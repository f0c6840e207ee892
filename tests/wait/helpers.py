"""Running ``dind-doctor wait`` as a user would: a subprocess with a chosen environment."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass

# no client variables from this machine (DOCKER_*, CA bundles, proxies) leak into the runs
_DROP = re.compile(r"^(DOCKER_.*|.*_CA_BUNDLE|SSL_CERT_.*|.*_PROXY|.*_proxy)$")
BASE_ENV = {k: v for k, v in os.environ.items() if not _DROP.match(k)}
BASE_ENV["NO_COLOR"] = "1"


@dataclass
class Waited:
    code: int
    stdout: str
    stderr: str
    seconds: float

    def __str__(self) -> str:
        return (f"exit {self.code} after {self.seconds:.1f} s\n--- stdout ---\n{self.stdout}"
                f"\n--- stderr ---\n{self.stderr}")


def run_wait(*args: str, env: dict[str, str], timeout: float = 120,
             before: tuple[str, ...] = ()) -> Waited:
    """``dind-doctor [before...] wait [args...]``."""
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "dind_doctor", *before, "wait", *args],
                          capture_output=True, text=True, env={**BASE_ENV, **env},
                          timeout=timeout, check=False)
    return Waited(proc.returncode, proc.stdout, proc.stderr, time.monotonic() - started)


def unused_port() -> int:
    """A loopback port nobody listens on (bound and released: connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def headline_id(text_report: str) -> str | None:
    """The ``[finding-id]`` of the text report's headline (its first BROKEN/WARNING line)."""
    for line in text_report.splitlines():
        if re.match(r"^\S+ (BROKEN|UNCHECKED|WARNING): ", line):
            found = re.search(r"\[([a-z0-9-]+)\]\s*$", line)
            return found.group(1) if found else None
    return None
