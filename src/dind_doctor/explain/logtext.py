"""Turn a raw GitLab job log into clean lines that know where they came from.

A raw job trace carries ANSI colour codes, collapsible-section markers
(``section_start:<time>:<name>[options]\\r\\x1b[0K``), carriage-return overwrites, optional
runner timestamps (``2026-06-01T12:00:00.123456Z 00O ``) and, when a service failed its health
check, the runner's warning block with the service's own log under it::

    *** WARNING: Service runner-…-docker-0 probably didn't start properly.
    Health check error:
    service "runner-…-docker-0-wait-for-service" timeout
    Health check container logs:
    …
    Service container logs:
    2026-06-01T12:00:01.000Z mount: permission denied (are you root?)
    *********

``CI_DEBUG_SERVICES`` streams the same service log inline, each line prefixed
``[service:docker-dind] ``. Both become lines with origin ``service``.
"""

from __future__ import annotations

import re
from enum import Enum

from ..records import field, record
from .pasted import unpaste, unweb

MAX_LINE = 4000  # longer lines are cut: matching stays fast on binary junk

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-_]")
_SECTION = re.compile(r"section_(?:start|end):\d+:[A-Za-z0-9_.-]+(?:\[[^\]]*\])?")
_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z [0-9a-f]{2}[OE]\+? ?")
_SERVICE_PREFIX = re.compile(r"^\[service:(?P<name>[^\]]+)\] ?")
_WARNING = re.compile(r"\*\*\* WARNING: Service (?P<name>\S+) probably didn't start properly")
_BLOCK_END = re.compile(r"^\*{5,}\s*$")
_COMMAND = re.compile(r"^\$ (?P<cmd>.+)$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# a service log line in an old runner's warning block (no "Service container logs:" header)
_LOG_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ")


class Origin(str, Enum):
    """Who wrote a line: the job's script, the runner, the service, or the health check."""

    JOB = "job"
    SERVICE = "service"
    HEALTH_CHECK = "health-check"


@record(frozen=True)
class LogLine:
    """One cleaned line: ``number`` is 1-based in the input; ``command`` the ``$ …`` it ran
    under (empty before the script starts)."""

    number: int
    text: str
    origin: Origin = Origin.JOB
    command: str = ""
    command_index: int = -1


@record
class ServiceWarning:
    """The runner's ``*** WARNING: Service … probably didn't start properly.`` block."""

    service: str
    line: int
    health_check_error: list[str] = field(default_factory=list)
    service_log: list[LogLine] = field(default_factory=list)


@record
class ParsedLog:
    lines: list[LogLine]
    warnings: list[ServiceWarning]
    commands: list[LogLine]  # the ``$ …`` lines, in order


def clean(raw: str) -> list[str]:
    """The visible texts of one raw line: markers and colours removed, ``\\r`` segments kept
    apart (a progress bar overwrites itself; an error before ``\\r\\x1b[0K`` must survive)."""
    parts = []
    for segment in raw.split("\r"):
        text = _ANSI.sub("", _SECTION.sub("", segment))
        text = _CONTROL.sub("", _TIMESTAMP.sub("", text)).rstrip()
        if text.strip():
            parts.append(text[:MAX_LINE])
    return parts


def parse_log(raw: str) -> ParsedLog:
    """Split ``raw`` into :class:`LogLine`s, marking the service-warning blocks (a pasted
    log's typographic quotes, quote markers, line numbers and indentation undone first:
    :mod:`.pasted`)."""
    lines: list[LogLine] = []
    warnings: list[ServiceWarning] = []
    commands: list[LogLine] = []
    block: ServiceWarning | None = None
    part = ""  # which part of the block we are in
    command, command_index = "", -1
    numbered = [(number, text) for number, raw_line in enumerate(unweb(raw).splitlines(), 1)
                for text in clean(raw_line)]
    texts = unpaste([text for _, text in numbered])
    for (number, _), text in zip(numbered, texts, strict=True):  # each visible text, in order
        origin = Origin.JOB
        warning = _WARNING.search(text)
        if warning:
            block = ServiceWarning(warning.group("name"), number)
            warnings.append(block)
            part = "health check error"
        elif block is not None and _BLOCK_END.match(text):
            block, part = None, ""
        elif block is not None:
            header = text.strip().rstrip(":").casefold()
            if header in ("health check error", "health check container logs",
                          "service container logs"):
                part = header
                continue
            origin = Origin.SERVICE if part == "service container logs" or (
                part == "health check error" and _LOG_TIMESTAMP.match(text)) \
                else Origin.HEALTH_CHECK
        else:
            prefixed = _SERVICE_PREFIX.match(text)
            if prefixed:
                origin, text = Origin.SERVICE, text[prefixed.end():]
            else:
                cmd = _COMMAND.match(text.strip())
                if cmd:
                    command, command_index = cmd.group("cmd"), len(commands)
        line = LogLine(number, text, origin, command, command_index)
        if block is not None and not warning:
            if origin is Origin.SERVICE:
                block.service_log.append(line)
            elif part == "health check error":
                block.health_check_error.append(text.strip())
        if _COMMAND.match(text.strip()) and origin is Origin.JOB:
            commands.append(line)
        lines.append(line)
    return ParsedLog(lines, warnings, commands)
