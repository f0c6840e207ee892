"""The Docker API over the effective endpoint: ``/_ping``, ``/version``, ``/info``, the bridge."""

from __future__ import annotations

import time

from ..facts import ApiFacts
from ..model import Endpoint
from ..redact import redact_text
from .bounded import Background, Deadline, elapsed_ms, in_thread
from .http_link import ApiLink, LinkError
from .tls_sessions import TlsSessions

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (every run loads this)

if TYPE_CHECKING:
    from typing import Any

API_TIMEOUT = 4.0
# Unversioned paths: the daemon answers in its own API version. A pinned old version
# (/v1.24/...) is refused by daemons with a raised floor (Docker 29.0-29.2: 1.44), which
# would report a healthy daemon as broken.
API_PREFIX = ""
_VERSION_KEYS = ("Version", "ApiVersion", "MinAPIVersion", "Os", "Arch", "KernelVersion",
                 "GoVersion")
_INFO_KEYS = ("Name", "ServerVersion", "Driver", "DriverStatus", "Warnings", "CgroupVersion",
              "RegistryConfig",
              "CgroupDriver", "SecurityOptions", "HttpProxy", "HttpsProxy", "NoProxy",
              "OperatingSystem", "Containers", "Images", "DockerRootDir", "KernelVersion")


def _base_url(endpoint: Endpoint) -> str:
    if endpoint.scheme == "unix":
        return f"unix://{endpoint.socket_path}"
    scheme = "https" if endpoint.tls else "http"
    host = f"[{endpoint.host}]" if endpoint.host and ":" in endpoint.host else endpoint.host
    return f"{scheme}://{host}:{endpoint.port}"


def _query(endpoint: Endpoint, timeout: float, sessions: TlsSessions | None) -> dict[str, Any]:
    """``/_ping``, ``/version``, ``/info`` and the default bridge. Once the daemon answered
    the ping, ``/info`` (the slowest answer, with ``/version``) is asked on a second
    connection meanwhile; failures still count in that order."""
    with ApiLink(endpoint, timeout, sessions) as link:
        result: dict[str, Any] = {
            "ping": link.get(f"{API_PREFIX}/_ping").body.decode("utf-8", "replace") == "OK"}
        info_job = Background(lambda: _get_json(endpoint, timeout, sessions,
                                                f"{API_PREFIX}/info"))
        version = link.get("/version").json()
        result["version"] = {k: version.get(k) for k in _VERSION_KEYS if k in version}
        info = info_job.result(timeout + 0.5)
        result["info"] = {k: info.get(k) for k in _INFO_KEYS if k in info}
        try:
            bridge = link.get(f"{API_PREFIX}/networks/bridge").json()
            mtu = (bridge.get("Options") or {}).get("com.docker.network.driver.mtu")
            result["bridge_mtu"] = int(mtu) if mtu else 1500
        except Exception:
            result["bridge_mtu"] = None  # no default bridge (--bridge=none)
        return result


def _get_json(endpoint: Endpoint, timeout: float, sessions: TlsSessions | None,
              path: str) -> Any:
    with ApiLink(endpoint, timeout, sessions) as link:
        return link.get(path).json()


def probe_api(endpoint: Endpoint, deadline: Deadline,
                    sessions: TlsSessions | None = None) -> ApiFacts:
    """What the API answers; ``sessions``: TLS contexts and sessions shared with the TLS probe."""
    started = time.perf_counter()
    facts = ApiFacts(url=_base_url(endpoint) if endpoint.scheme in ("tcp", "unix") else
                     endpoint.url)
    if endpoint.scheme not in ("tcp", "unix"):
        facts.error = endpoint.error or f"{endpoint.scheme} endpoints are not probed"
        return facts
    facts.attempted = True
    budget = deadline.budget(API_TIMEOUT)
    try:
        result = in_thread(lambda: _query(endpoint, budget, sessions), budget + 0.5)
    except TimeoutError:
        facts.timed_out, facts.error = True, f"no answer within {budget:.1f} s"
    except Exception as exc:  # each failure is an observation
        facts.error = redact_text(_describe(exc))
        facts.timed_out = "timed out" in facts.error.lower()
    else:
        facts.ping_ok = bool(result.get("ping"))
        facts.version = result.get("version", {})
        facts.info = result.get("info", {})
        facts.bridge_mtu = result.get("bridge_mtu")
    facts.duration_ms = elapsed_ms(started)
    return facts


def _describe(exc: BaseException) -> str:
    text = str(exc) if isinstance(exc, LinkError) else f"{type(exc).__name__}: {exc}"
    return text if len(text) <= 400 else text[:400] + "…"
