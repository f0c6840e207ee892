"""``dind-doctor wait``: block until the Docker daemon answers, or say why it does not.

It replaces ``until docker info; do sleep 1; done`` in ``before_script``. Every poll
re-reads the environment and re-derives the endpoint exactly as the probe engine does
(client certificates that appear after the job started change it), then asks ``/_ping``
(and the rest of the read-only API) through the engine's API probe. Polls back off from
0.2 s to 2 s. When the deadline passes, the full diagnosis runs and its text report (the
first broken link and its fix) goes to stdout; the exit code is then 1.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TextIO

from .argtypes import seconds_up_to
from .endpoint import derive
from .facts import ApiFacts
from .model import Endpoint
from .redact import redact_text

EXIT_READY, EXIT_NOT_READY, EXIT_USAGE = 0, 1, 2
DEFAULT_TIMEOUT = 60.0
MAX_TIMEOUT = 3600.0
ATTEMPT_TIMEOUT = 4.0
FIRST_DELAY, MAX_DELAY, BACKOFF = 0.2, 2.0, 1.6
DIAGNOSIS_TIMEOUT = 8.0
HEARTBEAT = 10.0  # seconds between "still waiting" lines in a CI log

HELP = """\
Wait until the Docker daemon of the job answers /_ping over the effective endpoint (the same
DOCKER_HOST / TLS derivation as the diagnosis, re-done on every poll), polling with backoff.
Exit 0 as soon as it answers. If --timeout passes first, run the full diagnosis, print the
report (the first broken link and its fix) and exit 1. Handles dind's ~15 s delay before a
plain-TCP port opens and client certificates that appear after the job started.

Exit codes: 0 ready, 1 not ready (diagnosis printed), 2 usage error."""


@dataclass
class Attempt:
    """One poll: the endpoint it used and what the API probe said."""

    at: float  # seconds since the wait started
    endpoint: str
    ok: bool
    problem: str = ""


@dataclass
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
    if "no such file" in low:
        return "the socket does not exist"
    if "permission denied" in low:
        return "permission denied on the socket"
    error = redact_text(error)
    return error if len(error) <= 90 else error[:89] + "…"


def _pollable(endpoint: Endpoint) -> bool:
    return endpoint.scheme in ("tcp", "unix")


async def poll_once(endpoint: Endpoint, budget: float) -> ApiFacts:
    """One ``/_ping`` (+ version, info) through the engine's API probe, bounded by ``budget``."""
    from .probes.bounded import Deadline
    from .probes.docker_api import probe_api

    return await probe_api(endpoint, Deadline(budget))


async def wait_for_daemon(timeout: float, *, environ: Mapping[str, str] | None = None,
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
        api = await poll_once(endpoint, budget)
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
        await asyncio.sleep(min(delay, left))
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


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = HELP
    parser.add_argument("--timeout", type=seconds_up_to(MAX_TIMEOUT), default=DEFAULT_TIMEOUT,
                        metavar="SECONDS",
                        help=f"how long to wait for the daemon (default: {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--alias", default="docker", metavar="NAME",
                        help="service name the diagnosis looks for (default: docker)")
    parser.add_argument("--save-facts", metavar="FILE",
                        help="when the wait fails, also write the diagnosis's observations "
                             "(redacted) to FILE")
    parser.add_argument("--json", action="store_true",
                        help="when the wait fails, print the diagnosis as one JSON object")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")


def run(args: argparse.Namespace) -> int:
    """Wait; on timeout diagnose. Returns the exit code."""
    progress = None if args.quiet else WaitProgress(sys.stderr, args.timeout)
    result = asyncio.run(wait_for_daemon(args.timeout, on_attempt=progress))
    if result.ready:
        if progress is not None:
            progress.finish(f"dind-doctor: the Docker daemon answered at "
                            f"{result.attempts[-1].endpoint} after {result.elapsed:.1f} s "
                            f"({len(result.attempts)} attempt"
                            f"{'s' if len(result.attempts) != 1 else ''})")
        return EXIT_READY
    if progress is not None:
        why = (f"cannot wait: {result.gave_up}" if result.gave_up else
               f"no answer from the Docker daemon within {args.timeout:g} s "
               f"({len(result.attempts)} attempts)")
        progress.finish(f"dind-doctor: {why}; diagnosing…")
    return _diagnose(args)


def _diagnose(args: argparse.Namespace) -> int:
    from .probes.engine import collect
    from .render.style import use_color
    from .render.text import render_text
    from .report import build_report

    facts = asyncio.run(collect(DIAGNOSIS_TIMEOUT, None, alias=args.alias))
    if args.save_facts:
        try:
            facts.save(args.save_facts)
        except OSError as exc:
            print(f"dind-doctor: cannot write {args.save_facts}: {exc.strerror}",
                  file=sys.stderr)
    report = build_report(facts)
    if args.json:
        from .render.json import render_json

        sys.stdout.write(render_json(report))
    else:
        sys.stdout.write(render_text(report, color=use_color(sys.stdout)))
    if facts.api is not None and facts.api.ping_ok:
        if not args.quiet:
            print("dind-doctor: the daemon answered during the diagnosis, just after the "
                  "deadline: ready", file=sys.stderr)
        return EXIT_READY
    return EXIT_NOT_READY
