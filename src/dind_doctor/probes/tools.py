"""Client-side tools in the job: the docker CLI and Docker Compose (v1 binary or v2 plugin)."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import time
from collections.abc import Mapping

from ..facts import ToolFact, ToolsFacts
from .bounded import Deadline, elapsed_ms

RUN_TIMEOUT = 3.0
_VERSION = re.compile(r"v?(\d+\.\d+(?:\.\d+)?(?:[-+.][\w.]+)?)")


def plugin_dirs(env: Mapping[str, str], home: str) -> list[str]:
    """Where the docker CLI looks for plugins such as ``docker-compose``."""
    config = env.get("DOCKER_CONFIG") or f"{home.rstrip('/')}/.docker"
    return [f"{config}/cli-plugins", "/usr/local/lib/docker/cli-plugins",
            "/usr/local/libexec/docker/cli-plugins", "/usr/lib/docker/cli-plugins",
            "/usr/libexec/docker/cli-plugins"]


async def _run(argv: list[str], deadline: Deadline, env: Mapping[str, str]) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        *argv, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT, env=dict(env),
    )
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), deadline.budget(RUN_TIMEOUT))
    except asyncio.TimeoutError:
        proc.kill()
        await proc.wait()
        raise
    return proc.returncode or 0, out.decode("utf-8", "replace")[:2000]


async def _output(tool: ToolFact, argv: list[str], deadline: Deadline,
                  env: Mapping[str, str]) -> str | None:
    """What the command printed, or ``None`` with ``tool.error`` set."""
    try:
        return (await _run(argv, deadline, env))[1]
    except asyncio.TimeoutError:
        tool.error = f"`{' '.join(argv[1:3])}` did not finish within {RUN_TIMEOUT:g} s"
    except OSError as exc:
        tool.error = exc.strerror or str(exc)
    return None


def _unexpected(out: str) -> str:
    first = out.strip().splitlines()[0][:120] if out.strip() else ""
    return f"unexpected output: {first}"


async def _version(tool: ToolFact, argv: list[str], deadline: Deadline,
                   env: Mapping[str, str]) -> None:
    out = await _output(tool, argv, deadline, env)
    if out is None:
        return
    match = _VERSION.search(out)
    if match:
        tool.version = match.group(1)
    else:
        tool.error = _unexpected(out)


async def probe_tools(env: Mapping[str, str], home: str, deadline: Deadline) -> ToolsFacts:
    started = time.perf_counter()
    facts = ToolsFacts(plugin_dirs=plugin_dirs(env, home))
    # never let the version commands reach a daemon: they only describe the client
    quiet_env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}
    quiet_env["DOCKER_HOST"] = "unix:///nonexistent/dind-doctor.sock"
    if env.get("DOCKER_CONFIG"):
        quiet_env["DOCKER_CONFIG"] = env["DOCKER_CONFIG"]
    jobs = []
    facts.docker_cli.path = shutil.which("docker")
    if facts.docker_cli.path:
        jobs.append(_cli(facts.docker_cli, deadline, quiet_env))
    facts.compose_v1.path = shutil.which("docker-compose")
    if facts.compose_v1.path:
        jobs.append(_version(facts.compose_v1, [facts.compose_v1.path, "version", "--short"],
                             deadline, quiet_env))
    plugin = next((f"{d}/docker-compose" for d in facts.plugin_dirs
                   if os.access(f"{d}/docker-compose", os.X_OK)), None)
    facts.compose_plugin.path = plugin
    if plugin:
        jobs.append(_version(facts.compose_plugin, [plugin, "compose", "version", "--short"],
                             deadline, quiet_env))
    await asyncio.gather(*jobs)
    facts.duration_ms = elapsed_ms(started)
    return facts


async def _cli(tool: ToolFact, deadline: Deadline, env: Mapping[str, str]) -> None:
    argv = [tool.path or "docker", "version", "--format",
            "{{.Client.Version}} {{.Client.APIVersion}}"]
    out = await _output(tool, argv, deadline, env)
    if out is None:
        return
    match = re.search(r"^(\S+) (\d+\.\d+)\s*$", out, re.MULTILINE)
    if match:
        tool.version, tool.api_version = match.group(1), match.group(2)
    else:
        tool.error = _unexpected(out)
