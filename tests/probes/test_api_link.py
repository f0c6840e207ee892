"""The API probe's own HTTP/1.1 client, against real daemons, sockets and listeners.

Each situation is observed twice: by the probe and by the Docker SDK (the reference in
``sdk_reference.py``); the facts must be the same, error wording included.
"""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dind_doctor.facts import ApiFacts
from dind_doctor.model import Endpoint
from dind_doctor.probes import early_api
from dind_doctor.probes.bounded import Deadline
from dind_doctor.probes.docker_api import probe_api
from dind_doctor.probes.http_link import ApiLink, LinkError
from dind_doctor.records import asdict
from tests.probes.sdk_reference import sdk_api_facts
from tests.support.certs import clone_certset, make_ca
from tests.support.dockerd import free_port

pytestmark = pytest.mark.dockerd

TIMEOUT = 2.0


def tcp(host: str, port: int, cert_dir: Path | str | None = None, *,
        verify: bool = True) -> Endpoint:
    tls = cert_dir is not None
    return Endpoint(url=f"tcp://{host}:{port}", scheme="tcp", host=host, port=port, tls=tls,
                    tls_verify=tls and verify, cert_path=str(cert_dir) if tls else None)


def unix(path: Path | str) -> Endpoint:
    return Endpoint(url=f"unix://{path}", scheme="unix", socket_path=str(path))


def observed(facts: ApiFacts) -> dict:
    """The facts without what differs between two runs (timings, the timeout's float)."""
    data = asdict(facts)
    data.pop("duration_ms")
    data["error"] = re.sub(r"timeout=[\d.]+", "timeout=T", data["error"] or "") or None
    return data


def probe(endpoint: Endpoint) -> ApiFacts:
    return probe_api(endpoint, Deadline(TIMEOUT))


def assert_same_as_sdk(endpoint: Endpoint) -> ApiFacts:
    ours = probe(endpoint)
    assert ours.attempted
    assert observed(ours) == observed(sdk_api_facts(endpoint, TIMEOUT))
    return ours


@pytest.fixture
def no_client_env(clean_client_env):
    """The SDK reads REQUESTS_CA_BUNDLE & co. even with trust_env off: neutral env."""
    return clean_client_env


# ------------------------------------------------------------------ healthy daemons


def test_plain_tcp(dockerd_plain, no_client_env):
    facts = assert_same_as_sdk(tcp("127.0.0.1", dockerd_plain.tcp_port))
    assert facts.ping_ok and facts.version["ApiVersion"] and facts.info["Driver"]


def test_tls_with_client_certs(dockerd_tls, certs, no_client_env):
    facts = assert_same_as_sdk(tcp("localhost", dockerd_tls.tcp_port, certs.client_dir))
    assert facts.ping_ok and facts.info["ServerVersion"] == facts.version["Version"]


def test_tls_without_verification(dockerd_tls, certs, no_client_env):
    facts = assert_same_as_sdk(tcp("127.0.0.1", dockerd_tls.tcp_port, certs.client_dir,
                                   verify=False))
    assert facts.ping_ok


def test_unix_socket(dockerd_plain, no_client_env):
    facts = assert_same_as_sdk(unix(dockerd_plain.unix_socket))
    assert facts.ping_ok and facts.bridge_mtu is None  # the test daemons run --bridge=none


# ------------------------------------------------------------------ broken links


def test_refused_port(no_client_env):
    facts = assert_same_as_sdk(tcp("127.0.0.1", free_port()))
    assert "Connection refused" in facts.error and not facts.timed_out


def test_plain_http_to_the_tls_port(dockerd_tls, no_client_env):
    facts = assert_same_as_sdk(tcp("127.0.0.1", dockerd_tls.tcp_port))
    assert "Client sent an HTTP request to an HTTPS server" in facts.error


