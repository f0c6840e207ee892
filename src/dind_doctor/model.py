"""The report model: findings with stable ids, grouped along the DinD chain."""

from __future__ import annotations

from enum import Enum

from .records import asdict, field, record

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (every run loads this)

if TYPE_CHECKING:
    from typing import Any


class Status(str, Enum):
    """Outcome of one check. ``error`` means the check itself broke or timed out."""

    OK = "ok"
    INFO = "info"
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"
    ERROR = "error"


SEVERITY: tuple[Status, ...] = (Status.FAIL, Status.ERROR, Status.WARN, Status.INFO, Status.OK,
                                Status.SKIP)
"""Most severe first: the one order wherever several statuses are summed up in one."""


class Link(str, Enum):
    """Links of the chain, in the order a DinD job depends on them."""

    RUNNER = "runner"
    JOB = "job"
    ENDPOINT = "endpoint"
    NAME = "name"
    PORT = "port"
    PROTOCOL = "protocol"
    TLS = "tls"
    API = "api"
    DAEMON = "daemon"
    TOOLS = "tools"


CHAIN: tuple[Link, ...] = tuple(Link)

LINK_TITLES: dict[Link, str] = {
    Link.RUNNER: "Runner config",
    Link.JOB: "Job environment",
    Link.ENDPOINT: "Docker endpoint",
    Link.NAME: "Service name",
    Link.PORT: "TCP port",
    Link.PROTOCOL: "Protocol",
    Link.TLS: "TLS",
    Link.API: "Docker API",
    Link.DAEMON: "Daemon health",
    Link.TOOLS: "Tools",
}


@record(frozen=True)
class Evidence:
    """One observed fact shown to the user (values are redacted before they get here)."""

    label: str
    value: str


@record
class Finding:
    """The result of one check."""

    id: str
    link: Link
    status: Status
    title: str
    summary: str
    evidence: list[Evidence] = field(default_factory=list)
    fix: str = ""
    blocked_by: str | None = None
    duration_ms: float = 0.0

    @property
    def is_problem(self) -> bool:
        return self.status in (Status.FAIL, Status.WARN, Status.ERROR)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["link"] = self.link.value
        data["status"] = self.status.value
        data["duration_ms"] = round(self.duration_ms, 1)
        return data


@record
class Endpoint:
    """The Docker endpoint the job's client would use, and how that was derived."""

    url: str
    scheme: str  # "tcp", "unix", "ssh", "npipe", "http", "https" or "invalid"
    host: str | None = None
    port: int | None = None
    socket_path: str | None = None
    tls: bool = False
    tls_verify: bool = False
    cert_path: str | None = None
    source: str = "default"
    derivation: list[str] = field(default_factory=list)
    entrypoint_applies: bool = False
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@record
class Report:
    """Everything one run found, in chain order."""

    schema_version: str
    tool_version: str
    generated_at: str
    endpoint: Endpoint | None  # None: a report on files only (lint), no endpoint was looked at
    findings: list[Finding]

    @property
    def counts(self) -> dict[str, int]:
        counts = {status.value: 0 for status in Status}
        for finding in self.findings:
            counts[finding.status.value] += 1
        return counts

    @property
    def headline(self) -> Finding | None:
        """The first broken link: the earliest failure, else the earliest warning or error."""
        for wanted in ((Status.FAIL,), (Status.ERROR, Status.WARN)):
            for finding in self.findings:
                if finding.status in wanted:
                    return finding
        return None

    def exit_code(self, *, strict: bool = False) -> int:
        """0 nothing failed, 1 a check failed (or warned, with ``strict``)."""
        bad = {Status.FAIL, Status.ERROR} | ({Status.WARN} if strict else set())
        return 1 if any(f.status in bad for f in self.findings) else 0

    def to_dict(self) -> dict[str, Any]:
        head = self.headline
        return {
            "schema_version": self.schema_version,
            "tool": {"name": "dind-doctor", "version": self.tool_version},
            "generated_at": self.generated_at,
            "endpoint": None if self.endpoint is None else self.endpoint.to_dict(),
            "headline": None
            if head is None
            else {"id": head.id, "status": head.status.value, "summary": head.summary,
                  "fix": head.fix},
            "counts": self.counts,
            "findings": [f.to_dict() for f in self.findings],
        }
