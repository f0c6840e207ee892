"""pytest fixtures for real-infrastructure tests.

Register once, in the top-level ``tests/conftest.py``::

    pytest_plugins = ["tests.support.fixtures"]

When dockerd cannot run here (no binary, not root, start failure) the fixtures
``pytest.skip``; with ``DIND_DOCTOR_REQUIRE_DOCKERD=1`` they ``pytest.fail``
instead, with the dockerd log tail in the message.

Session-scoped (expensive, shared -- do not break them):
    ``certs``, ``dockerd_plain``, ``dockerd_tls``, ``dockerd_vfs``,
    ``outer_dockerd``, ``outer_engine``
Function-scoped (private, torn down after the test):
    ``certs_copy``, ``dockerd_factory``, ``topology``, ``topology_factory``,
    ``black_hole``, ``black_hole_port``, ``garbage_server``, ``clean_client_env``
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

from .certs import CertSet, clone_certset, make_dind_certs, openssl_available
from .dockerd import (
    CLIENT_ENV_VARS,
    BlackHole,
    Dockerd,
    DockerdStartError,
    GarbageServer,
    dockerd_unavailable_reason,
)
from .topology import OuterEngine, Topology

REQUIRE_ENV = "DIND_DOCTOR_REQUIRE_DOCKERD"


def require_dockerd() -> bool:
    """True when missing infrastructure must fail the run instead of skipping."""
    return os.environ.get(REQUIRE_ENV, "") == "1"


def infra_unavailable(reason: str, log_tail: str = "") -> None:
    """Skip (default) or fail (``DIND_DOCTOR_REQUIRE_DOCKERD=1``) the current test."""
    if require_dockerd():
        msg = f"{reason} ({REQUIRE_ENV}=1 forbids skipping)"
        if log_tail:
            msg += f"\n--- log tail ---\n{log_tail}"
        pytest.fail(msg, pytrace=False)
    pytest.skip(reason)


def start_dockerd(d: Dockerd, timeout: float = 60.0) -> Dockerd:
    """Start *d* or skip/fail the test with the reason and log tail."""
    if reason := dockerd_unavailable_reason():
        infra_unavailable(reason)
    try:
        return d.start(timeout=timeout)
    except DockerdStartError as e:
        infra_unavailable(f"cannot start {d.name}: {e.reason}", e.log_tail)
        raise  # unreachable


# --------------------------------------------------------------------- certs


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> CertSet:
    """dind-layout certs (SANs docker, localhost, 127.0.0.1). Read-only: use ``certs_copy``."""
    if reason := openssl_available():
        infra_unavailable(reason)
    return make_dind_certs(tmp_path_factory.mktemp("dind-certs"))


@pytest.fixture
def certs_copy(certs: CertSet, tmp_path) -> CertSet:
    """A private copy of ``certs`` that a test may break."""
    return clone_certset(certs, tmp_path / "certs")


# ------------------------------------------------------------------- dockerd


@pytest.fixture(scope="session")
def dockerd_plain() -> Iterator[Dockerd]:
    """Host dockerd: unix socket + plain ``tcp://127.0.0.1:<port>`` (``.tcp_port``)."""
    d = start_dockerd(Dockerd(tcp="plain", name="dockerd_plain"))
    yield d
    d.stop()


@pytest.fixture(scope="session")
def dockerd_tls(certs: CertSet) -> Iterator[Dockerd]:
    """Host dockerd: unix socket + ``tcp://127.0.0.1:<port>`` with ``--tlsverify`` (``certs``)."""
    d = start_dockerd(Dockerd(tcp="tls", certs=certs, name="dockerd_tls"))
    yield d
    d.stop()


@pytest.fixture(scope="session")
def dockerd_vfs() -> Iterator[Dockerd]:
    """Host dockerd on a unix socket only, ``--storage-driver=vfs``."""
    d = start_dockerd(Dockerd(storage_driver="vfs", name="dockerd_vfs"))
    yield d
    d.stop()


@pytest.fixture
def dockerd_factory() -> Iterator[Callable[..., Dockerd]]:
    """``dockerd_factory(**Dockerd_kwargs) -> started Dockerd``; all stopped after the test.

    e.g. ``dockerd_factory(tcp="tls", certs=broken_certs)``. Start failures
    skip/fail like the session fixtures; pass ``expect_failure=True`` to get the
    :class:`DockerdStartError` raised instead (for tests of broken daemons).
    """
    started: list[Dockerd] = []

    def factory(*, expect_failure: bool = False, timeout: float = 60.0, **kwargs) -> Dockerd:
        d = Dockerd(**kwargs)
        started.append(d)
        if expect_failure:
            return d.start(timeout=timeout)
        return start_dockerd(d, timeout=timeout)

    yield factory
    for d in started:
        d.stop()


# -------------------------------------------------------------- fake servers


@pytest.fixture
def black_hole() -> Iterator[BlackHole]:
    """TCP listener on 127.0.0.1 that accepts and never answers (``.port``)."""
    with BlackHole() as bh:
        yield bh


@pytest.fixture
def black_hole_port(black_hole: BlackHole) -> int:
    return black_hole.port


@pytest.fixture
def garbage_server() -> Iterator[Callable[..., GarbageServer]]:
    """``garbage_server(payload=b"...") -> GarbageServer`` (``.port``); closed after the test."""
    servers: list[GarbageServer] = []

    def factory(*args, **kwargs) -> GarbageServer:
        s = GarbageServer(*args, **kwargs)
        servers.append(s)
        return s

    yield factory
    for s in servers:
        s.close()


@pytest.fixture
def clean_client_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Remove DOCKER_*, *_CA_BUNDLE, SSL_CERT_*, proxy variables from ``os.environ``.

    This machine sets ``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE`` globally, which
    makes requests (docker-py) ignore ``ca.pem``; in-process client tests want
    a neutral environment. Returns the monkeypatch for further ``setenv``.
    """
    for var in CLIENT_ENV_VARS:
        monkeypatch.delenv(var, raising=False)
    return monkeypatch


# ------------------------------------------------------------------ topology


@pytest.fixture(scope="session")
def outer_dockerd() -> Iterator[Dockerd]:
    """The host dockerd that runs job/service containers (unix socket only)."""
    d = start_dockerd(Dockerd(name="outer_dockerd"))
    yield d
    d.stop()


@pytest.fixture(scope="session")
def outer_engine(outer_dockerd: Dockerd) -> Iterator[OuterEngine]:
    """:class:`~tests.support.topology.OuterEngine` with the busybox image imported."""
    engine = OuterEngine(outer_dockerd)
    try:
        engine.ensure_image()
    except Exception as e:  # busybox missing, import failed, ...
        engine.close()
        infra_unavailable(f"cannot build the busybox test image: {e}", outer_dockerd.log_tail())
    yield engine
    engine.close()


@pytest.fixture
def topology_factory(outer_engine: OuterEngine) -> Iterator[Callable[..., Topology]]:
    """``topology_factory() -> Topology`` (own network + NXDOMAIN DNS); all closed after."""
    made: list[Topology] = []

    def factory(**kwargs) -> Topology:
        t = Topology(outer_engine, **kwargs)
        made.append(t)
        return t

    yield factory
    for t in made:
        t.close()


@pytest.fixture
def topology(topology_factory: Callable[..., Topology]) -> Topology:
    """A fresh :class:`~tests.support.topology.Topology`: network + DNS, no service yet.

    ``topology.start_service(...)``, ``topology.run_job(cmd, env=...)``,
    ``topology.run_tool("--json", env=...)``, ``topology.run_scenario("healthy_tls", cmd)``.
    """
    return topology_factory()
