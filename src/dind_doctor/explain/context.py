"""What a job log says about where it ran and how it ended (no catalog involved)."""

from __future__ import annotations

import ipaddress
import re
from enum import Enum

from ..records import record
from .logtext import LogLine, Origin

_EXECUTOR = re.compile(r"Using (?P<name>Docker|Kubernetes|Shell|Docker Machine|Docker Autoscaler"
                       r"|Instance|Custom|SSH|VirtualBox|Parallels) executor", re.IGNORECASE)
_RUNNER = re.compile(r"^Running with gitlab-runner (?P<version>\d+\.\d+\.\d+)")
_LOOKUP = re.compile(r"lookup (?P<name>[A-Za-z0-9_.-]+)(?: on (?P<ip>[0-9a-fA-F.:\[\]]+?):53)?"
                     r": (?P<error>no such host|Try again|server misbehaving|i/o timeout)")
_SUCCEEDED = re.compile(r"^Job succeeded\s*$")
_FAILED = re.compile(r"^ERROR: Job failed(?P<system> \(system failure\))?:? ?(?P<why>.*)$")
_PREPARATION = re.compile(r"^ERROR: Preparation failed: (?P<why>.*)$")
# a copy of GitLab's job page starts with the job's status badge ("Passed", "Failed")
_PAGE_STATUS = re.compile(r"^(?P<status>Passed|Failed)(?: Started)?$")
PAGE_HEAD = 3  # the badge sits in the first lines of such a copy


class Outcome(str, Enum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    UNKNOWN = "unknown"  # a pasted excerpt: no end-of-job line


@record(frozen=True)
class Resolver:
    """The DNS server named in ``lookup <name> on <ip>:53``, and what it says about the job."""

    name: str
    ip: str | None
    error: str
    kind: str
    meaning: str
    line: int

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "ip": self.ip, "error": self.error, "kind": self.kind,
                "meaning": self.meaning, "line": self.line}


@record(frozen=True)
class JobContext:
    outcome: Outcome
    outcome_line: str = ""
    executor: str | None = None
    runner_version: str | None = None
    resolver: Resolver | None = None

    @property
    def kubernetes(self) -> bool:
        return (self.executor or "").casefold() == "kubernetes" or (
            self.resolver is not None and self.resolver.kind == "cluster-dns")

    def to_dict(self) -> dict[str, object]:
        return {"outcome": self.outcome.value, "outcome_line": self.outcome_line,
                "executor": self.executor, "runner_version": self.runner_version,
                "resolver": None if self.resolver is None else self.resolver.to_dict()}


_CLUSTER_NETS = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "100.64.0.0/10",
                                                    "172.16.0.0/12", "192.168.0.0/16")]


def classify_resolver(ip: str | None, *, kubernetes: bool = False) -> tuple[str, str]:
    """``(kind, meaning)`` of a resolver address, after failure-modes §3 "resolver
    fingerprints" (127.0.0.11 per-job network, 169.254.169.254 GitLab.com/GCP, cluster DNS)."""
    if ip is None:
        return ("local", "resolved through /etc/hosts or the C library; no DNS server named "
                         "(\"Try again\" on Alpine/musl is often transient)")
    try:
        addr = ipaddress.ip_address(ip.strip("[]"))
    except ValueError:
        return "other", f"DNS server {ip}"
    if str(addr) == "127.0.0.11":
        return ("docker-embedded-dns",
                "Docker's embedded DNS: the job runs on a user-defined network "
                "(FF_NETWORK_PER_BUILD or network_mode), where services are found by network "
                "alias; the alias is not on that network (no service, another alias, or the "
                "service container exited)")
    if str(addr) == "169.254.169.254":
        return ("gitlab-com-gcp",
                "the GCP metadata resolver: typical of GitLab.com hosted runners (docker+machine "
                "on GCP); the service is missing or died, e.g. on a runner that is not privileged")
    if addr.is_loopback:
        return "local-resolver", f"a resolver on the job's own host ({ip})"
    if kubernetes or (any(addr in net for net in _CLUSTER_NETS) and str(addr).endswith(".10")):
        return ("cluster-dns",
                "a Kubernetes cluster DNS service (kube-dns/CoreDNS): the Kubernetes executor, "
                "where services share the pod's network and aliases come from HostAliases")
    return "host-dns", f"the runner host's DNS server {ip} (default bridge network)"


def job_context(lines: list[LogLine]) -> JobContext:
    """Outcome, executor, runner version and the first failed lookup, read off the log."""
    outcome, outcome_line = Outcome.UNKNOWN, ""
    executor = runner = None
    lookup: tuple[re.Match[str], int] | None = None
    for index, line in enumerate(lines):
        text = line.text.strip()
        badge = _PAGE_STATUS.match(text) if index < PAGE_HEAD else None
        if badge:
            outcome = Outcome.SUCCEEDED if badge["status"] == "Passed" else Outcome.FAILED
            outcome_line = text
        if line.origin is Origin.JOB:
            if _SUCCEEDED.match(text):
                outcome, outcome_line = Outcome.SUCCEEDED, text
            elif _FAILED.match(text) or _PREPARATION.match(text):
                outcome, outcome_line = Outcome.FAILED, text
            found = _EXECUTOR.search(text)
            if found and executor is None:
                executor = found.group("name").title().replace("Ssh", "SSH")
            version = _RUNNER.match(text)
            if version and runner is None:
                runner = version.group("version")
        found_lookup = _LOOKUP.search(text)
        if found_lookup and lookup is None:
            lookup = (found_lookup, line.number)
    resolver = None
    if lookup is not None:
        match, number = lookup
        kind, meaning = classify_resolver(match.group("ip"),
                                          kubernetes=(executor or "").casefold() == "kubernetes")
        resolver = Resolver(match.group("name"), match.group("ip"), match.group("error"), kind,
                            meaning, number)
    return JobContext(outcome, outcome_line, executor, runner, resolver)
