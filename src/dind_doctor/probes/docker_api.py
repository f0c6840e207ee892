"""The Docker API over the effective endpoint, through the docker SDK."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from ..facts import ApiFacts
from ..model import Endpoint
from ..redact import redact_text
from .bounded import Deadline, elapsed_ms, in_thread

API_TIMEOUT = 4.0
_VERSION_KEYS = ("Version", "ApiVersion", "MinAPIVersion", "Os", "Arch", "KernelVersion",
                 "GoVersion")
_INFO_KEYS = ("Name", "ServerVersion", "Driver", "DriverStatus", "Warnings", "CgroupVersion",
              "CgroupDriver", "SecurityOptions", "HttpProxy", "HttpsProxy", "NoProxy",
              "OperatingSystem", "Containers", "Images", "DockerRootDir", "KernelVersion")


def _base_url(endpoint: Endpoint) -> str:
    if endpoint.scheme == "unix":
        return f"unix://{endpoint.socket_path}"
    scheme = "https" if endpoint.tls else "http"
    host = f"[{endpoint.host}]" if endpoint.host and ":" in endpoint.host else endpoint.host
    return f"{scheme}://{host}:{endpoint.port}"


def _query(endpoint: Endpoint, timeout: float) -> dict[str, Any]:
    import docker  # imported here: it is the slowest import of the tool
    from docker.tls import TLSConfig

    tls: Any = False
    if endpoint.tls and endpoint.cert_path:
        path = endpoint.cert_path.rstrip("/")
        tls = TLSConfig(client_cert=(f"{path}/cert.pem", f"{path}/key.pem"),
                        ca_cert=f"{path}/ca.pem" if endpoint.tls_verify else None,
                        verify=endpoint.tls_verify)
    # types-docker says int; docker-py hands the timeout to requests, which takes seconds as float
    client = docker.APIClient(base_url=_base_url(endpoint), tls=tls,
                              timeout=timeout,  # type: ignore[arg-type]
                              version="1.24")
    client.trust_env = False  # judge the daemon, not REQUESTS_CA_BUNDLE or a proxy
    try:
        result: dict[str, Any] = {"ping": client.ping()}
        version = client.version(api_version=False)
        result["version"] = {k: version.get(k) for k in _VERSION_KEYS if k in version}
        info = client.info()
        result["info"] = {k: info.get(k) for k in _INFO_KEYS if k in info}
        try:
            bridge = client.inspect_network("bridge")
            mtu = (bridge.get("Options") or {}).get("com.docker.network.driver.mtu")
            result["bridge_mtu"] = int(mtu) if mtu else 1500
        except Exception:
            result["bridge_mtu"] = None  # no default bridge (--bridge=none)
        return result
    finally:
        client.close()


async def probe_api(endpoint: Endpoint, deadline: Deadline) -> ApiFacts:
    started = time.perf_counter()
    facts = ApiFacts(url=_base_url(endpoint) if endpoint.scheme in ("tcp", "unix") else
                     endpoint.url)
    if endpoint.scheme not in ("tcp", "unix"):
        facts.error = endpoint.error or f"{endpoint.scheme} endpoints are not probed"
        return facts
    facts.attempted = True
    budget = deadline.budget(API_TIMEOUT)
    try:
        result = await in_thread(lambda: _query(endpoint, budget), budget + 0.5)
    except asyncio.TimeoutError:
        facts.timed_out, facts.error = True, f"no answer within {budget:.1f} s"
    except Exception as exc:  # the SDK raises many types; each is an observation
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
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= 400 else text[:400] + "…"
