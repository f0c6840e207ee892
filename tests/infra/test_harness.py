"""Tests of the real-infrastructure harness itself (tests/support)."""

from __future__ import annotations

import socket
import subprocess

import docker
import docker.errors
import docker.tls
import pytest
import requests
from tests.support.certs import (
    CertSet,
    make_ca,
    make_client_cert,
    make_server_cert,
    read_sans,
    write_garbage_pem,
)
from tests.support.dockerd import make_client

# ----------------------------------------------------------------------- certs


def _openssl_text(path) -> str:
    return subprocess.run(
        ["openssl", "x509", "-in", str(path), "-noout", "-text"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_certs_have_dind_layout(certs: CertSet):
    for rel in (
        "ca/key.pem",
        "ca/cert.pem",
        "server/key.pem",
        "server/cert.pem",
        "server/ca.pem",
        "client/key.pem",
        "client/cert.pem",
        "client/ca.pem",
    ):
        assert (certs.root / rel).stat().st_size > 0, rel
    assert certs.server_ca.read_bytes() == certs.ca_cert.read_bytes()
    assert certs.client_ca.read_bytes() == certs.ca_cert.read_bytes()
    assert certs.client_key.stat().st_mode & 0o777 == 0o644
    assert "CN = docker:dind CA" in _openssl_text(certs.ca_cert)
    server = _openssl_text(certs.server_cert)
    assert "Subject: CN = docker:dind server" in server
    assert "Issuer: CN = docker:dind CA" in server
    assert sorted(read_sans(certs.server_cert)) == ["DNS:docker", "DNS:localhost", "IP:127.0.0.1"]
    client = _openssl_text(certs.client_cert)
    assert "Subject: CN = docker:dind client" in client
    assert "TLS Web Client Authentication" in client


def test_cert_variants(certs: CertSet, tmp_path):
    other = make_ca(tmp_path / "other-ca")
    assert other.cert.read_bytes() != certs.ca_cert.read_bytes()
    nolocal = make_server_cert(certs, tmp_path / "srv", without=["localhost"])
    assert "DNS:localhost" not in read_sans(nolocal.cert)
    assert "DNS:docker" in read_sans(nolocal.cert)
    expired = make_client_cert(certs, tmp_path / "expired", expired=True)
    r = subprocess.run(
        ["openssl", "verify", "-CAfile", str(certs.ca_cert), str(expired.cert)],
        capture_output=True,
        text=True,
    )
    assert r.returncode != 0 and "expired" in (r.stdout + r.stderr)
    future = make_client_cert(certs, tmp_path / "future", not_yet_valid=True)
    r = subprocess.run(
        ["openssl", "verify", "-CAfile", str(certs.ca_cert), str(future.cert)],
        capture_output=True,
        text=True,
    )
    assert r.returncode != 0 and "not yet valid" in (r.stdout + r.stderr)
    junk = write_garbage_pem(tmp_path / "junk.pem")
    r = subprocess.run(["openssl", "x509", "-in", str(junk), "-noout"], capture_output=True)
    assert r.returncode != 0


# ---------------------------------------------------------------------- dockerd


@pytest.mark.dockerd
def test_dockerd_plain_pings_on_socket_and_tcp(dockerd_plain):
    assert docker.DockerClient(base_url=dockerd_plain.unix_url, version="1.41").ping()
    assert dockerd_plain.tcp_client().ping()
    assert "API listen on" in dockerd_plain.log_text()


@pytest.mark.dockerd
def test_dockerd_tls(dockerd_tls, certs):
    assert docker.DockerClient(base_url=dockerd_tls.unix_url, version="1.41").ping()
    assert dockerd_tls.tcp_client().ping()
    url = f"tcp://127.0.0.1:{dockerd_tls.tcp_port}"
    # CA only, no client cert: --tlsverify rejects the handshake
    no_cert = docker.tls.TLSConfig(ca_cert=str(certs.client_ca), verify=True)
    with pytest.raises(requests.exceptions.SSLError, match=r"(?i)bad certificate"):
        make_client(url, tls=no_cert).ping()
    # plain HTTP to the TLS port
    with pytest.raises(docker.errors.APIError, match="HTTP request to an HTTPS server"):
        make_client(url, tls=False).ping()


@pytest.mark.dockerd
def test_dockerd_vfs_driver(dockerd_vfs):
    info = dockerd_vfs.client().info()
    assert info["Driver"] == "vfs"
    assert dockerd_vfs.tcp_port is None


def test_black_hole_accepts_and_stays_silent(black_hole):
    with socket.create_connection(("127.0.0.1", black_hole.port), timeout=2) as s:
        s.settimeout(0.5)
        s.sendall(b"GET /_ping HTTP/1.1\r\nHost: x\r\n\r\n")
        with pytest.raises(TimeoutError):
            s.recv(1)


def test_garbage_server_answers_junk(garbage_server):
    srv = garbage_server(b"junk!")
    with socket.create_connection(("127.0.0.1", srv.port), timeout=2) as s:
        s.sendall(b"GET /_ping HTTP/1.1\r\nHost: x\r\n\r\n")
        s.settimeout(3)
        assert s.recv(100) == b"junk!"
