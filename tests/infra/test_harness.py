"""Tests of the real-infrastructure harness itself (tests/support)."""

from __future__ import annotations

import socket
import subprocess
import time

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
    read_sans_pem,
    write_garbage_pem,
)
from tests.support.dockerd import (
    Dockerd,
    DockerdStartError,
    dockerd_unavailable_reason,
    make_client,
)
from tests.support.fixtures import REQUIRE_ENV, infra_unavailable
from tests.support.topology import (
    SCENARIOS,
    SERVICE_ACCOUNT_DIR,
    SOCKET_DIR,
    SOCKET_ENV,
    TLS_ENV,
    ServiceDied,
)

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


# --------------------------------------------------------------------- topology

PY_CONNECT = "import socket,sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 3)"


@pytest.mark.topology
def test_topology_healthy_tls(topology):
    svc = topology.start_service()  # waits for the inner dockerd
    assert svc.spec.alias == "docker"
    assert "[::]:2376" in svc.listeners()
    sans = read_sans_pem(svc.read_file("/certs/server/cert.pem"))
    assert {"DNS:docker", "DNS:localhost", f"IP:{svc.ip}"} <= set(sans)
    env = {
        "DOCKER_HOST": "tcp://docker:2376",
        "DOCKER_TLS_VERIFY": "1",
        "DOCKER_CERT_PATH": "/certs/client",
    }
    r = topology.run_job(
        f"""set -e
        nslookup docker
        {topology.python} -c '{PY_CONNECT}' docker 2376 && echo CONNECT-OK
        ls /certs/client
        docker version --format 'server={{{{.Server.Version}}}}'
        if nslookup no-such-host.example; then echo LEAK; fi
        """,
        env=env,
        timeout=60,
    )
    assert r.ok, r
    assert f"Address: {svc.ip}" in r.stdout
    assert "CONNECT-OK" in r.stdout
    assert {"ca.pem", "cert.pem", "key.pem"} <= set(r.stdout.split())
    assert "server=20.10" in r.stdout
    assert "NXDOMAIN" in r.output and "LEAK" not in r.stdout


@pytest.mark.topology
def test_topology_plain_and_entrypoint(topology):
    topology.start_service(tls=False, command=("--tls=false",))
    # docker CLI image entrypoint: no certs, DOCKER_TLS_CERTDIR="" -> tcp://docker:2375
    r = topology.run_job(
        "echo host=$DOCKER_HOST verify=${DOCKER_TLS_VERIFY:-}; docker info --format '{{.Driver}}'",
        env={"DOCKER_TLS_CERTDIR": ""},
        docker_entrypoint=True,
        timeout=60,
    )
    assert r.ok, r
    assert "host=tcp://docker:2375 verify=" in r.stdout
    assert "overlay2" in r.stdout


@pytest.mark.topology
def test_topology_unprivileged_service_dies(topology):
    svc = topology.start_service(privileged=False, wait=False)
    with pytest.raises(ServiceDied) as exc:
        svc.wait_ready(timeout=60)
    assert exc.value.exit_code != 0
    assert "you must be root" in exc.value.logs


@pytest.mark.topology
def test_topology_vfs_and_no_alias(topology_factory):
    vfs = topology_factory()
    vfs.start_service(storage_driver="vfs")
    r = vfs.run_job("docker info --format '{{.Driver}}'", env=TLS_ENV, timeout=60)
    assert r.ok, r
    assert r.stdout.strip() == "vfs"

    no_alias = topology_factory()
    no_alias.start_service(alias=None, share_certs=False)
    r = no_alias.run_job("nslookup docker; ls -A /certs/client | wc -l", env=TLS_ENV, timeout=60)
    assert "NXDOMAIN" in r.output or "can't find" in r.output, r
    assert r.stdout.strip().splitlines()[-1] == "0"  # certs not shared -> empty dir


@pytest.mark.topology
def test_topology_race_files_and_timeout(topology):
    # plain dind exactly like the image: dockerd sleeps ~15 s before opening 2375
    svc = topology.start_service(tls=False, wait=False)
    early = topology.start_job(
        [topology.python, "-c", PY_CONNECT, "docker", "2375"],
        files={"/work/note.txt": "hello"},
    )
    r = early.wait(timeout=30)
    assert not r.ok and "Connection refused" in r.stderr, r
    slow = topology.start_job("sleep 30")
    r = slow.wait(timeout=1)
    assert r.timed_out and r.exit_code is None
    r = topology.run_job("cat /work/note.txt", files={"/work/note.txt": b"hello"})
    assert r.stdout == "hello"
    t0 = time.monotonic()
    svc.wait_ready(timeout=40)
    assert time.monotonic() - t0 > 5  # the insecure-bind delay is real
    assert "[::]:2375" in svc.listeners()


