"""The whole probe engine against real daemons, certificates, sockets and listeners."""

from __future__ import annotations

import shutil
import socket
import threading
import time

import pytest

from dind_doctor.probes.engine import collect
from tests.support.certs import clone_certset, make_ca, make_server_cert, write_garbage_pem

pytestmark = pytest.mark.dockerd


def tls_env(port: int, client_dir, host: str = "localhost") -> dict[str, str]:
    return {"DOCKER_HOST": f"tcp://{host}:{port}", "DOCKER_TLS_VERIFY": "1",
            "DOCKER_CERT_PATH": str(client_dir), "HOME": "/nonexistent"}


def test_plain_daemon(dockerd_plain):
    facts = collect(6, environ={"DOCKER_HOST": dockerd_plain.tcp_url})
    port = facts.port(dockerd_plain.tcp_port)
    assert port.state == "open" and port.protocol == "http"
    assert "Api-Version" in port.protocol_detail
    assert facts.api.ping_ok, facts.api.error
    assert facts.api.version["ApiVersion"]
    assert facts.api.info["Driver"]
    assert facts.tls is None
    assert facts.probe_errors == []


def test_tls_daemon_with_the_right_certs(dockerd_tls, certs):
    facts = collect(6, environ=tls_env(dockerd_tls.tcp_port, certs.client_dir))
    port = facts.port(dockerd_tls.tcp_port)
    assert port.protocol == "tls"
    assert facts.tls.handshake_ok and facts.tls.client_cert_sent
    assert facts.tls.client_cert_accepted is True
    assert facts.tls.verify_error is None
    assert "DNS:docker" not in facts.tls.server_cert.sans_dns  # plain names, no prefix
    assert {"docker", "localhost"} <= set(facts.tls.server_cert.sans_dns)
    assert facts.certs.key_matches_cert and facts.certs.cert_signed_by_ca
    assert facts.certs.server_signed_by_ca is True
    assert facts.api.ping_ok, facts.api.error


def test_plain_client_on_the_tls_port(dockerd_tls):
    facts = collect(6, environ={"DOCKER_HOST": dockerd_tls.tcp_url, "HOME": "/nonexistent"})
    assert facts.port(dockerd_tls.tcp_port).protocol == "tls"
    assert not facts.api.ping_ok
    assert "HTTP request to an HTTPS server" in facts.api.error


def test_tls_client_on_a_plain_port(dockerd_plain, certs):
    facts = collect(6, environ=tls_env(dockerd_plain.tcp_port, certs.client_dir,
                                       host="127.0.0.1"))
    assert facts.port(dockerd_plain.tcp_port).protocol == "http"
    assert facts.tls is None
    assert not facts.api.ping_ok and facts.api.error


def test_stale_ca_is_unknown_authority(dockerd_tls, certs, tmp_path):
    other = make_ca(tmp_path / "other-ca")
    client = clone_certset(certs, tmp_path / "set").client_dir
    shutil.copy(other.cert if hasattr(other, "cert") else tmp_path / "other-ca" / "cert.pem",
                client / "ca.pem")
    facts = collect(6, environ=tls_env(dockerd_tls.tcp_port, client))
    assert facts.tls.verify_error == "unknown-authority"
    assert facts.certs.server_signed_by_ca is False
    assert facts.certs.cert_signed_by_ca is False


def test_name_not_in_server_cert(dockerd_factory, certs, tmp_path):
    broken = clone_certset(certs, tmp_path / "set")
    issued = make_server_cert(certs, tmp_path / "srv", without=("localhost",))
    shutil.copy(issued.cert, broken.server_cert)
    shutil.copy(issued.key, broken.server_key)
    daemon = dockerd_factory(tcp="tls", certs=broken)
    facts = collect(6, environ=tls_env(daemon.tcp_port, broken.client_dir))
    assert facts.tls.handshake_ok
    assert facts.tls.verify_error == "hostname-mismatch"
    assert "localhost" not in facts.tls.server_cert.sans_dns


def test_expired_server_cert(dockerd_factory, certs, tmp_path):
    broken = clone_certset(certs, tmp_path / "set")
    issued = make_server_cert(certs, tmp_path / "srv", expired=True)
    shutil.copy(issued.cert, broken.server_cert)
    shutil.copy(issued.key, broken.server_key)
    daemon = dockerd_factory(tcp="tls", certs=broken)
    facts = collect(6, environ=tls_env(daemon.tcp_port, broken.client_dir))
    assert facts.tls.verify_error == "expired"


def test_client_without_cert_is_rejected(dockerd_tls, certs, tmp_path):
    client = tmp_path / "only-ca"
    client.mkdir()
    shutil.copy(certs.client_ca, client / "ca.pem")
    facts = collect(6, environ=tls_env(dockerd_tls.tcp_port, client))
    assert facts.tls is not None, (facts.ports, facts.probe_errors)
    assert facts.tls.client_cert_sent is False
    assert facts.tls.client_cert_accepted is False


def test_garbage_cert_files_are_findings_not_crashes(dockerd_tls, certs, tmp_path):
    client = clone_certset(certs, tmp_path / "set").client_dir
    write_garbage_pem(client / "cert.pem", "cert")
    write_garbage_pem(client / "key.pem", "text")
    (client / "ca.pem").unlink()
    (client / "ca.pem").mkdir()
    facts = collect(6, environ=tls_env(dockerd_tls.tcp_port, client))
    assert facts.certs.cert.parse_error and not facts.certs.cert.parsed
    assert facts.certs.key.parse_error
    assert "dir" in facts.certs.ca.parse_error
    assert facts.tls.verify_error == "no-ca-file"
    assert facts.probe_errors == []


def test_unix_socket_answers(dockerd_vfs):
    facts = collect(6, environ={"DOCKER_HOST": dockerd_vfs.unix_url}, alias="localhost")
    sock = facts.socket(str(dockerd_vfs.unix_socket))
    assert sock.ping == "ok" and sock.api_version
    assert facts.api.info["Driver"] == "vfs"


def test_socket_path_that_is_a_directory(tmp_path):
    facts = collect(3, environ={"DOCKER_HOST": f"unix://{tmp_path}"}, alias="localhost")
    assert facts.socket(str(tmp_path)).ping == "not-a-socket"
    assert not facts.api.ping_ok


def test_port_that_accepts_and_never_answers_is_bounded(black_hole_port):
    started = time.monotonic()
    facts = collect(3, environ={"DOCKER_HOST": f"tcp://127.0.0.1:{black_hole_port}"},
                    settle=0)
    elapsed = time.monotonic() - started
    assert facts.port(black_hole_port).protocol == "silent"
    assert not facts.api.ping_ok
    assert elapsed < 3.5


def test_daemon_that_opens_its_port_late_is_seen_as_a_race():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)

    def open_late() -> None:
        time.sleep(0.8)
        listener.bind(("127.0.0.1", port))
        listener.listen()

    threading.Thread(target=open_late, daemon=True).start()
    try:
        facts = collect(6, environ={"DOCKER_HOST": f"tcp://127.0.0.1:{port}"}, settle=3)
    finally:
        listener.close()
    first = facts.port(port)
    assert first.state == "open" and first.attempts > 1
    assert first.opened_after_ms >= 700


def test_unparsable_docker_host():
    facts = collect(3, environ={"DOCKER_HOST": "tcp://[::1"}, alias="localhost")
    assert facts.api.attempted is False
    assert facts.probe_errors == []
