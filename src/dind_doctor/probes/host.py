"""The job process on its host: who it runs as, free disk, cgroup mode, client credentials.

Only local reads (``statvfs``, ``stat``, ``/etc/group``, the client's config.json); the
engine runs them in a thread under a timeout, since ``statvfs`` on a hung network mount blocks.
Credential values are never read into the facts: only registry names.
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import stat
import time
from collections.abc import Iterable, Mapping

from ..facts import ClientConfigFact, DiskFact, HostFacts, SocketOwnerFact
from .bounded import elapsed_ms
from .docker_config import DockerConfig, client_config_fact, read_docker_config, registry_names

CGROUP_V2_MARKER = "/sys/fs/cgroup/cgroup.controllers"


def disk_targets(environ: Mapping[str, str], docker_root: str | None) -> list[tuple[str, str]]:
    """(path, role) of the directories whose free space matters, without duplicates."""
    targets = [(environ.get("CI_BUILDS_DIR", ""), "builds dir"),
               (environ.get("CI_PROJECT_DIR", ""), "project dir"),
               (docker_root or "", "docker root")]
    seen: set[str] = set()
    out = []
    for path, role in targets:
        if path and path not in seen:
            seen.add(path)
            out.append((path, role))
    return out


def disk_fact(path: str, role: str) -> DiskFact:
    fact = DiskFact(path=path, role=role)
    try:
        st = os.statvfs(path)
    except OSError as exc:
        fact.error = exc.strerror or str(exc)
        return fact
    fact.free_bytes = st.f_bavail * st.f_frsize  # what an unprivileged writer may use
    fact.total_bytes = st.f_blocks * st.f_frsize
    return fact


def socket_owner(path: str) -> SocketOwnerFact | None:
    """Owner, group and mode of a socket (None when it is missing or not a socket)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISSOCK(st.st_mode):
        return None
    fact = SocketOwnerFact(path=path, uid=st.st_uid, gid=st.st_gid,
                           mode=f"{stat.S_IMODE(st.st_mode):04o}")
    try:
        entry = grp.getgrgid(st.st_gid)
    except (KeyError, OSError):
        return fact
    fact.group, fact.group_members = entry.gr_name, list(entry.gr_mem)
    return fact


def user_name(uid: int) -> str | None:
    try:
        return pwd.getpwuid(uid).pw_name
    except (KeyError, OSError):
        return None


def auth_registries(text: str) -> list[str]:
    """Registry names under ``auths`` of a docker config JSON text (never the credentials)."""
    return registry_names(json.loads(text))


def client_config(environ: Mapping[str, str], home: str) -> ClientConfigFact:
    """The config.json the docker CLI in this job reads (DOCKER_CONFIG, else ~/.docker)."""
    return client_config_fact(read_docker_config(environ, home))


def probe_host(environ: Mapping[str, str], home: str, socket_paths: Iterable[str],
               docker_root: str | None = None, config: DockerConfig | None = None) -> HostFacts:
    """Collect the host facts. Synchronous: only local reads. ``config``: the job's
    config.json, read by the caller (read here otherwise)."""
    started = time.perf_counter()
    facts = HostFacts()
    if hasattr(os, "getuid"):
        facts.uid, facts.gid = os.getuid(), os.getgid()
        facts.groups = sorted(set(os.getgroups()))
        facts.user = user_name(facts.uid)
    for path in dict.fromkeys(socket_paths):
        owner = socket_owner(path)
        if owner is not None:
            facts.socket_owners.append(owner)
    facts.cgroup_v2 = os.path.exists(CGROUP_V2_MARKER) if os.path.isdir("/sys/fs/cgroup") \
        else None
    facts.disks = [disk_fact(path, role) for path, role in disk_targets(environ, docker_root)]
    facts.client_config = client_config_fact(config or read_docker_config(environ, home))
    raw = environ.get("DOCKER_AUTH_CONFIG", "")
    if raw:
        try:
            facts.auth_config_registries = auth_registries(raw)
        except ValueError as exc:
            facts.auth_config_error = f"not valid JSON: {type(exc).__name__}"
    facts.duration_ms = elapsed_ms(started)
    return facts
