"""Which earlier findings block a check: the ``needs`` of each link, in chain order.

A check lists every gate of the links before it (not only the nearest one), so a gate
that returned nothing (not applicable) never hides an earlier failure.
"""

from __future__ import annotations

JOB: tuple[str, ...] = ("job-environment",)
ENDPOINT: tuple[str, ...] = (
    *JOB, "docker-host-invalid", "docker-host-unset-unix-socket",
    "unix-socket-shared-volume-misconfig",
)
NAME: tuple[str, ...] = (*ENDPOINT, "alias-unresolvable")
PORT: tuple[str, ...] = (*NAME, "daemon-tls-client-plain-2375", "daemon-unreachable")
PROTOCOL: tuple[str, ...] = (
    *PORT, "client-plain-http-to-tls-port", "daemon-plain-client-expects-tls",
)
CERT_FILES: tuple[str, ...] = (*PROTOCOL, "certs-client-not-shared", "tls-cert-files-invalid")
TLS: tuple[str, ...] = (
    *CERT_FILES, "tls-unknown-authority", "tls-san-mismatch-custom-alias",
    "clock-skew-cert-validity", "tls-client-cert-rejected",
)
API: tuple[str, ...] = (*TLS, "api-version-skew", "daemon-api")
