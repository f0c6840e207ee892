"""Run every probe concurrently, each under its own timeout, the whole under one deadline."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .. import __version__
from ..endpoint import certdir_client, derive
from ..facts import Facts, NameFacts, PortFacts, ProbeError
from ..model import Endpoint
from ..redact import redact_text
from .bounded import Deadline, elapsed_ms, in_thread
from .certfiles import CertDir
from .clients import probe_clients
from .docker_api import probe_api
from .environment import effective_environ, probe_environment
from .host import probe_host
from .names import probe_name
from .registry import probe_registry
from .sockets import probe_socket
from .tcp import probe_port
from .tls import probe_tls
from .tls_sessions import TlsSessions
from .tools import probe_tools

DEFAULT_TIMEOUT = 8.0
DEFAULT_SETTLE = 2.0
DIND_PORTS = (2375, 2376)
CONFIG_TIMEOUT = 5.0

Progress = Callable[[str, str], None]


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class _Run:
    """One collection: the facts being filled, the deadline, progress reporting."""

    def __init__(self, facts: Facts, deadline: Deadline, progress: Progress | None) -> None:
        self.facts = facts
        self.deadline = deadline
        self.progress = progress or (lambda _name, _event: None)
        self.tls_sessions = TlsSessions()  # the API and TLS probes resume each other's

    async def step(self, name: str, work: Awaitable[Any], *, announce: bool = True) -> Any:
        """Await one probe; a crash or the deadline becomes a ProbeError, never an exception.

        ``announce=False``: a sequence of probes that announce themselves.
        """
        if announce:
            self.progress(name, "start")
        try:
            return await asyncio.wait_for(work, self.deadline.remaining() + 0.2)
        except asyncio.TimeoutError:
            self.facts.probe_errors.append(
                ProbeError(name, f"did not finish before the {self.deadline.total:g} s deadline",
                           timed_out=True))
        except Exception as exc:  # a probe bug must not take the tool down
            self.facts.probe_errors.append(
                ProbeError(name, redact_text(f"{type(exc).__name__}: {exc}")))
        finally:
            if announce:
                self.progress(name, "done")
        return None


async def collect(timeout: float = DEFAULT_TIMEOUT, progress: Progress | None = None, *,
                  environ: Mapping[str, str] | None = None,
                  settle: float = DEFAULT_SETTLE, alias: str = "docker",
                  config_files: ConfigFiles | None = None) -> Facts:
    """Probe the whole chain and return what was observed. Never raises for probe failures.

    ``settle``: how long a refused daemon port is re-tried, to catch a daemon that is
    still starting (the readiness race). ``alias``: the service name probed when the
    endpoint is not a TCP one (to tell "daemon fine, client misdirected").
    ``config_files``: explicit .gitlab-ci.yml / config.toml / Helm values paths; without
    them the default locations are searched, so a job's own CI file joins the diagnosis.
    """
    # the real process: a debug shell may lack the entrypoint's exports
    environ, inherited = effective_environ(environ)
    deadline = Deadline(timeout)
    facts = Facts(tool_version=__version__, collected_at=_now(), timeout_s=timeout)
    run = _Run(facts, deadline, progress)

    async def env_probe() -> Any:
        return probe_environment(environ)

    env = await run.step("env", env_probe())
    if env is not None:
        facts.env = env
        facts.env.from_pid1 = inherited
    # derive from the real environment: the saved one is redacted
    endpoint = derive(environ, facts.env.paths, uid=facts.env.uid, home=facts.env.home,
                      inherited=inherited)
    certs: CertDir | None = await run.step("certs", _certs(run, endpoint, environ))
    await asyncio.gather(
        run.step("name", _network(run, endpoint, certs, settle, alias), announce=False),
        run.step("sockets", _sockets(run, endpoint)),
        run.step("api", _api(run, endpoint)),
        run.step("tools", _tools(run, environ)),
        run.step("clients", _clients(run, environ, endpoint)),
        run.step("config", _config(run, environ, config_files or ConfigFiles())),
        run.step("registry", _registry(run, environ.get("CI_REGISTRY", ""))),
    )
    await run.step("host", _host(run, environ, endpoint))
    return facts


async def _network(run: _Run, endpoint: Endpoint, certs: CertDir | None,
                   settle: float, alias: str) -> None:
    """Name, then ports, then TLS: each needs the one before."""
    host = endpoint.host if endpoint.scheme == "tcp" and endpoint.host else alias
    name: NameFacts | None = await run.step("name", probe_name(host, run.facts.env,
                                                               run.deadline))
    if name is None:
        return
    run.facts.name = name
    address = name.addresses[0] if name.addresses else None
    ports = [endpoint.port] if endpoint.scheme == "tcp" and endpoint.port else []
    ports += [p for p in DIND_PORTS if p not in ports]
    results = await run.step("ports", _ports(host, address, ports, run.deadline, settle))
    if results is None:
        return
    run.facts.ports = list(results)
    tls_port = next((p for p in results if p.protocol == "tls"
                     and (p.port == endpoint.port or p.port == 2376)), None)
    if tls_port is not None and address is not None:
        run.facts.tls = await run.step(
            "tls", probe_tls(host, address, tls_port.port, certs, run.deadline,
                             run.tls_sessions))


async def _ports(host: str, address: str | None, ports: list[int], deadline: Deadline,
                 settle: float) -> list[PortFacts]:
    """Every port once; then, only if nothing at all listens, keep re-trying the endpoint's
    port for ``settle`` seconds: a daemon that is up on the other port needs no waiting."""
    started = time.perf_counter()
    results = list(await asyncio.gather(*(probe_port(host, address, port, deadline)
                                          for port in ports)))
    first = results[0]
    if settle > 0 and first.state == "refused" and not any(p.state == "open" for p in results):
        retried = await probe_port(host, address, first.port, deadline, settle=settle)
        retried.attempts += first.attempts
        if retried.state == "open":  # refused at first, open now: the daemon came up late
            retried.opened_after_ms = elapsed_ms(started)
        retried.duration_ms = elapsed_ms(started)
        results[0] = retried
    return results


def _cert_dir_for(endpoint: Endpoint, env: Mapping[str, str]) -> CertDir:
    if endpoint.tls and endpoint.cert_path:
        return CertDir(endpoint.cert_path, "DOCKER_CERT_PATH" if env.get("DOCKER_CERT_PATH")
                       else "client default")
    client = certdir_client(env)
    if client:
        return CertDir(client, "DOCKER_TLS_CERTDIR/client")
    return CertDir("/certs/client", "the dind default (/certs/client)")


async def _certs(run: _Run, endpoint: Endpoint, environ: Mapping[str, str]) -> CertDir:
    """Load the client cert dir once; the TLS probe adds what it learns to the same facts."""
    certs = _cert_dir_for(endpoint, environ)
    run.facts.certs = certs.facts
    return certs


async def _sockets(run: _Run, endpoint: Endpoint) -> None:
    paths = ["/var/run/docker.sock"]
    if endpoint.scheme == "unix" and endpoint.socket_path not in paths:
        paths.append(endpoint.socket_path or "")
    run.facts.sockets = list(await asyncio.gather(*(probe_socket(p, run.deadline)
                                                    for p in paths)))


async def _api(run: _Run, endpoint: Endpoint) -> None:
    run.facts.api = await probe_api(endpoint, run.deadline, run.tls_sessions)


async def _registry(run: _Run, registry: str) -> None:
    if registry:
        run.facts.registry = await probe_registry(registry, run.deadline)


HOST_TIMEOUT = 2.0


async def _host(run: _Run, environ: Mapping[str, str], endpoint: Endpoint) -> None:
    """Local reads; the docker root counts only for a local daemon (a unix socket)."""
    api = run.facts.api
    root = (api.info.get("DockerRootDir") if api is not None and endpoint.scheme == "unix"
            else None)
    sockets = ["/var/run/docker.sock", *([endpoint.socket_path] if endpoint.socket_path else [])]
    run.facts.host = await in_thread(
        lambda: probe_host(environ, run.facts.env.home, sockets, root),
        run.deadline.budget(HOST_TIMEOUT))


async def _tools(run: _Run, environ: Mapping[str, str]) -> None:
    run.facts.tools = await probe_tools(environ, run.facts.env.home, run.deadline)


async def _clients(run: _Run, environ: Mapping[str, str], endpoint: Endpoint) -> None:
    run.facts.clients = await probe_clients(environ, run.facts.env.home, endpoint, run.deadline)


@dataclass(frozen=True)
class ConfigFiles:
    """Paths given on the command line for the static half of the diagnosis."""

    ci_file: str | None = None
    runner_config: str | None = None
    helm_values: str | None = None


async def _config(run: _Run, environ: Mapping[str, str], files: ConfigFiles) -> None:
    """Parse the CI file and runner config when there are any (in a thread: parsing is CPU)."""
    from ..config.locate import find_ci_file, find_runner_config

    wanted = files.ci_file or files.runner_config or files.helm_values
    if not wanted and not (find_ci_file(None, environ)[0] or find_runner_config(None, environ)[0]):
        return

    def parse() -> tuple[Any, Any]:
        from ..config.collect import collect_config_facts

        return collect_config_facts(files.ci_file, files.runner_config, files.helm_values,
                                    environ)

    run.facts.runner_config, run.facts.ci_file = await in_thread(
        parse, run.deadline.budget(CONFIG_TIMEOUT))
