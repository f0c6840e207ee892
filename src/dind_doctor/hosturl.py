"""Split a ``DOCKER_HOST`` value: scheme, host, port, path. The one parser for it.

Same results and error messages as ``urllib.parse.urlsplit`` with its ``hostname`` and
``port`` for the forms a Docker endpoint takes (``tcp://docker:2376``, ``tcp://[::1]:2375``,
``unix:///var/run/docker.sock``, ``ssh://user@host``), without importing ``urllib.parse``
(and ``ipaddress`` with it): this runs first thing in every diagnosis, before the rest of
the tool is loaded.
"""

from __future__ import annotations

import socket

_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.")


class HostUrl:
    """The parts of one endpoint URL (``host`` lower-cased, without IPv6 brackets)."""

    __slots__ = ("host", "path", "port", "scheme")

    def __init__(self, scheme: str, host: str | None, port: int | None, path: str) -> None:
        self.scheme, self.host, self.port, self.path = scheme, host, port, path

    def __repr__(self) -> str:
        return f"HostUrl({self.scheme!r}, {self.host!r}, {self.port!r}, {self.path!r})"


def split(url: str) -> HostUrl:
    """Split ``scheme://[user@]host[:port][/path]``; ``ValueError`` for a bad port or IPv6
    literal, or no ``scheme://`` at all."""
    scheme, sep, rest = url.strip().partition("://")
    if not sep or not scheme or not scheme[0].isalpha() or not set(scheme) <= _SCHEME_CHARS:
        raise ValueError(f"no scheme:// in {url!r}")
    end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    netloc, path = rest[:end], rest[end:]
    path = path[:min((i for i in (path.find(c) for c in "?#") if i >= 0), default=len(path))]
    hostinfo = netloc.rpartition("@")[2]
    if ("[" in netloc) != ("]" in netloc):
        raise ValueError("Invalid IPv6 URL")
    if hostinfo.startswith("["):
        literal, _, after = hostinfo[1:].partition("]")
        _check_ipv6(literal)
        host, port_text = literal, (after[1:] if after.startswith(":") else None)
    else:
        host, colon, port_text_raw = hostinfo.partition(":")
        port_text = port_text_raw if colon else None
    return HostUrl(scheme.lower(), host.lower() or None, _port(port_text), path)


def _port(text: str | None) -> int | None:
    if not text:
        return None
    if not (text.isdigit() and text.isascii()):
        raise ValueError(f"Port could not be cast to integer value as {text!r}")
    port = int(text)
    if not 0 <= port <= 65535:
        raise ValueError("Port out of range 0-65535")
    return port


def _check_ipv6(literal: str) -> None:
    address = literal.partition("%")[0]  # a zone id (fe80::1%eth0) is allowed
    if is_ip_literal(address) and ":" not in address:
        raise ValueError("An IPv4 address cannot be in brackets")
    try:
        socket.inet_pton(socket.AF_INET6, address)
    except OSError:
        raise ValueError(f"{literal!r} does not appear to be an IPv4 or IPv6 address") \
            from None


def is_ip_literal(host: str) -> bool:
    """Whether ``host`` is an IPv4 or IPv6 address (brackets allowed), not a name."""
    address = host.strip("[]").partition("%")[0]
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(family, address)
        except OSError:
            continue
        return True
    return False
