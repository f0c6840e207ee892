"""The name probe's own DNS query gives the facts dnspython gives, against loopback servers."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator

import dns.flags
import dns.message
import dns.rcode
import dns.rrset
import pytest

from dind_doctor.facts import EnvFacts, NameFacts
from dind_doctor.probes import names
from dind_doctor.probes.bounded import Deadline
from dind_doctor.probes.names import probe_name

Reply = Callable[[dns.message.Message], "dns.message.Message | None"]


class Server:
    """A UDP DNS server on 127.0.0.1 answering with ``reply(query)`` (None: silence)."""

    def __init__(self, reply: Reply) -> None:
        self.reply = reply
        self.queries = 0
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                data, peer = self.sock.recvfrom(4096)
            except OSError:
                continue
            self.queries += 1
            answer = self.reply(dns.message.from_wire(data))
            if answer is not None:
                self.sock.sendto(answer.to_wire(), peer)


@pytest.fixture
def dns_server() -> Iterator[Callable[[Reply], Server]]:
    servers: list[Server] = []

    def start(reply: Reply) -> Server:
        servers.append(Server(reply))
        return servers[-1]

    yield start
    for server in servers:
        server.stop.set()
        server.sock.close()


def records(*rrsets: tuple[str, str, list[str]], rcode: int = dns.rcode.NOERROR,
            truncated: bool = False) -> Reply:
    def reply(query: dns.message.Message) -> dns.message.Message:
        answer = dns.message.make_response(query)
        answer.set_rcode(rcode)
        for name, kind, values in rrsets:
            answer.answer.append(dns.rrset.from_text_list(name, 30, "IN", kind, values))
        if truncated:
            answer.flags |= dns.flags.TC
        return answer
    return reply


CASES = {
    "two-addresses": records(("docker.", "A", ["172.18.0.3", "172.18.0.2"])),
    "cname-then-a": records(("docker.", "CNAME", ["dind.svc."]),
                            ("dind.svc.", "A", ["10.0.0.7"])),
    "empty-answer": records(),
    "nxdomain": records(rcode=dns.rcode.NXDOMAIN),
    "servfail": records(rcode=dns.rcode.SERVFAIL),
    "refused": records(rcode=dns.rcode.REFUSED),
    "truncated": records(("docker.", "A", ["172.18.0.3"]), truncated=True),
    "silent": lambda _query: None,
}


@pytest.mark.parametrize("case", list(CASES))
def test_same_facts_as_dnspython(dns_server, case):
    server = dns_server(CASES[case])
    env = EnvFacts(resolv_nameservers=["127.0.0.1"])
    ours = probe_name("docker", env, Deadline(0.6), use_system=False,
                      dns_port=server.port)
    reference = NameFacts(host="docker")
    names.dns_with_dnspython(reference, ["127.0.0.1"], Deadline(0.6), server.port)
    assert (ours.dns, ours.dns_error, ours.dns_server) == \
        (reference.dns, reference.dns_error, reference.dns_server)
    assert server.queries >= 2


def test_a_plain_answer_is_asked_once(dns_server):
    """One query: dnspython (which would ask again) stays out of the common case."""
    server = dns_server(CASES["two-addresses"])
    facts = probe_name("docker", EnvFacts(resolv_nameservers=["127.0.0.1"]), Deadline(2),
                       use_system=False, dns_port=server.port)
    assert facts.dns == ["172.18.0.2", "172.18.0.3"] and facts.addresses
    assert server.queries == 1
