"""Unix sockets that may carry the Docker API: present, a socket, permitted, answering."""

from __future__ import annotations

import asyncio
import time

from ..facts import SocketFacts
from .bounded import Deadline, elapsed_ms
from .environment import stat_path
from .tcp import classify_reply

PING_TIMEOUT = 2.0


async def probe_socket(path: str, deadline: Deadline) -> SocketFacts:
    started = time.perf_counter()
    facts = SocketFacts(path=path, file=stat_path(path))
    if not facts.file.exists:
        facts.ping = "missing" if facts.file.kind == "missing" else "error"
        facts.error = facts.file.error
    elif facts.file.kind != "socket":
        facts.ping = "not-a-socket"
        facts.error = f"{path} is a {facts.file.kind}, not a socket"
    else:
        await _ping(facts, deadline)
    facts.duration_ms = elapsed_ms(started)
    return facts


async def _ping(facts: SocketFacts, deadline: Deadline) -> None:
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_unix_connection(facts.path), deadline.budget(PING_TIMEOUT)
        )
    except asyncio.TimeoutError:
        facts.ping, facts.error = "timeout", "connect timed out"
        return
    except PermissionError as exc:
        facts.ping, facts.error = "permission-denied", exc.strerror
        return
    except ConnectionRefusedError as exc:
        facts.ping, facts.error = "refused", exc.strerror or "connection refused"
        return
    except OSError as exc:
        facts.ping, facts.error = "error", exc.strerror or str(exc)
        return
    try:
        writer.write(b"GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n")
        await writer.drain()
        data = await asyncio.wait_for(reader.read(4096), deadline.budget(PING_TIMEOUT))
    except asyncio.TimeoutError:
        facts.ping, facts.error = "timeout", "connected, but no answer to /_ping"
        return
    except OSError as exc:
        facts.ping, facts.error = "error", exc.strerror or str(exc)
        return
    finally:
        writer.close()
    kind, detail = classify_reply(data)
    if kind == "http" and b" 200 " in data.split(b"\r\n", 1)[0]:
        facts.ping = "ok"
        if detail and "Api-Version " in detail:
            facts.api_version = detail.rsplit("Api-Version ", 1)[1]
    else:
        facts.ping, facts.error = "error", f"unexpected answer to /_ping: {detail}"
