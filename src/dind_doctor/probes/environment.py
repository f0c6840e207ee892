"""The job's own environment: variables, well-known paths, network interfaces, resolver."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Mapping

from ..endpoint import paths_to_stat
from ..facts import EnvFacts, PathFact
from ..redact import redact_var

_RELEVANT = re.compile(
    r"^(DOCKER_.*|.*_PROXY|.*_proxy|CI|CI_.*|GITLAB_.*|FF_.*|KUBERNETES_SERVICE_HOST|"
    r"HEALTHCHECK_TCP_PORT|.*_PORT_237[56]_TCP.*|XDG_RUNTIME_DIR|REQUESTS_CA_BUNDLE|"
    r"CURL_CA_BUNDLE|SSL_CERT_FILE|SSL_CERT_DIR|HOME)$"
)
_MAX_FILE = 1 << 20


def relevant_vars(environ: Mapping[str, str]) -> dict[str, str]:
    """The variables that shape the DinD chain, with secret values redacted."""
    return {k: redact_var(k, v) for k, v in sorted(environ.items()) if _RELEVANT.match(k)}


def stat_path(path: str) -> PathFact:
    """What ``lstat`` and ``access`` say about one path; never raises."""
    fact = PathFact(path=path)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return fact
    except OSError as exc:
        fact.kind, fact.error = "error", f"{exc.strerror or exc}"
        return fact
    mode = st.st_mode
    fact.kind = (
        "socket" if stat.S_ISSOCK(mode) else "dir" if stat.S_ISDIR(mode)
        else "symlink" if stat.S_ISLNK(mode) else "file" if stat.S_ISREG(mode) else "other"
    )
    if fact.kind == "symlink":  # follow it once, as clients do
        target = stat_path(os.path.realpath(path))
        target.path = path
        return target
    fact.size = st.st_size
    fact.mode = f"{stat.S_IMODE(mode):04o}"
    fact.mtime = round(st.st_mtime, 3)
    fact.readable = os.access(path, os.R_OK)
    fact.writable = os.access(path, os.W_OK)
    return fact


def read_small(path: str) -> str:
    """A text file of at most 1 MiB (configuration files, /proc entries)."""
    with open(path, "rb") as handle:
        return handle.read(_MAX_FILE).decode("utf-8", "replace")


def pid1_start_time() -> float | None:
    """When PID 1 of this container (the job) started, in epoch seconds."""
    try:
        fields = read_small("/proc/1/stat").rsplit(")", 1)[1].split()
        ticks = int(fields[19])
        btime = next(int(line.split()[1]) for line in read_small("/proc/stat").splitlines()
                     if line.startswith("btime "))
        return round(btime + ticks / os.sysconf("SC_CLK_TCK"), 3)
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def interfaces_mtu(root: str = "/sys/class/net") -> dict[str, int]:
    mtus: dict[str, int] = {}
    try:
        names = sorted(os.listdir(root))
    except OSError:
        return mtus
    for name in names:
        if name == "lo":
            continue
        try:
            mtus[name] = int(read_small(f"{root}/{name}/mtu").strip())
        except (OSError, ValueError):
            continue
    return mtus


def default_interface(route_file: str = "/proc/net/route") -> str | None:
    try:
        for line in read_small(route_file).splitlines()[1:]:
            parts = line.split()
            if len(parts) > 2 and parts[1] == "00000000":
                return parts[0]
    except OSError:
        pass
    return None


def parse_resolv_conf(text: str) -> list[str]:
    servers = []
    for line in text.splitlines():
        parts = line.split("#", 1)[0].split()
        if len(parts) >= 2 and parts[0] == "nameserver":
            servers.append(parts[1])
    return servers


def parse_hosts(text: str) -> dict[str, list[str]]:
    entries: dict[str, list[str]] = {}
    for line in text.splitlines():
        parts = line.split("#", 1)[0].split()
        for name in parts[1:]:
            entries.setdefault(name.lower(), [])
            if parts[0] not in entries[name.lower()]:
                entries[name.lower()].append(parts[0])
    return entries


ENTRYPOINT_EXPORTS = ("DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH")


def read_pid1_environ(path: str = "/proc/1/environ") -> dict[str, str]:
    """The environment PID 1 of this container started with (empty when unreadable)."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(_MAX_FILE)
    except OSError:
        return {}
    pairs = (item.split(b"=", 1) for item in raw.split(b"\0") if b"=" in item)
    return {k.decode("utf-8", "replace"): v.decode("utf-8", "replace") for k, v in pairs}


def job_environ(own: Mapping[str, str], pid1: Mapping[str, str]) -> tuple[dict[str, str],
                                                                            list[str]]:
    """The job script's environment as seen from a shell opened beside it.

    The docker image entrypoint exports DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH
    and then execs the job as PID 1; a debug shell (``docker exec``) lacks those exports.
    Returns the merged environment and the names taken from PID 1.
    """
    merged = dict(own)
    taken = [name for name in ENTRYPOINT_EXPORTS if not own.get(name) and pid1.get(name)]
    for name in taken:
        merged[name] = pid1[name]
    return merged, taken


def effective_environ(environ: Mapping[str, str] | None = None) -> tuple[Mapping[str, str],
                                                                         list[str]]:
    """``environ`` as given; or, for the real process, its environment completed with what
    the job's PID 1 has and a debug shell lacks (see :func:`job_environ`)."""
    if environ is not None:
        return environ, []
    if in_container():
        return job_environ(os.environ, read_pid1_environ())
    return os.environ, []


def in_container() -> bool:
    return os.path.exists("/.dockerenv") or _cgroup_says_container()


def probe_environment(environ: Mapping[str, str] | None = None) -> EnvFacts:
    """Collect the environment facts. Synchronous: only local, bounded reads."""
    environ = os.environ if environ is None else environ
    uid = os.getuid() if hasattr(os, "getuid") else None
    home = environ.get("HOME") or os.path.expanduser("~")
    facts = EnvFacts(vars=relevant_vars(environ), uid=uid, home=home)
    # stat with the real values: redaction only applies to what is shown and saved
    for path in paths_to_stat(environ, uid, home):
        facts.paths[path] = stat_path(path)
    facts.in_container = in_container()
    facts.job_started_at = pid1_start_time()
    facts.interfaces_mtu = interfaces_mtu()
    facts.default_interface = default_interface()
    try:
        facts.resolv_nameservers = parse_resolv_conf(read_small("/etc/resolv.conf"))
    except OSError as exc:
        facts.resolv_error = exc.strerror or str(exc)
    try:
        facts.hosts_entries = {
            name: addrs for name, addrs in parse_hosts(read_small("/etc/hosts")).items()
            if name not in ("localhost", "ip6-localhost", "ip6-loopback")
        }
    except OSError as exc:
        facts.hosts_error = exc.strerror or str(exc)
    return facts


def _cgroup_says_container() -> bool:
    try:
        text = read_small("/proc/1/cgroup")
    except OSError:
        return False
    return any(word in text for word in ("docker", "kubepods", "containerd", "libpod"))
