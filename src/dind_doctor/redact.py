"""Keep secrets out of every output: tokens, passwords, keys, auth configs, credentials in URLs."""

from __future__ import annotations

import re

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (every run loads this)

if TYPE_CHECKING:
    from collections.abc import Callable

REDACTED = "[redacted]"
URL_REDACTED = "redacted"  # inside a URL: brackets would read as an IPv6 host

_SECRET_NAME = re.compile(
    r"(TOKEN|PASSWORD|PASSWD|SECRET|_KEY$|^KEY$|PRIVATE|CREDENTIAL|AUTH_CONFIG|JWT|COOKIE)",
    re.IGNORECASE,
)


class _Lazy:
    """A regular expression compiled on first use: most values (paths, names, numbers) never
    need the free-text ones below, which :func:`redact_text` runs only on text containing a
    substring every match contains."""

    def __init__(self, source: str, flags: int = 0) -> None:
        self._source, self._flags = source, flags
        self._compiled: re.Pattern[str] | None = None

    def sub(self, repl: str | Callable[[re.Match[str]], str], text: str) -> str:
        if self._compiled is None:
            self._compiled = re.compile(self._source, self._flags)
        return self._compiled.sub(repl, text)


_PEM_PRIVATE = _Lazy(
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(-----END [A-Z ]*PRIVATE KEY-----|$)", re.DOTALL)
_URL_CREDENTIALS = _Lazy(r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<cred>[^/@\s:]+(:[^/@\s]*)?)@",
                         re.IGNORECASE)
_AUTH_HEADER = _Lazy(r"(?P<head>\bAuthorization:\s*(?:Bearer|Basic|token)\s+)\S+",
                     re.IGNORECASE)
# ``token=...``, ``password: ...``, ``?api_key=...`` inside free text (an error message, a URL)
_SECRET_PAIR = _Lazy(
    r"(?P<name>\b[A-Za-z0-9_.-]*(?:token|password|passwd|secret|api[_-]?key|private[_-]?key"
    r"|credentials?)\b)(?P<sep>\s*[=:]\s*)(?P<value>\"[^\"]*\"|'[^']*'|[^\s,;&\"')\]}]+)",
    re.IGNORECASE)
_SECRET_WORDS = ("token", "passw", "secret", "api", "private", "credential")
_TOKEN_PREFIXES = ("glrt", "glpat", "gldt", "glcbt", "GR1348941")
_RUNNER_TOKEN = _Lazy(r"\b(glrt|glpat|gldt|glcbt|GR1348941)-?[A-Za-z0-9_\-]{8,}")


def is_secret_name(name: str) -> bool:
    """True for variable names whose values must never be shown."""
    return bool(_SECRET_NAME.search(name))


def redact_text(text: str) -> str:
    """Remove credentials that may hide inside a free-form value."""
    lower = text.lower()
    if "private key-----" in lower:
        text = _PEM_PRIVATE.sub(REDACTED, text)
    if "@" in text and "://" in text:
        text = _URL_CREDENTIALS.sub(lambda m: f"{m.group('scheme')}{URL_REDACTED}@", text)
    if "authorization" in lower:
        text = _AUTH_HEADER.sub(lambda m: f"{m.group('head')}{REDACTED}", text)
    if ("=" in text or ":" in text) and any(word in lower for word in _SECRET_WORDS):
        text = _SECRET_PAIR.sub(lambda m: f"{m.group('name')}{m.group('sep')}{REDACTED}", text)
    if any(prefix in text for prefix in _TOKEN_PREFIXES):
        text = _RUNNER_TOKEN.sub(REDACTED, text)
    return text


def redact_var(name: str, value: str) -> str:
    """The value of one environment variable as it may be shown or saved."""
    if is_secret_name(name):
        return REDACTED if value else ""
    return redact_text(value)
