"""Undo what pasting a job log into an issue, a forum post or a chat does to it.

Web pages and forum software turn quotes into typographic ones (``’``, ``“``), spaces into
no-break spaces, a page's text copied with its markup keeps ``&quot;`` and ``&lt;``, a job
page copied without its escape characters keeps colour codes as text (``[0K``, ``[32;1m``), and
a log inside one JSON string has its line breaks escaped (``\\n``): :func:`unweb` puts the
characters back.

Copied from GitLab's job page, every line carries its line number in front, glued to the text
(``23$ docker info``) or after a space. Quoted in Markdown or an e-mail, every line starts with
``> ``. Saved by another CI system, every line starts with a time; read from Docker's own log
files, every line is a JSON object. Pasted as a code block inside a list, the whole log is
indented. :func:`unpaste` removes each shape only when
(nearly) every line shows it, and line for line, so the line numbers explain reports stay
those of the input. A log with none of them is returned as it is.
"""

from __future__ import annotations

import re

TYPOGRAPHIC = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
                             "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2032": "'",
                             "\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u202f": " ",
                             "\u200b": None, "\ufeff": None})
_ENTITY = re.compile(r"&(?:quot|lt|gt|amp|apos|nbsp|#39|#x27|#34|#x22);")
# a terminal colour code whose escape character was lost on the way (``[0K``, ``[32;1m``, ``[0;m``)
_BARE_COLOUR = re.compile(r"(?<!\x1b)\[(?:\d{1,3}(?:;\d{1,3})*;?)?[mK]")
BARE_COLOURS = 2  # how many make a log one whose colour codes lost their escape
# a log of at most this many real line breaks with at least this many escaped ones (``\n``),
# and twice as many as it has lines (a JSON record per line escapes one each)
ESCAPED_LINES_MAX_REAL, ESCAPED_LINES_MIN = 2, 2
JSON_SHARE = 0.8

_QUOTE = re.compile(r"^[ \t]*>(?:[ \t]?>)*[ \t]?")
# a time in front of every line, as other CI systems save or show a log (GitHub Actions'
# ``2024-05-02T10:11:12.1234567Z``, Jenkins' timestamper ``[2024-05-02T10:11:12.123Z]`` or
# ``10:11:12``, ``docker logs -t``)
_TIME_PREFIX = re.compile(
    r"^[ \t]*\[?(?:\d{4}-\d\d-\d\d[T ])?\d\d:\d\d:\d\d(?:[.,]\d{1,9})?"
    r"(?:Z|[+-]\d\d:?\d\d| ?UTC)?\]?(?:[ \t]+|$)")
TIMED_SHARE = 0.8
_DIGITS = re.compile(r"^\d{1,7}")
# share of the non-blank lines that must carry the shape before it is removed
QUOTED_SHARE = 0.9
NUMBERED_SHARE = 0.8
MIN_NUMBERED = 3
_MARKS = (".", ":", "|", ")")


def unweb(text: str) -> str:
    """``text`` with typographic quotes, odd spaces, (when it has any) the HTML entities of a
    copied page, and colour codes that lost their escape character turned back into what a
    terminal showed."""
    if _ENTITY.search(text):
        import html

        text = html.unescape(text)
    if len(_BARE_COLOUR.findall(text, 0, 200_000)) >= BARE_COLOURS:
        text = _BARE_COLOUR.sub("", text)
    real, escaped = text.count("\n"), text.count("\\n")
    if real <= ESCAPED_LINES_MAX_REAL and escaped >= max(ESCAPED_LINES_MIN, 2 * (real + 1)):
        # a whole log inside one string (an API's JSON, a program's repr): its lines escaped
        text = (text.replace("\\r\\n", "\n").replace("\\n", "\n").replace("\\t", "\t")
                .replace('\\"', '"'))
    return text.translate(TYPOGRAPHIC)


def unpaste(lines: list[str]) -> list[str]:
    """``lines`` without a quote marker, a time in front, GitLab's line numbers or a common
    indentation."""
    return _dedent(_unnumber(_untime(_unjson(_unquote(lines)))))


def _blank(line: str) -> bool:
    return not line.strip()


