"""Reports for the eight states the screens are tested in.

Each state is a saved facts file shipped in ``dind_doctor/scenarios``, replayed through the real
checks, exactly as ``dind-doctor --replay`` does. The runner measures the time of a check that
raised, so ``error`` findings get their duration zeroed to keep snapshots deterministic.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from dind_doctor import records
from dind_doctor.facts import Facts
from dind_doctor.model import Report, Status
from dind_doctor.report import build_report

STATES = ("healthy-tls", "tls-mismatch-2375", "alias-missing", "certs-not-shared", "vfs",
          "compose-missing", "k8s-wiring", "check-error")

# the error line a user would paste in each state (search screen snapshots)
PASTED = {
    "healthy-tls": "docker: 'compose' is not a docker command.",
    "tls-mismatch-2375": "ERROR: Cannot connect to the Docker daemon at tcp://docker:2375. Is "
                         "the docker daemon running?",
    "alias-missing": 'error during connect: Post "http://docker:2376/v1.24/auth": dial tcp: '
                     "lookup docker on 127.0.0.11:53: no such host",
    "certs-not-shared": "unable to resolve docker endpoint: open /certs/client/ca.pem: no such "
                        "file or directory",
    "vfs": "Storage Driver: vfs",
    "compose-missing": "/bin/sh: eval: line 140: docker-compose: not found",
    "k8s-wiring": "Error response from daemon: Client sent an HTTP request to an HTTPS server.",
    "check-error": "x509: certificate signed by unknown authority",
}

def scenario_file(state: str) -> Path:
    return Path(str(resources.files("dind_doctor") / "scenarios" / f"{state}.json"))


def facts_for(state: str) -> Facts:
    return Facts.load(scenario_file(state))


def report_for(state: str) -> Report:
    report = build_report(facts_for(state))
    report.findings = [records.replace(f, duration_ms=0.0) if f.status == Status.ERROR else f
                       for f in report.findings]
    return report

# a job-log excerpt as copied from GitLab's job page (search screen, several lines)
PASTED_LOG = """Using Kubernetes executor with image docker:29-cli ...
$ docker info
Client:
 Version:    29.1.2

Server:
Error response from daemon: Client sent an HTTP request to an HTTPS server.
errors pretty printing info
ERROR: Job failed: exit code 1
"""
