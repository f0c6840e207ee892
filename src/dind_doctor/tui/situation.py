"""The job's situation as catalog tags, read from a report (never probed).

Fix-tree nodes in the catalog may carry ``when: [tag, ...]``; the app opens a tree on the fix
whose tags the report shows (:meth:`dind_doctor.catalog.FixNode.fix_for`). The tags:

- ``docker-executor`` / ``kubernetes`` / ``shell-executor``: the executor the
  ``job-environment`` finding names (``KUBERNETES_SERVICE_HOST`` set means Kubernetes);
- ``tls`` / ``plain`` / ``unix-socket``: what the job's client means to use: TLS (TLS
  settings, or port 2376, the TLS port), plain TCP (no TLS, another port), or a unix socket;
- ``gitlab-com``: the job runs on GitLab.com;
- ``custom-alias``: DOCKER_HOST names a host other than ``docker`` (and not an address).

Nothing here imports Textual.
"""

from __future__ import annotations

import ipaddress

from ..model import Report

EXECUTOR_TAGS = {"docker": "docker-executor", "kubernetes": "kubernetes",
                 "shell": "shell-executor"}
TLS_PORT = 2376
SERVICE_ALIAS = "docker"


def situation(report: Report) -> frozenset[str]:
    """The tags that describe the job this report was made in."""
    tags: set[str] = set()
    executor = _evidence(report, "job-environment", "executor")
    if executor:
        word = executor.split(maxsplit=1)[0].casefold()
        if word in EXECUTOR_TAGS:
            tags.add(EXECUTOR_TAGS[word])
    if _evidence(report, "job-environment", "GitLab").endswith("(GitLab.com)"):
        tags.add("gitlab-com")
    endpoint = report.endpoint
    if endpoint is None:  # a report on files only: no endpoint to tag
        pass
    elif endpoint.scheme == "unix":
        tags.add("unix-socket")
    elif endpoint.scheme in ("tcp", "http", "https"):
        tls = endpoint.tls or endpoint.scheme == "https" or endpoint.port == TLS_PORT
        tags.add("tls" if tls else "plain")
        if endpoint.host and endpoint.host != SERVICE_ALIAS and not _is_address(endpoint.host):
            tags.add("custom-alias")
    return frozenset(tags)


def _evidence(report: Report, finding_id: str, label: str) -> str:
    finding = next((f for f in report.findings if f.id == finding_id), None)
    if finding is None:
        return ""
    return next((e.value for e in finding.evidence if e.label == label), "")


def _is_address(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True
