"""The DOCKER_HOST splitter agrees with ``urllib.parse.urlsplit`` on every endpoint form."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from dind_doctor import hosturl

FORMS = [
    "tcp://docker:2375", "tcp://DOCKER:2376/", "tcp://[::1]:2375", "tcp://[fe80::1%25eth0]:2375",
    "tcp://host", "tcp://host:", "tcp://host:abc", "tcp://host:70000", "tcp://host:-1",
    "tcp://[::1", "tcp://::1]:2", "tcp://[1.2.3.4]:1", "tcp://[zz]:1", "tcp://h:\u0661\u0662",
    "unix:///var/run/docker.sock", "ssh://user@host:22", "ssh://user@Host", "fd://",
    "npipe:////./pipe/docker_engine", "tcp://", "tcp://:2375", "http://127.0.0.1:2375/v1",
    "tcp://user:pw@h:1", "tcp://h:1?x=1", "tcp://h:1#f", " tcp://docker:2375 ",
    "TCP://docker:2375", "tcp://10.0.0.5:2376/path?q#f", "https://docker:2376",
]


def _reference(url: str) -> tuple:
    try:
        parts = urlsplit(url.strip())
        return parts.scheme.lower(), parts.hostname, parts.port, parts.path
    except ValueError as exc:
        return ("error", str(exc))


def _ours(url: str) -> tuple:
    try:
        parts = hosturl.split(url)
        return parts.scheme, parts.host, parts.port, parts.path
    except ValueError as exc:
        return ("error", str(exc))


@pytest.mark.parametrize("url", FORMS)
def test_same_parts_and_errors_as_urlsplit(url: str) -> None:
    assert _ours(url) == _reference(url)


@pytest.mark.parametrize("url", ["docker:2375", "/var/run/docker.sock", "", "://x", "1tcp://x"])
def test_no_scheme_is_an_error(url: str) -> None:
    with pytest.raises(ValueError):
        hosturl.split(url)


@pytest.mark.parametrize(("host", "literal"), [
    ("127.0.0.1", True), ("::1", True), ("[::1]", True), ("fe80::1%eth0", True),
    ("docker", False), ("127.1", False), ("1.2.3.256", False), ("", False), ("docker.local", False),
])
def test_ip_literals(host: str, literal: bool) -> None:
    assert hosturl.is_ip_literal(host) is literal
