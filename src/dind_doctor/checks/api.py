"""API link: does the daemon answer, and do client and daemon share an API version?"""

from __future__ import annotations

import re

from ..facts import ApiFacts
from ..model import Link
from . import gates
from .base import Context, Verdict, check, error, fail, ok, probe_error
from .observed import version_tuple

SKEW_TEXT = re.compile(r"client version ([\d.]+) is too (old|new)\.?\s*"
                       r"(?:Minimum|Maximum) supported API version is ([\d.]+)", re.IGNORECASE)
ALIGN_FIX = ("Use the same major for image and service (docker:29-cli with docker:29-dind); for "
             "an old client give dind DOCKER_MIN_API_VERSION: \"1.40\".")


def _api_facts(ctx: Context) -> ApiFacts | Verdict | None:
    if ctx.endpoint.scheme not in ("tcp", "unix"):
        return None
    failed = probe_error(ctx, "api")
    if failed:
        return failed
    return ctx.facts.api


@check("api-version-skew", Link.API, "API versions compatible", needs=gates.TLS)
def api_version_skew(ctx: Context) -> Verdict | None:
    api = _api_facts(ctx)
    if api is None or isinstance(api, Verdict):
        return api
    tools = ctx.facts.tools
    client = tools.docker_cli.api_version if tools is not None else None
    pinned = ctx.env.get("DOCKER_API_VERSION")
    newest, oldest = api.version.get("ApiVersion"), api.version.get("MinAPIVersion")
    evidence: list[tuple[str, object]] = [
        ("client API", client), ("DOCKER_API_VERSION", pinned or "(unset)"),
        ("daemon API", f"{oldest} .. {newest}" if newest else None),
        ("daemon version", api.version.get("Version")),
    ]
    said = SKEW_TEXT.search(api.error or "")
    if said:
        version, direction, limit = said.groups()
        evidence.append(("daemon said", said.group(0)))
        return fail(f"The daemon refuses API {version}: too {direction} (its "
                    f"{'minimum' if direction == 'old' else 'maximum'} is {limit}).",
                    *evidence, fix=ALIGN_FIX)
    wanted = version_tuple(pinned or client)
    low, high = version_tuple(oldest), version_tuple(newest)
    if wanted is None or high is None:
        return None
    if low is not None and wanted < low:
        return fail(f"The client speaks API {pinned or client}, older than the daemon's minimum "
                    f"{oldest}: every call fails with 'client version is too old'.", *evidence,
                    fix=ALIGN_FIX)
    if wanted > high and pinned:
        return fail(f"DOCKER_API_VERSION={pinned} is newer than the daemon's {newest}.",
                    *evidence, fix=f"Unset DOCKER_API_VERSION or set it to {newest}.")
    if wanted > high:
        return ok(f"The client (API {client}) is newer than the daemon ({newest}) and negotiates "
                  "down.", *evidence)
    return ok(f"Client API {pinned or client} is within the daemon's {oldest} .. {newest}.",
              *evidence)


@check("daemon-api", Link.API, "Docker API answers", needs=(*gates.TLS, "api-version-skew"))
def daemon_api(ctx: Context) -> Verdict | None:
    api = _api_facts(ctx)
    if isinstance(api, Verdict):
        return api
    if api is None or not api.attempted:
        return error("The Docker API was not queried.")
    version = api.version
    evidence: list[tuple[str, object]] = [
        ("url", api.url),
        ("server version", version.get("Version")),
        ("API version", version.get("ApiVersion")),
        ("minimum API", version.get("MinAPIVersion")),
        ("platform", "/".join(filter(None, [version.get("Os"), version.get("Arch")])) or None),
        ("kernel", version.get("KernelVersion")),
    ]
    if api.ping_ok:
        return ok(f"Docker {version.get('Version', '?')} answers at {api.url} "
                  f"(API {version.get('ApiVersion', '?')}).", *evidence,
                  duration_ms=api.duration_ms)
    evidence.append(("error", api.error))
    what = "timed out" if api.timed_out else f"failed: {api.error}"
    return fail(f"The Docker API at {api.url} {what}.", *evidence,
                fix="Run `docker info` in the job with the same variables to see the client's "
                    "own error; the earlier links show what was reachable.",
                duration_ms=api.duration_ms)
