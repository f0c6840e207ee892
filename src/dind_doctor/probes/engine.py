"""Run every probe concurrently, each under its own timeout, the whole under one deadline.

Probes are blocking functions; each step runs in a daemon thread. A step that overruns the
deadline is abandoned (its thread runs on, unwaited, and can no longer change the facts)
and recorded as timed out, so :func:`collect` returns within the deadline plus 0.2 s.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

from .. import __version__
from ..endpoint import certdir_client, derive
from ..facts import Facts, NameFacts, PortFacts, ProbeError, SocketFacts
from ..model import Endpoint
from ..records import record
from ..redact import redact_text
from .bounded import Background, Deadline, elapsed_ms, in_thread, run_all
from .certfiles import CertDir
from .clients import probe_clients
from .docker_api import probe_api
from .docker_config import DockerConfig, read_docker_config
from .environment import effective_environ, probe_environment
from .host import probe_host
from .names import probe_name
from .prestart import Started, sessions, take
from .sockets import probe_socket
from .tcp import probe_port
from .tls_sessions import TlsSessions
from .tools import probe_tools

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (every run loads this)

if TYPE_CHECKING:
    from typing import Any

DEFAULT_TIMEOUT = 8.0
DEFAULT_SETTLE = 2.0
DIND_PORTS = (2375, 2376)
CONFIG_TIMEOUT = 5.0

Progress = Callable[[str, str], None]


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class _Run:
    """One collection: the facts being filled, the deadline, progress reporting.

    Steps run in threads; every write to the facts goes through :meth:`put` or
    :meth:`error`, which drop what an abandoned step delivers after the run ended.
    """

    def __init__(self, facts: Facts, deadline: Deadline, progress: Progress | None) -> None:
        self.facts = facts
        self.deadline = deadline
        self.progress = progress or (lambda _name, _event: None)
        self.tls_sessions = TlsSessions()  # the API and TLS probes resume each other's
        self.client_config: DockerConfig | None = None  # config.json, read once (clients probe)
        self._lock = threading.Lock()
        self._open = True

    def put(self, name: str, value: Any) -> None:
        """Set ``facts.<name>``, unless the run has ended."""
        with self._lock:
            if self._open:
                setattr(self.facts, name, value)

    def error(self, error: ProbeError) -> None:
        with self._lock:
            if self._open:
                self.facts.probe_errors.append(error)

    def close(self) -> None:
        """The run is over: late results and progress are dropped from now on."""
        with self._lock:
            self._open = False

    def start(self, name: str, work: Callable[[], Any], *, announce: bool = True) -> _Step:
        """Start one probe in a daemon thread; :meth:`_Step.wait` for its result."""
        return _Step(self, name, work, announce)

    def step(self, name: str, work: Callable[[], Any], *, announce: bool = True) -> Any:
        """Run one probe; a crash or the deadline becomes a ProbeError, never an exception.

        ``announce=False``: a sequence of probes that announce themselves.
        """
        return self.start(name, work, announce=announce).wait()

    def _announce(self, name: str, event: str) -> None:
        with self._lock:
            if not self._open:
                return
        self.progress(name, event)


class _Step:
    """A probe running in its own thread; "done" is announced once, when it finishes or
    when the deadline gives up on it, whichever comes first."""

    def __init__(self, run: _Run, name: str, work: Callable[[], Any], announce: bool) -> None:
        self.run, self.name, self.announce = run, name, announce
        self._once = threading.Lock()
        self._announced = False
        if announce:
            run._announce(name, "start")
        self._job = Background(work, on_done=self._done)

    def _done(self) -> None:
        if not self.announce:
            return
        with self._once:
            if self._announced:
                return
            self._announced = True
        self.run._announce(self.name, "done")

    def wait(self) -> Any:
        """The probe's result; ``None`` (and a ProbeError) for a crash or the deadline.
        A sequence (``announce=False``) is given a little longer, so that the probe in it
        that overran is the one named."""
        grace = 0.2 if self.announce else 0.25
        if not self._job.wait(self.run.deadline.remaining() + grace):
            self.run.error(ProbeError(
                self.name, f"did not finish before the {self.run.deadline.total:g} s deadline",
                timed_out=True))
            self._done()
            return None
        try:
            return self._job.result()
        except Exception as exc:  # a probe bug must not take the tool down
            self.run.error(ProbeError(self.name, redact_text(f"{type(exc).__name__}: {exc}")))
        return None


def collect(timeout: float = DEFAULT_TIMEOUT, progress: Progress | None = None, *,
            environ: Mapping[str, str] | None = None,
            settle: float = DEFAULT_SETTLE, alias: str = "docker",
            config_files: ConfigFiles | None = None) -> Facts:
    """Probe the whole chain and return what was observed. Never raises for probe failures.

    ``settle``: how long a refused daemon port is re-tried, to catch a daemon that is
    still starting (the readiness race). ``alias``: the service name probed when the
    endpoint is not a TCP one (to tell "daemon fine, client misdirected").
    ``config_files``: explicit .gitlab-ci.yml / config.toml / Helm values paths; without
    them the default locations are searched, so a job's own CI file joins the diagnosis.
    ``progress(name, "start" | "done")`` is called from several threads.
    """
    # the real process: a debug shell may lack the entrypoint's exports
    given = environ
    environ, inherited = effective_environ(environ)
    deadline = Deadline(timeout)
    # the slowest command: it runs while everything else is prepared (started by the
    # command line already when it could)
    cli = take(environ) if given is None else Started(environ)
    facts = Facts(tool_version=__version__, collected_at=_now(), timeout_s=timeout)
    run = _Run(facts, deadline, progress)
    if given is None:  # the session of a handshake the command line made meanwhile
        run.tls_sessions = sessions()
    try:
        env = run.step("env", lambda: probe_environment(environ))
        if env is not None:
            facts.env = env
            facts.env.from_pid1 = inherited
        # derive from the real environment: the saved one is redacted
        endpoint = derive(environ, facts.env.paths, uid=facts.env.uid, home=facts.env.home,
                          inherited=inherited)
        certs: CertDir | None = run.step("certs", lambda: _certs(run, endpoint, environ))
        files = config_files or ConfigFiles()
        steps = [
            run.start("name", lambda: _network(run, endpoint, certs, settle, alias),
                      announce=False),
            run.start("sockets", lambda: _sockets(run, endpoint)),
            run.start("api", lambda: _api(run, endpoint)),
            run.start("tools", lambda: _tools(run, environ, cli)),
            run.start("clients", lambda: _clients(run, environ, endpoint)),
            run.start("config", lambda: _config(run, environ, files)),
            run.start("registry", lambda: _registry(run, environ.get("CI_REGISTRY", ""))),
        ]
        for step in steps:
            step.wait()
        run.step("host", lambda: _host(run, environ, endpoint))
    finally:
        run.close()
    return facts


def _network(run: _Run, endpoint: Endpoint, certs: CertDir | None,
             settle: float, alias: str) -> None:
    """Name, then ports, then TLS: each needs the one before."""
    host = endpoint.host if endpoint.scheme == "tcp" and endpoint.host else alias
    name: NameFacts | None = run.step("name", lambda: probe_name(host, run.facts.env,
                                                                 run.deadline))
    if name is None:
        return
    run.put("name", name)
    address = name.addresses[0] if name.addresses else None
    ports = [endpoint.port] if endpoint.scheme == "tcp" and endpoint.port else []
    ports += [p for p in DIND_PORTS if p not in ports]
    results = run.step("ports", lambda: _ports(host, address, ports, run.deadline, settle))
    if results is None:
        return
    run.put("ports", list(results))
    tls_port = next((p for p in results if p.protocol == "tls"
                     and (p.port == endpoint.port or p.port == 2376)), None)
    if tls_port is not None and address is not None:
        from .tls import HANDSHAKE_TIMEOUT, probe_tls  # loads ssl: only for a TLS daemon

        if endpoint.scheme == "tcp" and endpoint.tls and tls_port.port == endpoint.port:
            # the API probe's handshake with the same daemon is under way: resume its
            # session rather than pay a second full handshake at the same time
            run.tls_sessions.settled.wait(run.deadline.budget(HANDSHAKE_TIMEOUT))

        run.put("tls", run.step("tls", lambda: probe_tls(host, address, tls_port.port, certs,
                                                         run.deadline, run.tls_sessions)))


def _ports(host: str, address: str | None, ports: list[int], deadline: Deadline,
           settle: float) -> list[PortFacts]:
    """Every port once; then, only if nothing at all listens, keep re-trying the endpoint's
    port for ``settle`` seconds: a daemon that is up on the other port needs no waiting."""
    started = time.perf_counter()
    results = run_all([_port_call(host, address, port, deadline) for port in ports])
    first = results[0]
    if settle > 0 and first.state == "refused" and not any(p.state == "open" for p in results):
        retried = probe_port(host, address, first.port, deadline, settle=settle)
        retried.attempts += first.attempts
        if retried.state == "open":  # refused at first, open now: the daemon came up late
            retried.opened_after_ms = elapsed_ms(started)
        retried.duration_ms = elapsed_ms(started)
        results[0] = retried
    return results


def _port_call(host: str, address: str | None, port: int,
               deadline: Deadline) -> Callable[[], PortFacts]:
    return lambda: probe_port(host, address, port, deadline)


def _cert_dir_for(endpoint: Endpoint, env: Mapping[str, str]) -> CertDir:
    if endpoint.tls and endpoint.cert_path:
        return CertDir(endpoint.cert_path, "DOCKER_CERT_PATH" if env.get("DOCKER_CERT_PATH")
                       else "client default")
    client = certdir_client(env)
    if client:
        return CertDir(client, "DOCKER_TLS_CERTDIR/client")
    return CertDir("/certs/client", "the dind default (/certs/client)")


def _certs(run: _Run, endpoint: Endpoint, environ: Mapping[str, str]) -> CertDir:
    """Load the client cert dir once; the TLS probe adds what it learns to the same facts."""
    certs = _cert_dir_for(endpoint, environ)
    run.put("certs", certs.facts)
    return certs


def _sockets(run: _Run, endpoint: Endpoint) -> None:
    paths = ["/var/run/docker.sock"]
    if endpoint.scheme == "unix" and endpoint.socket_path not in paths:
        paths.append(endpoint.socket_path or "")
    run.put("sockets", run_all([_socket_call(p, run.deadline) for p in paths]))


def _socket_call(path: str, deadline: Deadline) -> Callable[[], SocketFacts]:
    return lambda: probe_socket(path, deadline)


def _api(run: _Run, endpoint: Endpoint) -> None:
    try:
        run.put("api", probe_api(endpoint, run.deadline, run.tls_sessions))
    finally:
        run.tls_sessions.settled.set()  # no session to wait for any more


def _registry(run: _Run, registry: str) -> None:
    if registry:
        from .registry import probe_registry  # loads ssl: only when there is a registry

        run.put("registry", probe_registry(registry, run.deadline))


HOST_TIMEOUT = 2.0


def _host(run: _Run, environ: Mapping[str, str], endpoint: Endpoint) -> None:
    """Local reads; the docker root counts only for a local daemon (a unix socket)."""
    api = run.facts.api
    root = (api.info.get("DockerRootDir") if api is not None and endpoint.scheme == "unix"
            else None)
    sockets = ["/var/run/docker.sock", *([endpoint.socket_path] if endpoint.socket_path else [])]
    run.put("host", in_thread(lambda: probe_host(environ, run.facts.env.home, sockets, root,
                                                 run.client_config),
                              run.deadline.budget(HOST_TIMEOUT)))


def _tools(run: _Run, environ: Mapping[str, str], cli: Started) -> None:
    run.put("tools", probe_tools(environ, run.facts.env.home, run.deadline, cli))


def _clients(run: _Run, environ: Mapping[str, str], endpoint: Endpoint) -> None:
    run.client_config = read_docker_config(environ, run.facts.env.home)  # the host probe's too
    run.put("clients", probe_clients(environ, run.facts.env.home, endpoint, run.deadline,
                                     run.client_config))


@record(frozen=True)
class ConfigFiles:
    """Paths given on the command line for the static half of the diagnosis."""

    ci_file: str | None = None
    runner_config: str | None = None
    helm_values: str | None = None


def _config(run: _Run, environ: Mapping[str, str], files: ConfigFiles) -> None:
    """Parse the CI file and runner config when there are any (in a thread, bounded)."""
    from ..config.locate import find_ci_file, find_runner_config

    wanted = files.ci_file or files.runner_config or files.helm_values
    if not wanted and not (find_ci_file(None, environ)[0] or find_runner_config(None, environ)[0]):
        return

    def parse() -> tuple[Any, Any]:
        from ..config.collect import collect_config_facts

        return collect_config_facts(files.ci_file, files.runner_config, files.helm_values,
                                    environ)

    runner_config, ci_file = in_thread(parse, run.deadline.budget(CONFIG_TIMEOUT))
    run.put("runner_config", runner_config)
    run.put("ci_file", ci_file)
