"""Waiting for the Docker daemon (the ``wait`` command's engine): poll until it answers.

It replaces ``until docker info; do sleep 1; done`` in ``before_script``. Every poll
re-reads the environment and re-derives the endpoint exactly as the probe engine does
(client certificates that appear after the job started change it), then asks ``/_ping``
(and the rest of the read-only API) through the engine's API probe. Polls back off from
0.2 s to 2 s. The command itself (arguments, the diagnosis on timeout) is
:mod:`dind_doctor.commands.wait`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from .endpoint import derive
from .facts import ApiFacts
from .model import Endpoint
from .records import field, record
from .redact import redact_text

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (every run loads this)

if TYPE_CHECKING:
    from typing import TextIO

ATTEMPT_TIMEOUT = 4.0
FIRST_DELAY, MAX_DELAY, BACKOFF = 0.2, 2.0, 1.6
HEARTBEAT = 10.0  # seconds between "still waiting" lines in a CI log


@record
class Attempt:
    """One poll: the endpoint it used and what the API probe said."""

    at: float  # seconds since the wait started
    endpoint: str
    ok: bool
    problem: str = ""


@record
class WaitResult:
    ready: bool
    elapsed: float
    attempts: list[Attempt] = field(default_factory=list)
    endpoint: Endpoint | None = None
    gave_up: str = ""  # why polling stopped early (an endpoint that cannot be polled)


OnAttempt = Callable[[Attempt, Endpoint], None]


def current_endpoint(environ: Mapping[str, str] | None) -> Endpoint:
    """The endpoint the job's client uses right now (the engine's env probe and derivation;
    ``None``: this process's environment, completed from the job's PID 1 like the engine)."""
    from .probes.environment import effective_environ, probe_environment

    environ, inherited = effective_environ(environ)
    env = probe_environment(environ)
    return derive(environ, env.paths, uid=env.uid, home=env.home, inherited=inherited)


def describe_problem(api: ApiFacts) -> str:
    """A short reason for a failed poll, for the progress line."""
    error = api.error or "no answer"
    low = error.lower()
    if api.timed_out or "timed out" in low:
        return "no answer (timeout)"
    if api.url.startswith("unix:"):  # the HTTP client wraps these as "Connection aborted"
        if "no such file" in low:
            return "no socket at that path (no daemon there, and no socket mounted)"
        if "permission denied" in low:
            return "permission denied on the socket"
    if "refused" in low:
        return "connection refused (dockerd not listening yet)"
    if any(s in low for s in ("name or service not known", "name resolution",
                              "nodename nor servname", "no address associated")):
        return "the host name does not resolve"
    if "tlsparametererror" in low or "certificate and key files" in low or "ca_cert" in low:
        return "client certificates not (yet) in the cert directory"
    if "http request to an https server" in low:
        return "plain HTTP sent to a TLS port"
    if "ssl" in low or "certificate" in low:
        return "TLS handshake failed"
    if any(s in low for s in ("connection aborted", "remotedisconnected", "reset by peer")):
        return "the connection was closed (TLS vs plain HTTP?)"
    error = redact_text(error)
    return error if len(error) <= 90 else error[:89] + "…"


def _pollable(endpoint: Endpoint) -> bool:
    return endpoint.scheme in ("tcp", "unix")


def poll_once(endpoint: Endpoint, budget: float) -> ApiFacts:
    """One ``/_ping`` (+ version, info) through the engine's API probe, bounded by ``budget``."""
    from .probes.bounded import Deadline
    from .probes.docker_api import probe_api

    return probe_api(endpoint, Deadline(budget))


def wait_for_daemon(timeout: float, *, environ: Mapping[str, str] | None = None,
                          on_attempt: OnAttempt | None = None) -> WaitResult:
    """Poll until the daemon answers or ``timeout`` seconds passed. Never raises for I/O."""
    started = time.monotonic()
    end = started + timeout
    result = WaitResult(ready=False, elapsed=0.0)
    delay = FIRST_DELAY
    last_url = ""
    while True:
        endpoint = current_endpoint(environ)
        result.endpoint = endpoint
        if not _pollable(endpoint):
            result.gave_up = redact_text(endpoint.error or
                                         f"{endpoint.scheme} endpoints cannot be polled")
            break
        if _key(endpoint) != last_url:  # the endpoint changed: poll eagerly again
            last_url, delay = _key(endpoint), FIRST_DELAY
        budget = max(0.05, min(ATTEMPT_TIMEOUT, end - time.monotonic()))
        api = poll_once(endpoint, budget)
        attempt = Attempt(round(time.monotonic() - started, 2), _key(endpoint), api.ping_ok,
                          "" if api.ping_ok else describe_problem(api))
        result.attempts.append(attempt)
        if on_attempt is not None:
            on_attempt(attempt, endpoint)
        if api.ping_ok:
            result.ready = True
            break
        left = end - time.monotonic()
        if left <= 0:
            break
        time.sleep(min(delay, left))
        delay = min(MAX_DELAY, delay * BACKOFF)
    result.elapsed = round(time.monotonic() - started, 2)
    return result


def _key(endpoint: Endpoint) -> str:
    """The endpoint as shown (credentials in DOCKER_HOST redacted) and compared."""
    return redact_text(endpoint.url) + (" (TLS)" if endpoint.tls else "")


class WaitProgress:
    """Progress on stderr: a live line on a terminal; in a CI log, a line per change and a
    heartbeat every ``HEARTBEAT`` seconds."""

    def __init__(self, stream: TextIO, timeout: float) -> None:
        self.stream = stream
        self.timeout = timeout
        self.live = bool(getattr(stream, "isatty", lambda: False)())
        self.endpoint = ""
        self.problem = ""
        self.last_line = -HEARTBEAT
        self.count = 0

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()

    def __call__(self, attempt: Attempt, endpoint: Endpoint) -> None:
        changed = attempt.endpoint != self.endpoint
        if changed:
            if self.live:
                self._write("\r\x1b[2K")
            verb = "waiting for" if not self.endpoint else "endpoint changed to"
            self._write(f"dind-doctor: {verb} the Docker daemon at {attempt.endpoint} "
                        f"({redact_text(endpoint.source)}; timeout {self.timeout:g} s)\n")
            self.endpoint = attempt.endpoint
        if attempt.ok:
            return
        if self.live:
            self.count += 1
            line = (f"  … {attempt.at:5.1f}/{self.timeout:g} s · attempt {self.count} · "
                    f"{attempt.problem}")
            self._write("\r\x1b[2K" + line[:100])
        elif changed or attempt.problem != self.problem or \
                attempt.at - self.last_line >= HEARTBEAT:
            self._write(f"  … {attempt.at:.1f} s: {attempt.problem}\n")
            self.last_line = attempt.at
        self.problem = attempt.problem

    def finish(self, message: str) -> None:
        if self.live:
            self._write("\r\x1b[2K")
        self._write(message + "\n")
