"""Write the bundled scenario files (``src/dind_doctor/scenarios/*.json``) from the factories.

    python -m tests.checks.make_scenarios            # rewrite the bundled files
    python -m tests.checks.make_scenarios OUT_DIR    # write them elsewhere
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from dind_doctor.facts import Facts
from dind_doctor.model import Status
from tests.factories import FactsBuilder

BUNDLED = Path(__file__).resolve().parents[2] / "src" / "dind_doctor" / "scenarios"


def _tls_mismatch_2375() -> Facts:
    return (FactsBuilder.healthy_tls()
            .env(DOCKER_HOST="tcp://docker:2375", DOCKER_TLS_VERIFY=None, DOCKER_CERT_PATH=None)
            .without_client_certs()
            .api_down("Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker "
                      "daemon running?")
            .api(url="http://docker:2375")
            .build())


def _alias_missing() -> Facts:
    return (FactsBuilder.healthy_tls()
            .env(FF_NETWORK_PER_BUILD="true", CI_BUILD_NETWORK_NAME="runner-abc123-project-1")
            .unresolved(nameservers=("127.0.0.11",))
            .without_client_certs()
            .tls(attempted=False, handshake_ok=False, server_cert=None, tls_version=None,
                 client_cert_accepted=None, response=None,
                 error="lookup docker on 127.0.0.11:53: no such host")
            .api_down("failed to connect to the docker API at tcp://docker:2376: lookup docker "
                      "on 127.0.0.11:53: no such host")
            .build())


def _certs_not_shared() -> Facts:
    return (FactsBuilder.healthy_tls()
            .without_client_certs()
            .api_down("could not read CA certificate \"/certs/client/ca.pem\": open "
                      "/certs/client/ca.pem: no such file or directory")
            .build())


def _k8s_wiring() -> Facts:
    return (FactsBuilder.healthy_tls()
            .kubernetes()
            .env(DOCKER_TLS_VERIFY=None, DOCKER_CERT_PATH=None)
            .api_down("Error response from daemon: Client sent an HTTP request to an HTTPS "
                      "server.")
            .api(url="http://docker:2376")
            .build())


SCENARIOS: dict[str, Callable[[], Facts]] = {
    "healthy-tls": lambda: FactsBuilder.healthy_tls().build(),
    "healthy-plain": lambda: FactsBuilder.healthy_plain().build(),
    "tls-mismatch-2375": _tls_mismatch_2375,
    "alias-missing": _alias_missing,
    "certs-not-shared": _certs_not_shared,
    "vfs": lambda: FactsBuilder.healthy_tls().daemon_info(
        Driver="vfs", DriverStatus=[]).env(DOCKER_DRIVER="vfs").build(),
    "compose-missing": lambda: FactsBuilder.healthy_tls().without_compose().build(),
    "k8s-wiring": _k8s_wiring,
    # /info Warnings must be a list; a number makes daemon-warnings raise (-> status error)
    "check-error": lambda: FactsBuilder.healthy_tls().daemon_info(Warnings=5).build(),
}

# what a newcomer should be told first in each scenario (None: a healthy chain)
HEADLINES: dict[str, tuple[str, Status] | None] = {
    "healthy-tls": None,
    "healthy-plain": None,
    "tls-mismatch-2375": ("daemon-tls-client-plain-2375", Status.FAIL),
    "alias-missing": ("alias-unresolvable", Status.FAIL),
    "certs-not-shared": ("certs-client-not-shared", Status.FAIL),
    "vfs": ("storage-driver-vfs-fallback", Status.WARN),
    "compose-missing": ("compose-missing", Status.WARN),
    "k8s-wiring": ("k8s-executor-wiring", Status.FAIL),
    "check-error": ("daemon-warnings", Status.ERROR),
}


def write_scenarios(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in SCENARIOS.items():
        target = directory / f"{name}.json"
        make().save(target)
        written.append(target)
    return written


if __name__ == "__main__":
    for path in write_scenarios(Path(sys.argv[1]) if len(sys.argv) > 1 else BUNDLED):
        print(path)
