"""Client-side tools in the job: the docker CLI and Docker Compose (v1 binary or v2 plugin)."""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Mapping

from ..facts import ToolFact, ToolsFacts
from .bounded import Deadline, elapsed_ms, run_all
from .prestart import Started, quiet_env, start, which

RUN_TIMEOUT = 3.0
_VERSION = re.compile(r"v?(\d+\.\d+(?:\.\d+)?(?:[-+.][\w.]+)?)")


def plugin_dirs(env: Mapping[str, str], home: str) -> list[str]:
    """Where the docker CLI looks for plugins such as ``docker-compose``."""
    config = env.get("DOCKER_CONFIG") or f"{home.rstrip('/')}/.docker"
    return [f"{config}/cli-plugins", "/usr/local/lib/docker/cli-plugins",
            "/usr/local/libexec/docker/cli-plugins", "/usr/lib/docker/cli-plugins",
            "/usr/libexec/docker/cli-plugins"]


def finish(proc: subprocess.Popen[bytes], timeout: float) -> tuple[int, str]:
    """Wait for a started command; killed and ``TimeoutError`` after ``timeout`` seconds."""
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise TimeoutError from None
    return proc.returncode or 0, out.decode("utf-8", "replace")[:2000]


def _output(tool: ToolFact, argv: list[str], deadline: Deadline,
            env: Mapping[str, str], proc: subprocess.Popen[bytes] | None = None) -> str | None:
    """What the command printed, or ``None`` with ``tool.error`` set. ``proc``: the
    command, started earlier."""
    try:
        return finish(proc or start(argv, env), deadline.budget(RUN_TIMEOUT))[1]
    except TimeoutError:
        tool.error = f"`{' '.join(argv[1:3])}` did not finish within {RUN_TIMEOUT:g} s"
    except OSError as exc:
        tool.error = exc.strerror or str(exc)
    return None


def _unexpected(out: str) -> str:
    first = out.strip().splitlines()[0][:120] if out.strip() else ""
    return f"unexpected output: {first}"


def _version(tool: ToolFact, argv: list[str], deadline: Deadline,
                   env: Mapping[str, str]) -> None:
    out = _output(tool, argv, deadline, env)
    if out is None:
        return
    match = _VERSION.search(out)
    if match:
        tool.version = match.group(1)
    else:
        tool.error = _unexpected(out)


def probe_tools(env: Mapping[str, str], home: str, deadline: Deadline,
                cli: Started | None = None) -> ToolsFacts:
    """``cli``: the ``docker version`` run started earlier (started here otherwise)."""
    started = time.perf_counter()
    facts = ToolsFacts(plugin_dirs=plugin_dirs(env, home))
    quiet = quiet_env(env)
    cli = cli or Started(env)
    jobs = []
    facts.docker_cli.path = cli.path
    if cli.path:
        jobs.append(lambda: _cli(facts.docker_cli, deadline, cli))
    facts.compose_v1.path = which("docker-compose")
    if facts.compose_v1.path:
        argv = [facts.compose_v1.path, "version", "--short"]
        jobs.append(lambda: _version(facts.compose_v1, argv, deadline, quiet))
    plugin = next((f"{d}/docker-compose" for d in facts.plugin_dirs
                   if os.access(f"{d}/docker-compose", os.X_OK)), None)
    facts.compose_plugin.path = plugin
    if plugin:
        argv_plugin = [plugin, "compose", "version", "--short"]
        jobs.append(lambda: _version(facts.compose_plugin, argv_plugin, deadline, quiet))
    run_all(jobs)
    facts.duration_ms = elapsed_ms(started)
    return facts


def _cli(tool: ToolFact, deadline: Deadline, cli: Started) -> None:
    if cli.error is not None:
        tool.error = cli.error.strerror or str(cli.error)
        return
    out = _output(tool, cli.argv, deadline, {}, cli.proc)
    if out is None:
        return
    match = re.search(r"^(\S+) (\d+\.\d+)\s*$", out, re.MULTILINE)
    if match:
        tool.version, tool.api_version = match.group(1), match.group(2)
    else:
        tool.error = _unexpected(out)