@pytest.mark.topology
def test_topology_kubernetes_pod(topology):
    svc = topology.start_service(kubernetes=True)
    _, service_netns = svc.exec("readlink /proc/self/ns/net")
    r = topology.run_job(
        f"""readlink /proc/self/ns/net
        grep -w docker /etc/hosts
        if [ -e /.dockerenv ]; then echo DOCKERENV; fi
        cat {SERVICE_ACCOUNT_DIR}/namespace; echo
        echo "k8s=$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT"
        if nslookup docker; then echo DNS-KNOWS-DOCKER; fi
        docker version --format 'server={{{{.Server.Version}}}}'
        """,
        env=TLS_ENV,
        timeout=60,
    )
    assert r.ok, r
    lines = r.stdout.splitlines()
    assert lines[0] == service_netns.strip()  # one network namespace: the pod's
    assert lines[1].split() == ["127.0.0.1", "docker"]  # hostAlias, not DNS
    assert "DOCKERENV" not in r.stdout and "DNS-KNOWS-DOCKER" not in r.stdout
    assert "gitlab-runner" in lines and "k8s=10.96.0.1:443" in lines
    assert "server=20.10" in r.stdout


@pytest.mark.topology
def test_topology_mtu_and_shared_socket_dir(topology_factory):
    topo = topology_factory(mtu=1400)
    topo.start_service(command=("--mtu=1400",), shared_dirs=(SOCKET_DIR,), env=SOCKET_ENV)
    r = topo.run_job(
        "cat /sys/class/net/eth0/mtu; ls -l $DOCKER_HOST_PATH; "
        "docker network inspect bridge --format "
        "'{{index .Options \"com.docker.network.driver.mtu\"}}'",
        env={**SOCKET_ENV, "DOCKER_HOST_PATH": SOCKET_ENV["DOCKER_HOST"][len("unix://"):]},
        timeout=60,
    )
    assert r.ok, r
    lines = r.stdout.splitlines()
    assert lines[0] == "1400" and lines[1].startswith("s") and lines[-1] == "1400", r


SCENARIO_EXPECT = {
    "healthy_tls": "driver=overlay2",
    "healthy_plain": "driver=overlay2",
    "tls_daemon_job_plain": "Cannot connect to the Docker daemon at tcp://docker:2375",
    "tls_daemon_job_plain_2376": "Client sent an HTTP request to an HTTPS server",
    "plain_daemon_job_tls": "server gave HTTP response to HTTPS client",
    "certs_not_shared": "/certs/client/ca.pem: no such file or directory",
    "no_alias": "lookup docker on 127.0.0.11:53: no such host",
    "no_service": "lookup docker on 127.0.0.11:53: no such host",
    "vfs": "driver=vfs",
    "unprivileged": "lookup docker on 127.0.0.11:53: no such host",
    "unprivileged_vfs_fallback": "driver=vfs",
    "healthy_tls_entrypoint": "driver=overlay2",
    "socket_volume": "driver=overlay2",
    "socket_not_shared": "Cannot connect to the Docker daemon at unix:///runner/services/docker",
    "hosts_alias": "driver=overlay2",
    "k8s_tls": "driver=overlay2",
    "k8s_plain": "driver=overlay2",
    "k8s_tls_vars_missing": "Cannot connect to the Docker daemon at unix:///var/run/docker.sock",
    "k8s_tls_verify_missing": "Client sent an HTTP request to an HTTPS server",
    "k8s_no_emptydir": "/certs/client/ca.pem: no such file or directory",
    "proxy_no_proxy": "driver=overlay2",
    "proxy_without_no_proxy": "proxyconnect tcp",
    "mtu_matched": "driver=overlay2",
    "mtu_unmatched": "driver=overlay2",
}


def test_every_scenario_has_an_expectation():
    assert set(SCENARIO_EXPECT) == set(SCENARIOS) - {"healthy_plain_slow"}


@pytest.mark.topology
@pytest.mark.parametrize("name", sorted(SCENARIO_EXPECT))
def test_scenario_presets(topology, name):
    r = topology.run_scenario(
        name,
        "docker version --format 'server={{.Server.Version}}' && "
        "docker info --format 'driver={{.Driver}}'",
        timeout=60,
    )
    expect = SCENARIO_EXPECT[name]
    assert expect in r.output, r
    assert r.ok == expect.startswith("driver="), r


def test_infra_unavailable_skips_or_fails(monkeypatch):
    monkeypatch.delenv(REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception):
        infra_unavailable("no dockerd here")
    monkeypatch.setenv(REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match="log tail"):
        infra_unavailable("no dockerd here", "last dockerd line")


@pytest.mark.dockerd
def test_dockerd_start_failure_reports_log(monkeypatch):
    if dockerd_unavailable_reason():
        pytest.skip("needs a startable dockerd")
    d = Dockerd(extra_args=["--no-such-flag"], name="broken")
    with pytest.raises(DockerdStartError) as exc:
        d.start(timeout=20)
    assert "no-such-flag" in exc.value.log_tail
    assert d.workdir is None  # cleaned up
