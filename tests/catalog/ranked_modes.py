"""The failure modes ranked by how often users hit them (shared by the catalog tests)."""

# research/failure-modes.md section 1, the ranking table, in rank order (1-40). Kept here as
# data: the test suite does not read the research notes. Every id needs a catalog entry
# (test_research_modes.py); a mode added to the research is added here first.
RANKED_MODES = (
    "daemon-tls-client-plain-2375", "alias-unresolvable", "privileged-missing",
    "docker-host-unset-unix-socket", "daemon-not-ready-race", "iptables-backend-mismatch",
    "api-version-skew", "certs-client-not-shared", "k8s-executor-wiring", "mtu-mismatch",
    "socket-binding-mixed-with-dind", "compose-missing", "floating-tag-breakage",
    "registry-rate-limit", "inner-daemon-registry-trust", "bind-mount-path-not-in-dind",
    "env-propagation-to-service", "client-plain-http-to-tls-port",
    "daemon-plain-client-expects-tls", "published-port-localhost",
    "service-healthcheck-timeout", "missing-kernel-netfilter-modules", "disk-space-exhaustion",
    "proxy-not-propagated", "nested-dns", "cgroup-v2-old-dind", "storage-driver-vfs-fallback",
    "overlay-on-overlay", "shell-executor-specifics", "gitlab-saas-runner-specifics",
    "ff-network-per-build-effects", "registry-auth-not-inherited",
    "certs-shared-stale-or-concurrent", "tls-san-mismatch-custom-alias",
    "unix-socket-shared-volume-misconfig", "rootless-dind", "stale-pinned-dind",
    "python-strict-x509-dind-ca", "clock-skew-cert-validity", "buildkit-default-network",
)
