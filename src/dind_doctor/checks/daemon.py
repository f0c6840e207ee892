"""Daemon link: how the dind daemon is set up (storage driver, MTU, its own warnings)."""

from __future__ import annotations

from ..model import Link
from . import gates
from .base import Context, Verdict, check, info, ok, warn

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (every run loads this)

if TYPE_CHECKING:
    from typing import Any


def _info(ctx: Context) -> dict[str, Any]:
    api = ctx.facts.api
    return api.info if api is not None and api.ping_ok else {}


@check("storage-driver-vfs-fallback", Link.DAEMON, "Storage driver", needs=gates.API)
def storage_driver_vfs_fallback(ctx: Context) -> Verdict | None:
    daemon = _info(ctx)
    driver = daemon.get("Driver")
    if not driver:
        return None
    status = dict(daemon.get("DriverStatus") or [])
    evidence: list[tuple[str, object]] = [
        ("driver", driver),
        ("backing filesystem", status.get("Backing Filesystem")),
        ("DOCKER_DRIVER", ctx.env.get("DOCKER_DRIVER", "(unset)")),
        ("root dir", daemon.get("DockerRootDir")),
    ]
    if driver == "vfs":
        return warn("dind runs on the vfs storage driver: it works, but copies every layer "
                    "(slow builds, much disk).", *evidence,
                    fix="Drop DOCKER_DRIVER: vfs; overlay2 needs a privileged service with "
                        "/var/lib/docker on ext4/xfs (Kubernetes: an emptyDir volume there).")
    return ok(f"Storage driver {driver}.", *evidence)


@check("mtu-mismatch", Link.DAEMON, "Network MTU", needs=gates.API)
def mtu_mismatch(ctx: Context) -> Verdict | None:
    env = ctx.facts.env
    bridge = ctx.facts.api.bridge_mtu if ctx.facts.api is not None else None
    interface = env.default_interface
    if interface is None and len(env.interfaces_mtu) == 1:
        interface = next(iter(env.interfaces_mtu))
    job_mtu = env.interfaces_mtu.get(interface) if interface else None
    if bridge is None or job_mtu is None:
        return None
    evidence: list[tuple[str, object]] = [
        (f"job {interface} MTU", job_mtu), ("dind bridge MTU", bridge),
    ]
    if job_mtu < bridge:
        return warn(f"dind's bridge MTU {bridge} is larger than the job network's {job_mtu}: "
                    "large packets from containers inside dind get dropped (builds hang in "
                    "apt-get, pip, TLS handshakes).", *evidence,
                    fix=f"Start the service with command: [\"--mtu={job_mtu}\"] (and "
                        f"network_mtu = {job_mtu} in config.toml with FF_NETWORK_PER_BUILD).")
    return ok(f"dind's bridge MTU {bridge} fits the job network's {job_mtu}.", *evidence)


@check("daemon-warnings", Link.DAEMON, "Daemon warnings", needs=gates.API)
def daemon_warnings(ctx: Context) -> Verdict | None:
    daemon = _info(ctx)
    if not daemon:
        return None
    warnings = daemon.get("Warnings") or []
    lines = [str(line).strip() for line in warnings if str(line).strip()]
    if lines:
        return info(f"The daemon reports {len(lines)} warning(s): {lines[0]}",
                    *((f"warning {i}", line) for i, line in enumerate(lines, 1)))
    return ok("The daemon reports no warnings.",
              ("server version", daemon.get("ServerVersion")),
              ("cgroup", f"v{daemon.get('CgroupVersion', '?')} "
                         f"({daemon.get('CgroupDriver', '?')})"),
              ("security options", daemon.get("SecurityOptions")))
