"""cgroup v2 hosts and dind images older than 20.10."""

from __future__ import annotations

from ..model import Link
from .base import Context, Verdict, check, info, warn
from .daemon_facts import daemon_info, version_tuple

CGROUP_V2_DOCKER = (20, 10, 0)  # first release with cgroup v2 support
CGROUP_V2_NESTING = (20, 10, 16)  # the dind wrapper nests cgroup v2 correctly from here on
FIX = ("Use a current dind image (at least 20.10.16, ideally the same major as the client), "
       "e.g. services: [docker:29-dind].")


@check("cgroup-v2-old-dind", Link.DAEMON, "cgroup v2 and the dind version")
def cgroup_v2_old_dind(ctx: Context) -> Verdict | None:
    daemon = daemon_info(ctx)
    version = version_tuple(daemon.get("ServerVersion"))
    if not daemon or version is None or version >= CGROUP_V2_NESTING:
        return None
    reported = str(daemon.get("CgroupVersion") or "")
    host = ctx.facts.host
    job_sees_v2 = host.cgroup_v2 if host is not None else None
    # Daemons before 20.10 do not report CgroupVersion; the job container shares the host's
    # kernel (Docker and Kubernetes executors), so its own /sys/fs/cgroup tells the host's mode.
    shares_kernel = bool(ctx.facts.env.in_container) and ctx.endpoint.scheme == "tcp"
    v2 = reported == "2" or (not reported and shares_kernel and job_sees_v2 is True)
    evidence: list[tuple[str, object]] = [
        ("server version", daemon.get("ServerVersion")),
        ("daemon CgroupVersion", reported or "(not reported: older than 20.10)"),
        ("job /sys/fs/cgroup", {True: "cgroup v2", False: "cgroup v1", None: "(not read)"}
         [job_sees_v2]),
    ]
    if not v2:
        return None
    if version < CGROUP_V2_DOCKER:
        how = "reports cgroup v2" if reported == "2" else \
            "sees cgroup v2 from the job container, which shares its kernel"
        return warn(f"dind {daemon.get('ServerVersion')} predates cgroup v2 support (20.10) and "
                    f"the host uses cgroup v2 (the daemon {how}): docker run and docker build "
                    "fail with \"cgroups: cgroup mountpoint does not exist\".", *evidence, fix=FIX)
    return info(f"dind {daemon.get('ServerVersion')} supports cgroup v2, but its dind wrapper "
                "nests cgroup v2 reliably only from 20.10.16; if containers fail to start with "
                "\"cannot enter cgroupv2 ... invalid state\", upgrade.", *evidence, fix=FIX)
