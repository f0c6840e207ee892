"""Name resolution probe against real (loopback) DNS servers."""

import time

from dind_doctor.facts import EnvFacts
from dind_doctor.probes.bounded import Deadline
from dind_doctor.probes.names import probe_name

from .dns_servers import LoopbackDns


def test_nxdomain_is_named():
    with LoopbackDns() as server:
        env = EnvFacts(resolv_nameservers=["127.0.0.1"])
        facts = probe_name("docker", env, Deadline(5), use_system=False,
                           dns_port=server.port)
    assert facts.dns_error == "NXDOMAIN"
    assert facts.dns == []
    assert facts.dns_server == "127.0.0.1"
    assert server.queries == ["docker."]


def test_dns_server_that_never_replies_is_a_timeout_not_a_hang():
    with LoopbackDns(silent=True) as server:
        env = EnvFacts(resolv_nameservers=["127.0.0.1"])
        started = time.monotonic()
        facts = probe_name("docker", env, Deadline(1.0), use_system=False,
                           dns_port=server.port)
        elapsed = time.monotonic() - started
    assert facts.dns_error == "timeout"
    assert elapsed < 1.5
    assert server.queries  # it was really asked


def test_hosts_file_entry_is_reported_as_such():
    env = EnvFacts(hosts_entries={"docker": ["172.17.0.3"]}, resolv_nameservers=[])
    facts = probe_name("docker", env, Deadline(2), use_system=False)
    assert facts.hosts_file == ["172.17.0.3"]
    assert facts.dns_error == "no-nameservers"
    assert facts.addresses == ["172.17.0.3"]


def test_ip_literal_needs_no_lookup():
    facts = probe_name("127.0.0.1", EnvFacts(), Deadline(2))
    assert facts.is_ip and facts.addresses == ["127.0.0.1"]


def test_localhost_is_never_sent_to_dns():
    with LoopbackDns() as server:
        env = EnvFacts(resolv_nameservers=["127.0.0.1"])
        facts = probe_name("localhost", env, Deadline(2), dns_port=server.port)
    assert server.queries == []
    assert facts.dns_error == "not-asked"
    assert "127.0.0.1" in facts.system