def test_tls_to_a_plain_port(dockerd_plain, certs, no_client_env):
    facts = assert_same_as_sdk(tcp("127.0.0.1", dockerd_plain.tcp_port, certs.client_dir))
    assert facts.error.startswith("SSLError: ")


def test_unknown_authority(dockerd_tls, certs, tmp_path, no_client_env):
    other = clone_certset(certs, tmp_path / "certs")
    shutil.copy(make_ca(tmp_path / "other-ca").cert, other.client_ca)
    facts = assert_same_as_sdk(tcp("localhost", dockerd_tls.tcp_port, other.client_dir))
    assert "CERTIFICATE_VERIFY_FAILED" in facts.error


def test_client_cert_files_missing(dockerd_tls, tmp_path, no_client_env):
    facts = assert_same_as_sdk(tcp("localhost", dockerd_tls.tcp_port, tmp_path / "none"))
    assert facts.error.startswith("TLSParameterError: Path to a certificate and key files")


def test_ca_file_missing(dockerd_tls, certs, tmp_path, no_client_env):
    broken = clone_certset(certs, tmp_path / "certs")
    broken.client_ca.unlink()
    facts = assert_same_as_sdk(tcp("localhost", dockerd_tls.tcp_port, broken.client_dir))
    assert "Invalid CA certificate" in facts.error


def test_client_key_not_matching(dockerd_tls, certs, tmp_path, no_client_env):
    broken = clone_certset(certs, tmp_path / "certs")
    shutil.copy(certs.server_key, broken.client_key)
    facts = assert_same_as_sdk(tcp("localhost", dockerd_tls.tcp_port, broken.client_dir))
    assert "KEY_VALUES_MISMATCH" in facts.error


def test_missing_socket(tmp_path, no_client_env):
    facts = assert_same_as_sdk(unix(tmp_path / "docker.sock"))
    assert "No such file or directory" in facts.error


def test_silent_listener_times_out_within_the_budget(black_hole, no_client_env):
    started = time.monotonic()
    facts = assert_same_as_sdk(tcp("127.0.0.1", black_hole.port))
    assert facts.timed_out and facts.error.startswith("ReadTimeout: ")
    assert time.monotonic() - started < 2 * TIMEOUT + 1.5  # both clients, each bounded


@pytest.mark.parametrize("payload", [
    b"SSH-2.0-OpenSSH_9.6\r\n",
    b"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\nnot found",
    b'HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n'
    b'Content-Length: 22\r\nConnection: close\r\n\r\n{"message":"it broke"}',
    b"",
], ids=["not-http", "404", "500-json", "closes"])
def test_something_else_on_the_port(garbage_server, payload, no_client_env):
    server = garbage_server(payload)
    facts = assert_same_as_sdk(tcp("127.0.0.1", server.port))
    assert not facts.ping_ok and facts.error


# ------------------------------------------------------------------ the HTTP framing


class _Server:
    """A loopback HTTP server that answers each request with ``respond(path) -> bytes``
    (a whole response, framing included); keep-alive unless the answer is HTTP/1.0."""

    def __init__(self, respond: Callable[[str], bytes]) -> None:
        self.respond = respond
        self.connections = 0
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn, conn.makefile("rb") as reader:
            while True:
                try:
                    line = reader.readline()
                except ConnectionResetError:
                    return  # the client closed with an answer unread
                if not line:
                    return
                while reader.readline() not in (b"\r\n", b""):
                    pass
                answer = self.respond(line.split()[1].decode())
                if not answer:
                    return
                conn.sendall(answer)
                if answer.startswith(b"HTTP/1.0"):  # no keep-alive: the close ends the body
                    return


@pytest.fixture
def http_server() -> Iterator[Callable[[Callable[[str], bytes]], _Server]]:
    servers: list[_Server] = []

    def start(respond: Callable[[str], bytes]) -> _Server:
        servers.append(_Server(respond))
        return servers[-1]

    yield start
    for server in servers:
        server.sock.close()


