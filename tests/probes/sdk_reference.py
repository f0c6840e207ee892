"""The Docker API probe as it was written with the Docker SDK: the reference the
project's own HTTP client must match, fact for fact, in the same situation (the same
paths, asked through docker-py and requests)."""

from __future__ import annotations

import warnings
from typing import Any

from dind_doctor.facts import ApiFacts
from dind_doctor.model import Endpoint
from dind_doctor.probes.docker_api import _INFO_KEYS, _VERSION_KEYS, API_PREFIX, _base_url


def sdk_api_facts(endpoint: Endpoint, timeout: float) -> ApiFacts:
    """ApiFacts as docker-py (over requests) observes them; blocking."""
    facts = ApiFacts(url=_base_url(endpoint), attempted=True)
    try:
        result = _query(endpoint, timeout)
    except Exception as exc:
        text = f"{type(exc).__name__}: {exc}"
        facts.error = text if len(text) <= 400 else text[:400] + "…"
        facts.timed_out = "timed out" in facts.error.lower()
    else:
        facts.ping_ok = bool(result["ping"])
        facts.version, facts.info = result["version"], result["info"]
        facts.bridge_mtu = result["bridge_mtu"]
    return facts


def _query(endpoint: Endpoint, timeout: float) -> dict[str, Any]:
    with warnings.catch_warnings():  # InsecureRequestWarning without verification
        warnings.simplefilter("ignore")
        return _sdk_query(endpoint, timeout)


def _sdk_query(endpoint: Endpoint, timeout: float) -> dict[str, Any]:
    import docker
    from docker.tls import TLSConfig

    tls: Any = False
    if endpoint.tls and endpoint.cert_path:
        path = endpoint.cert_path.rstrip("/")
        tls = TLSConfig(client_cert=(f"{path}/cert.pem", f"{path}/key.pem"),
                        ca_cert=f"{path}/ca.pem" if endpoint.tls_verify else None,
                        verify=endpoint.tls_verify)
    # a fixed version: no negotiation round trip; the paths below are the probe's own
    client = docker.APIClient(base_url=_base_url(endpoint), tls=tls, timeout=timeout,
                              version="1.24")
    client.trust_env = False

    def get(path: str, *, json: bool = True) -> Any:
        return client._result(client._get(f"{client.base_url}{API_PREFIX}{path}"), json=json)

    try:
        result: dict[str, Any] = {"ping": get("/_ping", json=False) == "OK"}
        version = client.version(api_version=False)
        result["version"] = {k: version.get(k) for k in _VERSION_KEYS if k in version}
        info = get("/info")
        result["info"] = {k: info.get(k) for k in _INFO_KEYS if k in info}
        try:
            bridge = get("/networks/bridge")
            mtu = (bridge.get("Options") or {}).get("com.docker.network.driver.mtu")
            result["bridge_mtu"] = int(mtu) if mtu else 1500
        except Exception:
            result["bridge_mtu"] = None
        return result
    finally:
        client.close()