def _unquote(lines: list[str]) -> list[str]:
    filled = [line for line in lines if not _blank(line)]
    quoted = sum(1 for line in filled if _QUOTE.match(line))
    if not filled or quoted < QUOTED_SHARE * len(filled):
        return lines
    return [_QUOTE.sub("", line, count=1) for line in lines]


def _unjson(lines: list[str]) -> list[str]:
    """Docker's json-file lines (``{"log": "...", "stream": ...}``, as ``cat *-json.log`` shows
    them) and JSON-formatted daemon logs (``{"level": ..., "msg": ...}``) as their text."""
    filled = [line for line in lines if not _blank(line)]
    if not filled or not filled[0].lstrip().startswith("{"):
        return lines
    import json

    out, decoded = [], 0
    for line in lines:
        text = None
        stripped = line.strip()
        if stripped.startswith("{") and stripped.endswith("}"):
            try:
                text = _json_text(json.loads(stripped))
            except ValueError:
                text = None
        decoded += text is not None
        out.append(line if text is None else text)
    return out if decoded >= JSON_SHARE * len(filled) else lines


def _json_text(record: object) -> str | None:
    if not isinstance(record, dict):
        return None
    log = record.get("log")
    if isinstance(log, str):
        return log.rstrip("\n")
    message = record.get("msg", record.get("message"))
    if not isinstance(message, str):
        return None
    level = record.get("level")
    if not isinstance(level, str):
        return message
    rest = " ".join(f"{key}={value}" for key, value in record.items()
                    if key not in ("msg", "message", "level", "time")
                    and isinstance(value, (str, int, float)))
    return f'level={level} msg="{message}"' + (f" {rest}" if rest else "")


def _untime(lines: list[str]) -> list[str]:
    filled = [line for line in lines if not _blank(line)]
    timed = sum(1 for line in filled if _TIME_PREFIX.match(line))
    if len(filled) < 2 or timed < TIMED_SHARE * len(filled):
        return lines
    return [_TIME_PREFIX.sub("", line, count=1) for line in lines]


def _number_prefix(line: str, previous: int) -> int | None:
    """The line number glued in front of ``line``: the one after ``previous`` when the line
    starts with it, else the whole run of digits when it is larger than ``previous`` and text
    (not a digit) follows; ``None`` when the line does not continue the numbering."""
    digits = _DIGITS.match(line)
    if digits is None:
        return None
    run = digits.group()
    following = str(previous + 1)
    if run.startswith(following):
        return previous + 1
    number = int(run)
    return number if number > previous else None


def _unnumber(lines: list[str]) -> list[str]:
    numbers: list[int | None] = []
    previous = 0
    for line in lines:
        number = _number_prefix(line.lstrip(" \t"), previous) if line.strip() else None
        numbers.append(number)
        if number is not None:
            previous = number
    filled = sum(1 for line in lines if not _blank(line))
    rests = [line.lstrip(" \t")[len(str(number)):] if number is not None else None
             for line, number in zip(lines, numbers, strict=True)]
    numbered = [rest for rest in rests if rest is not None]
    if len(numbered) < MIN_NUMBERED or len(numbered) < NUMBERED_SHARE * filled:
        return lines
    # a pastebin or an editor writes "12. ", "12: " or "12 | " after the number
    marks = [rest.lstrip(" \t")[:1] for rest in numbered]
    mark = max(set(marks), key=marks.count)
    strip_mark = mark in _MARKS and marks.count(mark) >= NUMBERED_SHARE * len(numbered)
    out = []
    for line, rest in zip(lines, rests, strict=True):
        if rest is None:
            out.append(line)
            continue
        if strip_mark and rest.lstrip(" \t").startswith(mark):
            rest = rest.lstrip(" \t")[1:]
        out.append(rest[1:] if rest[:1] in (" ", "\t") else rest)
    return out


def _dedent(lines: list[str]) -> list[str]:
    filled = [line for line in lines if not _blank(line)]
    if not filled:
        return lines
    margin = min(len(line) - len(line.lstrip(" \t")) for line in filled)
    if margin == 0:
        return lines
    prefix = filled[0][:margin]
    if not all(line.startswith(prefix) for line in filled):  # mixed tabs and spaces
        return lines
    return [line[margin:] if not _blank(line) else line.strip(" \t") for line in lines]