def test_chunked_and_sized_bodies_over_kept_alive_connections(http_server):
    def respond(path: str) -> bytes:
        if path.endswith("/_ping"):
            return b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK"
        body = b'{"Version": "29.1.0", "ApiVersion": "1.52", "Driver": "overlay2"}'
        chunks = b"".join(b"%x;ext=1\r\n%s\r\n" % (len(part), part)
                          for part in (body[:10], body[10:]))
        return (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n" + chunks + b"0\r\nX-Trailer: 1\r\n\r\n")

    server = http_server(respond)
    facts = probe(tcp("127.0.0.1", server.port))
    assert facts.ping_ok, facts.error
    assert facts.version == {"Version": "29.1.0", "ApiVersion": "1.52"}
    assert facts.info == {"Driver": "overlay2"}
    assert server.connections == 2  # /_ping, /version, the bridge on one; /info meanwhile


def test_a_daemon_with_a_raised_api_floor_is_healthy(http_server):
    """Docker 29.0-29.2 refuses every path pinned below API 1.44, /_ping included."""
    too_old = (b'{"message":"client version 1.24 is too old. Minimum supported API version '
               b'is 1.44, please upgrade your client to a newer version"}')

    def respond(path: str) -> bytes:
        if path.startswith("/v1.") and not path.startswith("/v1.44"):
            return b"HTTP/1.1 400 Bad Request\r\nContent-Length: %d\r\n\r\n%s" % (
                len(too_old), too_old)
        body = {"/_ping": b"OK", "/version": b'{"ApiVersion": "1.52", "MinAPIVersion": "1.44"}',
                "/info": b'{"Driver": "overlay2"}'}.get(path)
        if body is None:
            return b"HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}"
        return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)

    facts = probe(tcp("127.0.0.1", http_server(respond).port))
    assert facts.ping_ok and facts.error is None
    assert facts.version["MinAPIVersion"] == "1.44" and facts.info == {"Driver": "overlay2"}


def test_a_closed_keepalive_connection_is_reopened(http_server):
    count = {"n": 0}

    def respond(path: str) -> bytes:
        count["n"] += 1
        if count["n"] == 2:  # drop the connection instead of answering the second request
            return b""
        return b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"

    server = http_server(respond)
    with ApiLink(tcp("127.0.0.1", server.port), TIMEOUT) as link:
        assert link.get("/_ping").body == b"{}"
        assert link.get("/version").json() == {}
    assert server.connections == 2


def test_a_body_ended_by_closing(http_server):
    server = http_server(lambda _path: b"HTTP/1.0 200 OK\r\n\r\n" + b"x" * 5000)
    with ApiLink(tcp("127.0.0.1", server.port), TIMEOUT) as link:
        assert link.get("/a").body == b"x" * 5000
        assert link.get("/b").body == b"x" * 5000
    assert server.connections == 2


