"""Free space where the job writes: the builds directory and, for a local daemon, its root."""

from __future__ import annotations

from ..facts import DiskFact
from ..model import Link
from . import gates
from .base import Context, Verdict, check, info, warn

LOW_FREE_BYTES = 1 << 30  # below 1 GiB free a clone, a build context or an image pull fails
GIB = float(1 << 30)


def _describe(disk: DiskFact) -> str:
    if disk.error or disk.free_bytes is None:
        return f"{disk.path}: not measured ({disk.error or 'no answer'})"
    total = f" of {disk.total_bytes / GIB:.1f} GiB" if disk.total_bytes else ""
    return f"{disk.path}: {disk.free_bytes / GIB:.1f} GiB free{total}"


@check("disk-space-exhaustion", Link.DAEMON, "Free disk space", needs=gates.JOB)
def disk_space_exhaustion(ctx: Context) -> Verdict | None:
    host = ctx.facts.host
    disks = [d for d in host.disks if d.free_bytes is not None] if host is not None else []
    if host is None or not disks:
        return None
    evidence: list[tuple[str, object]] = [(d.role, _describe(d)) for d in host.disks]
    low = [d for d in disks if d.free_bytes is not None and d.free_bytes < LOW_FREE_BYTES]
    if low:
        first = low[0]
        return warn(f"The {first.role} has less than 1 GiB free ({_describe(first)}): clones, "
                    "build contexts and image layers written there fail with \"no space left on "
                    "device\".", *evidence,
                    fix="Free space on the runner host: docker volume prune -f and docker "
                        "system prune -f (or GitLab Runner's clear-docker-cache prune-volumes), "
                        "on a schedule; on Kubernetes, ephemeral-storage requests and a larger "
                        "node disk.")
    return info("Free space is above the 1 GiB warning threshold: "
                + "; ".join(f"{d.role} {d.free_bytes / GIB:.1f} GiB" for d in disks
                            if d.free_bytes is not None) + ".", *evidence)
