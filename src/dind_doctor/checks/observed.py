"""Small readings of the facts that several checks share (pure, no I/O)."""

from __future__ import annotations

import time

from ..endpoint import DEFAULT_SOCKET
from ..facts import PathFact, PortFacts
from .base import Context

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (every run loads this)

if TYPE_CHECKING:
    from datetime import datetime

DIND_PORTS = (2375, 2376)
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


def port_facts(ctx: Context, number: int | None) -> PortFacts | None:
    return None if number is None else ctx.facts.port(number)


def endpoint_port(ctx: Context) -> PortFacts | None:
    return port_facts(ctx, ctx.endpoint.port)


def is_open(port: PortFacts | None) -> bool:
    return port is not None and port.state == "open"


def speaks(port: PortFacts | None, protocol: str) -> bool:
    return is_open(port) and port is not None and port.protocol == protocol


def describe_port(port: PortFacts | None) -> str:
    """'open (tls)', 'refused', 'not probed' ..."""
    if port is None:
        return "not probed"
    if port.state != "open":
        return port.state + (f" ({port.error})" if port.error else "")
    text = f"open ({port.protocol or 'protocol unknown'})"
    return f"{text}: {port.protocol_detail}" if port.protocol_detail else text


def dind_port_evidence(ctx: Context) -> list[tuple[str, object]]:
    host = ctx.endpoint.host or "docker"
    return [(f"{host}:{number}", describe_port(ctx.facts.port(number))) for number in DIND_PORTS]


def socket_state(ctx: Context, path: str) -> tuple[str, str]:
    """(kind of the path, answer to /_ping) for a socket path the probes looked at."""
    sock = ctx.facts.socket(path)
    return path_kind(ctx, path), sock.ping if sock is not None else "not-probed"


def path_kind(ctx: Context, path: str) -> str:
    """The kind of a path as the socket or environment probe saw it ('unknown' if neither)."""
    sock = ctx.facts.socket(path)
    if sock is not None:
        return sock.file.kind
    fact: PathFact | None = ctx.facts.env.paths.get(path)
    return fact.kind if fact is not None else "unknown"


def host_socket_present(ctx: Context) -> bool:
    return path_kind(ctx, DEFAULT_SOCKET) == "socket"


def docker_alias_addresses(ctx: Context) -> list[str] | None:
    """Addresses of the ``docker`` alias, or ``None`` when it was not looked up."""
    name = ctx.facts.name
    if name is None or name.host != "docker":
        return None
    return name.addresses


def parse_utc(text: str) -> datetime:
    """An ISO 8601 timestamp as an aware UTC datetime (a missing zone means UTC)."""
    from datetime import datetime, timezone  # only when a certificate's dates are judged

    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def collected_at(ctx: Context) -> datetime:
    """The probes' clock: validity windows are judged against it, never the wall clock."""
    return parse_utc(ctx.facts.collected_at)


def epoch_to_iso(seconds: float | None) -> str:
    if seconds is None:
        return "(unknown)"
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def version_tuple(text: str | None) -> tuple[int, ...] | None:
    """'1.44' -> (1, 44); ``None`` for anything that is not dotted digits."""
    if not text:
        return None
    try:
        return tuple(int(part) for part in str(text).strip().split("."))
    except ValueError:
        return None