def test_a_body_shorter_than_announced_times_out(http_server):
    server = http_server(lambda _p: b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort")
    with ApiLink(tcp("127.0.0.1", server.port), 0.5) as link, \
            pytest.raises(LinkError, match="ReadTimeout"):
        link.get("/_ping")  # the connection stays open, the rest never comes


def test_each_request_is_bounded_by_the_timeout(http_server):
    def respond(path: str) -> bytes:
        if path == "/slow":
            time.sleep(1.5)
        return b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"

    server = http_server(respond)
    with ApiLink(tcp("127.0.0.1", server.port), 0.4) as link:
        assert link.get("/fast").status == 200
        started = time.monotonic()
        with pytest.raises(LinkError) as caught:
            link.get("/slow")
        assert caught.value.timed_out
        assert time.monotonic() - started < 0.9


# ------------------------------------------------------ questions asked while loading


@pytest.fixture
def early():
    yield early_api
    early_api.discard()


def test_the_early_target_is_a_plain_endpoint_only() -> None:
    plain = {"DOCKER_HOST": "tcp://Docker:2375/"}
    assert early_api.plain_target(plain) == ("tcp", "docker", 2375)
    assert early_api.plain_target({"DOCKER_HOST": "tcp://[::1]:2375"}) == ("tcp", "::1", 2375)
    assert early_api.plain_target({"DOCKER_HOST": "unix:///run/docker.sock"}) == \
        ("unix", "/run/docker.sock", 0)
    for tls in ("DOCKER_TLS_VERIFY", "DOCKER_TLS", "DOCKER_CERT_PATH"):
        assert early_api.plain_target({**plain, tls: "1"}) is None
    for other in ("", "tcp://docker", "tcp://docker:x", "ssh://docker", "docker:2375",
                  "unix://relative.sock"):
        assert early_api.plain_target({"DOCKER_HOST": other}) is None


def _recording(paths: list[str]) -> Callable[[str], bytes]:
    bodies = {"/_ping": b"OK", "/version": b'{"ApiVersion": "1.41", "Version": "20.10.24"}',
              "/info": b'{"Driver": "overlay2"}', "/networks/bridge": b"{}"}

    def respond(path: str) -> bytes:
        paths.append(path)
        body = bodies[path]
        return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)

    return respond


def test_questions_asked_while_loading_are_answered_once(http_server, early) -> None:
    paths: list[str] = []
    server = http_server(_recording(paths))
    early.begin({"DOCKER_HOST": f"tcp://127.0.0.1:{server.port}"})
    deadline = time.monotonic() + 2
    early_paths = ["/info", "/networks/bridge", "/version"]
    while sorted(paths) != early_paths and time.monotonic() < deadline:
        time.sleep(0.01)
    assert sorted(paths) == early_paths  # asked before the probe ran
    facts = probe(tcp("127.0.0.1", server.port))
    assert facts.ping_ok and facts.version["ApiVersion"] == "1.41"
    assert facts.info == {"Driver": "overlay2"}
    assert sorted(paths) == ["/_ping", "/info", "/networks/bridge", "/version"]  # no repeat
    assert early._pending == {}


def test_an_early_question_the_daemon_dropped_is_asked_again(http_server, early) -> None:
    paths: list[str] = []
    answer = _recording(paths)

    def respond(path: str) -> bytes:
        if path == "/info" and "dropped" not in paths:
            paths.append("dropped")
            return b""  # the connection closes without an answer
        return answer(path)

    server = http_server(respond)
    early.begin({"DOCKER_HOST": f"tcp://127.0.0.1:{server.port}"})
    time.sleep(0.2)
    facts = probe(tcp("127.0.0.1", server.port))
    assert facts.info == {"Driver": "overlay2"} and facts.error is None
    assert paths.count("/info") == 1 and "dropped" in paths


def test_early_questions_to_another_endpoint_are_not_used(http_server, early) -> None:
    paths: list[str] = []
    other: list[str] = []
    server, elsewhere = http_server(_recording(paths)), http_server(_recording(other))
    early.begin({"DOCKER_HOST": f"tcp://127.0.0.1:{elsewhere.port}"})
    facts = probe(tcp("127.0.0.1", server.port))
    assert facts.ping_ok and sorted(paths) == ["/_ping", "/info", "/networks/bridge",
                                               "/version"]


def test_a_real_daemon_answers_early_questions_as_the_sdk_does(dockerd_plain, no_client_env,
                                                               early) -> None:
    for endpoint, host in ((tcp("127.0.0.1", dockerd_plain.tcp_port),
                            f"tcp://127.0.0.1:{dockerd_plain.tcp_port}"),
                           (unix(dockerd_plain.unix_socket),
                            f"unix://{dockerd_plain.unix_socket}")):
        early.begin({"DOCKER_HOST": host})
        assert_same_as_sdk(endpoint)
        assert early._pending == {}
