"""Tools link: the client-side commands a DinD job script usually calls."""

from __future__ import annotations

from ..model import Link
from .base import Context, Verdict, check, error, info, ok, warn

SHIM = ("printf '#!/bin/sh\\nexec docker compose \"$@\"\\n' > /usr/local/bin/docker-compose "
        "&& chmod +x /usr/local/bin/docker-compose")


@check("compose-missing", Link.TOOLS, "Docker Compose", probes=("tools",))
def compose_missing(ctx: Context) -> Verdict | None:
    tools = ctx.facts.tools
    if tools is None:
        return error("The client tools were not examined.")
    plugin, legacy, cli = tools.compose_plugin, tools.compose_v1, tools.docker_cli
    evidence: list[tuple[str, object]] = [
        ("docker", f"{cli.version} at {cli.path}" if cli.path else "not found"),
        ("docker compose (v2 plugin)", plugin.version or plugin.error or "not found"),
        ("docker-compose", f"{legacy.version} at {legacy.path}" if legacy.path else "not found"),
        ("plugin dirs", tools.plugin_dirs),
    ]
    if plugin.version and legacy.path:
        return ok(f"docker compose {plugin.version} and docker-compose {legacy.version}.",
                  *evidence)
    if plugin.version:
        return ok(f"docker compose {plugin.version} (plugin); no docker-compose binary: scripts "
                  "calling docker-compose need a shim.", *evidence)
    if legacy.path:
        return info(f"Only docker-compose {legacy.version}; no docker compose plugin.",
                    *evidence, fix="Prefer `docker compose` from docker:* images (v2 plugin).")
    fix = ("Use a docker:* image (≥ 20.10.15 ships the compose plugin) and call "
           "`docker compose`; for scripts that call docker-compose, add a shim:\n"
           f"{SHIM}")
    clients = ctx.facts.clients
    uses = [m for m in (clients.script_mentions if clients is not None else []) if "compose" in m]
    if uses:
        return warn("Neither `docker compose` nor `docker-compose` is in the job image, and the "
                    "job uses compose.", *evidence, ("compose use", ", ".join(uses)), fix=fix)
    if clients is not None and clients.project_dir:
        return info("Neither `docker compose` nor `docker-compose` is in the job image; nothing "
                    "in the CI file or the project uses compose.", *evidence,
                    ("compose use", "none in the CI file, no compose file in the project"),
                    fix=fix)
    # outside a job (no project directory to read) nothing says compose is needed: a missing
    # tool the job may never call is no warning
    return info("Neither `docker compose` nor `docker-compose` is in the job image; whether "
                "the job uses compose is unknown here (no CI project directory to read).",
                *evidence, ("compose use", "unknown"), fix=fix)


