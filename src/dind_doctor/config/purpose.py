"""What a runner is for, inferred from its config, and which CI jobs would land on it.

DinD advice (privileged, the /certs/client volume, the service wait) is only right for a
runner that runs dind. A runner that binds the host socket, or one kept unprivileged for
kaniko/buildkit, must not be told to turn privileged on. The inference uses what the file
shows: volumes, privileged, runner-level services, the default image, its name, comments
and tags; then, by tags, which jobs of the given ``.gitlab-ci.yml`` GitLab would send to it.
"""

from __future__ import annotations

import re

from ..records import field, record
from .filefacts import JobDecl, RunnerDecl

SOCKET_TARGETS = ("/var/run/docker.sock", "/var/run", "/run")
CERT_TARGETS = ("/certs/client", "/certs")
_DAEMONLESS = re.compile(r"\b(kaniko|buildkitd?|buildctl|buildah|podman|daemonless)\b", re.I)
_DIND = re.compile(r"\b(dind|docker[- ]in[- ]docker)\b", re.I)
_NOT_DIND = re.compile(r"\b(no|not|without|never|instead of)\b[^.;:]{0,20}"
                       r"\b(dind|docker[- ]in[- ]docker|privileged)\b", re.I)

DIND, SOCKET, DAEMONLESS, UNKNOWN = "dind", "socket", "daemonless", "unknown"
KIND_TEXT = {DIND: "Docker-in-Docker", SOCKET: "socket binding to the host daemon",
             DAEMONLESS: "daemonless builds (kaniko/buildkit)", UNKNOWN: "unknown purpose"}


@record
class Purpose:
    """The inferred use of one runner and the facts it rests on."""

    kind: str
    reasons: list[str] = field(default_factory=list)
    dind_signals: list[str] = field(default_factory=list)  # also set on a socket runner

    def describe(self) -> str:
        if not self.reasons:
            return f"{KIND_TEXT[self.kind]}: nothing in its config says what it is for"
        return f"{KIND_TEXT[self.kind]}, because {'; '.join(self.reasons)}"


def _words(runner: RunnerDecl) -> list[tuple[str, str]]:
    """(where, text) of everything written about the runner in prose."""
    out = [("name", runner.name), ("image", runner.image)]
    out += [("comment", c) for c in runner.comments]
    out += [("tags", t) for t in runner.tags or []]
    return [(where, text) for where, text in out if text]


def _first(pattern: re.Pattern[str], words: list[tuple[str, str]]) -> str | None:
    for where, text in words:
        match = pattern.search(text)
        if match:
            return f"{where} mentions {match.group(0).lower()!r}"
    return None


def infer_purpose(runner: RunnerDecl) -> Purpose:
    """Socket binding, daemonless, DinD or unknown, strongest evidence first."""
    targets = {v.target.rstrip("/") or "/": v for v in runner.volumes}
    words = _words(runner)
    dind: list[str] = []
    if any(s.is_dind for s in runner.services):
        dind.append("the runner starts a dind service itself")
    certs = [t for t in CERT_TARGETS if t in targets]
    if certs:
        dind.append(f"volumes share {certs[0]} (dind's client certs)")
    negated = _first(_NOT_DIND, words)
    mention = None if negated else _first(_DIND, words)
    socket = [t for t in SOCKET_TARGETS if t in targets and not runner.kubernetes] + [
        v.target for v in runner.volumes if runner.kubernetes and v.kind == "host_path"
        and v.target.rstrip("/") in SOCKET_TARGETS]
    if socket:
        return Purpose(SOCKET, [f"volumes mount {socket[0]} from the host"], dind)
    daemonless = _first(_DAEMONLESS, words)
    if daemonless and not dind and runner.privileged is not True:
        reasons = [daemonless]
        if runner.privileged is False:
            reasons.append("privileged = false")
        if negated:
            reasons.append(negated)
        return Purpose(DAEMONLESS, reasons)
    if dind or mention:
        return Purpose(DIND, dind + ([mention] if mention else []), dind)
    if runner.privileged and not negated:
        return Purpose(DIND, ["privileged = true (what dind needs)"])
    return Purpose(UNKNOWN, [negated] if negated else [])


def lands_on(job: JobDecl, runner: RunnerDecl, *, only_runner: bool) -> bool | None:
    """Whether GitLab would run ``job`` on ``runner``: True, False, or None (unknown).

    A tagged job needs a runner holding all its tags; an untagged job needs a runner that
    runs untagged jobs (a server-side setting). Tags with variables are unknown. With one
    runner in the file, and nothing saying otherwise, its jobs run there.
    """
    if any("$" in t for t in job.tags):
        return True if only_runner else None
    if runner.tags is None:
        return True if only_runner else None
    if job.tags:
        return {t.lower() for t in job.tags} <= {t.lower() for t in runner.tags}
    return True if not runner.tags or only_runner else None
