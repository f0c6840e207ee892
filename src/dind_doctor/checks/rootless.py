"""Rootless dind (``docker:*-dind-rootless``): what changes when the daemon is not root."""

from __future__ import annotations

from ..model import Link
from .base import Context, Verdict, check, info
from .daemon_facts import daemon_info, is_rootless, kernel_version, security_options, version_tuple

# Docker's rootless overlay2 needs a kernel that allows overlayfs in a user namespace.
ROOTLESS_OVERLAY_KERNEL = (5, 11)


@check("rootless-dind", Link.DAEMON, "Rootless daemon")
def rootless_dind(ctx: Context) -> Verdict | None:
    daemon = daemon_info(ctx)
    if not daemon or not is_rootless(daemon):
        return None
    endpoint = ctx.endpoint
    driver = str(daemon.get("Driver") or "")
    kernel = kernel_version(ctx)
    notes = [
        "the rootless image still needs a privileged service container (services_privileged "
        "with docker:*-dind-rootless allowed), while the job container need not be privileged",
        "it listens on 2376 with TLS (2375 only when DOCKER_TLS_CERTDIR is empty), forwarded by "
        "rootlesskit, so the daemon sees rootlesskit, not the job, as the peer",
        "ports published by containers inside (docker run -p) are forwarded by rootlesskit; "
        "ports below 1024 need net.ipv4.ip_unprivileged_port_start lowered in the service",
        "its containers cannot reach the service container's loopback "
        "(--disable-host-loopback), and its network MTU is rootlesskit's "
        "(DOCKERD_ROOTLESS_ROOTLESSKIT_MTU, 1500 by default)",
    ]
    kernel_tuple = version_tuple(kernel)
    if driver in ("vfs", "fuse-overlayfs"):
        old = kernel_tuple is not None and kernel_tuple[:2] < ROOTLESS_OVERLAY_KERNEL
        notes.append(f"images are stored on {driver}"
                     + (f": kernel {kernel} is older than 5.11, which rootless overlay2 needs"
                        if old else ", not overlay2"))
    return info(
        "The dind daemon runs rootless (SecurityOptions name=rootless). What changes: "
        + "; ".join(notes) + ". Nothing here conflicts with what the job does.",
        ("security options", security_options(daemon)),
        ("DOCKER_HOST", endpoint.url),
        ("server version", daemon.get("ServerVersion")),
        ("storage driver", driver or None),
        ("kernel", kernel),
        ("docker root", daemon.get("DockerRootDir")),
    )
