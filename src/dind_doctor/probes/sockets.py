"""Unix sockets that may carry the Docker API: present, a socket, permitted, answering."""

from __future__ import annotations

import socket
import time

from ..facts import SocketFacts
from .bounded import Deadline, elapsed_ms
from .environment import stat_path
from .tcp import PING, classify_reply

PING_TIMEOUT = 2.0


def probe_socket(path: str, deadline: Deadline) -> SocketFacts:
    started = time.perf_counter()
    facts = SocketFacts(path=path, file=stat_path(path))
    if not facts.file.exists:
        facts.ping = "missing" if facts.file.kind == "missing" else "error"
        facts.error = facts.file.error
    elif facts.file.kind != "socket":
        facts.ping = "not-a-socket"
        facts.error = f"{path} is a {facts.file.kind}, not a socket"
    else:
        _ping(facts, deadline)
    facts.duration_ms = elapsed_ms(started)
    return facts


def _ping(facts: SocketFacts, deadline: Deadline) -> None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    with sock:
        sock.settimeout(deadline.budget(PING_TIMEOUT))
        try:
            sock.connect(facts.path)
        except TimeoutError:
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
            sock.settimeout(deadline.budget(PING_TIMEOUT))
            sock.sendall(PING)
            data = sock.recv(4096)
        except TimeoutError:
            facts.ping, facts.error = "timeout", "connected, but no answer to /_ping"
            return
        except OSError as exc:
            facts.ping, facts.error = "error", exc.strerror or str(exc)
            return
    kind, detail = classify_reply(data)
    if kind == "http" and b" 200 " in data.split(b"\r\n", 1)[0]:
        facts.ping = "ok"
        if detail and "Api-Version " in detail:
            facts.api_version = detail.rsplit("Api-Version ", 1)[1]
    else:
        facts.ping, facts.error = "error", f"unexpected answer to /_ping: {detail}"
