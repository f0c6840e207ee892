"""The client commands the tools probe runs, and ``docker version`` started ahead of it.

``docker version`` is the slowest step of a healthy diagnosis (tens of milliseconds), so
the command line starts it before it loads the rest of the tool (:func:`begin`) and the
tools probe collects it (:func:`take`). Standard library only: importing this costs
nothing the diagnosis does not need anyway.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping

QUIET_HOST = "unix:///nonexistent/dind-doctor.sock"


def which(name: str, path: str | None = None) -> str | None:
    """The executable ``name`` on ``path`` (default ``$PATH``), as ``shutil.which``."""
    if os.sep in name:
        return name if _executable(name) else None
    search = os.environ.get("PATH", os.defpath) if path is None else path
    for directory in dict.fromkeys(search.split(os.pathsep)):
        candidate = os.path.join(directory, name)
        if _executable(candidate):
            return candidate
    return None


def _executable(path: str) -> bool:
    return os.access(path, os.F_OK | os.X_OK) and not os.path.isdir(path)


def quiet_env(env: Mapping[str, str]) -> dict[str, str]:
    """This process's environment without the Docker client variables: the version
    commands only describe the client and must never reach a daemon."""
    quiet = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}
    quiet["DOCKER_HOST"] = QUIET_HOST
    if env.get("DOCKER_CONFIG"):
        quiet["DOCKER_CONFIG"] = env["DOCKER_CONFIG"]
    return quiet


def start(argv: list[str], env: Mapping[str, str]) -> subprocess.Popen[bytes]:
    """Start ``argv`` (stdout and stderr together, no stdin); ``OSError`` if it cannot run."""
    return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, env=dict(env))


def cli_argv(path: str | None) -> list[str]:
    return [path or "docker", "version", "--format", "{{.Client.Version}} {{.Client.APIVersion}}"]


class Started:
    """``docker version`` as started for ``env``: the process, or why it did not start.
    ``path`` is ``None`` when there is no docker CLI on the PATH."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.config = env.get("DOCKER_CONFIG") or None
        self.path = which("docker")
        self.argv = cli_argv(self.path)
        self.proc: subprocess.Popen[bytes] | None = None
        self.error: OSError | None = None
        if self.path:
            try:
                self.proc = start(self.argv, quiet_env(env))
            except OSError as exc:
                self.error = exc

    def discard(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


_early: Started | None = None


def begin() -> None:
    """Start ``docker version`` for this process's environment, for the diagnosis to come."""
    global _early
    if _early is None:
        _early = Started(os.environ)


def take(env: Mapping[str, str]) -> Started:
    """The run :func:`begin` started, if it fits ``env`` (once); else one started now."""
    global _early
    early, _early = _early, None
    if early is not None and early.config == (env.get("DOCKER_CONFIG") or None) \
            and early.path == which("docker"):
        return early
    if early is not None:
        early.discard()
    return Started(env)
