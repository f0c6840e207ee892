"""Resolve the endpoint host three ways: /etc/hosts, the system resolver, and DNS itself."""

from __future__ import annotations

import socket
import time

from ..facts import EnvFacts, NameFacts
from ..hosturl import is_ip_literal
from .bounded import Deadline, elapsed_ms, in_thread
from .dns_lite import Unsupported, query_a
from .tcp import lookup_name

DNS_TIMEOUT = 2.0


def probe_name(host: str, env: EnvFacts, deadline: Deadline, *, use_system: bool = True,
                     dns_port: int = 53) -> NameFacts:
    """Resolve ``host``; which source answered tells the networking mode apart.

    ``localhost`` is never sent to DNS servers: no DinD service is named that way.
    """
    started = time.perf_counter()
    facts = NameFacts(host=host, is_ip=is_ip_literal(host))
    if facts.is_ip:
        facts.system = [host.strip("[]")]
        facts.duration_ms = elapsed_ms(started)
        return facts
    facts.hosts_file = list(env.hosts_entries.get(host.lower(), []))
    if use_system:
        _system(facts, deadline)
    if host.lower() == "localhost":
        facts.dns_error = "not-asked"
    else:
        _dns(facts, env.resolv_nameservers, deadline, dns_port)
    facts.duration_ms = elapsed_ms(started)
    return facts


def _system(facts: NameFacts, deadline: Deadline) -> None:
    def lookup() -> list[str]:
        infos = socket.getaddrinfo(lookup_name(facts.host), None, proto=socket.IPPROTO_TCP)
        return list(dict.fromkeys(str(info[4][0]) for info in infos))

    try:
        facts.system = in_thread(lookup, deadline.budget(DNS_TIMEOUT + 0.5))
    except TimeoutError:
        facts.system_error = "timeout"
    except socket.gaierror as exc:
        facts.system_error = exc.strerror or str(exc)
    except OSError as exc:
        facts.system_error = str(exc)


def _dns(facts: NameFacts, nameservers: list[str], deadline: Deadline, port: int) -> None:
    """Ask the first nameserver directly; dnspython only for the outcomes it words itself
    (a failing server, a truncated or odd reply), as it would have answered them all."""
    if not nameservers:
        facts.dns_error = "no-nameservers"
        return
    facts.dns_server = nameservers[0]
    try:
        answer = query_a(facts.host, nameservers[0], port, deadline.budget(DNS_TIMEOUT))
    except (Unsupported, OSError, UnicodeError):
        dns_with_dnspython(facts, nameservers, deadline, port)
        return
    if answer.kind == "addresses":
        facts.dns = answer.addresses
    else:
        facts.dns_error = answer.kind  # NXDOMAIN, no-answer, timeout


def dns_with_dnspython(facts: NameFacts, nameservers: list[str], deadline: Deadline,
                             port: int) -> None:
    import dns.exception  # imported on demand: dnspython is a slow import
    import dns.resolver

    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = nameservers
    resolver.port = port
    resolver.lifetime = deadline.budget(DNS_TIMEOUT)
    resolver.timeout = resolver.lifetime
    facts.dns_server = nameservers[0]
    try:
        answer = resolver.resolve(facts.host, "A", search=False)
        facts.dns = sorted({rr.to_text() for rr in answer})
        if answer.nameserver:
            facts.dns_server = str(answer.nameserver)
    except dns.resolver.NXDOMAIN:
        facts.dns_error = "NXDOMAIN"
    except dns.resolver.NoAnswer:
        facts.dns_error = "no-answer"
    except dns.resolver.NoNameservers as exc:
        facts.dns_error = f"error: {exc}"
    except dns.exception.Timeout:
        facts.dns_error = "timeout"
    except dns.exception.DNSException as exc:
        facts.dns_error = f"error: {exc}"
