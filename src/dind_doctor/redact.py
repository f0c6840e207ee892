"""Keep secrets out of every output: tokens, passwords, keys, auth configs, credentials in URLs."""

from __future__ import annotations

import re

REDACTED = "[redacted]"
URL_REDACTED = "redacted"  # inside a URL: brackets would read as an IPv6 host

_SECRET_NAME = re.compile(
    r"(TOKEN|PASSWORD|PASSWD|SECRET|_KEY$|^KEY$|PRIVATE|CREDENTIAL|AUTH_CONFIG|JWT|COOKIE)",
    re.IGNORECASE,
)
_URL_CREDENTIALS = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<cred>[^/@\s:]+(:[^/@\s]*)?)@",
                              re.IGNORECASE)
_RUNNER_TOKEN = re.compile(r"\b(glrt|glpat|gldt|glcbt|GR1348941)-?[A-Za-z0-9_\-]{8,}")
# ``token=...``, ``password: ...``, ``?api_key=...`` inside free text (an error message, a URL)
_SECRET_PAIR = re.compile(
    r"(?P<name>\b[A-Za-z0-9_.-]*(?:token|password|passwd|secret|api[_-]?key|private[_-]?key"
    r"|credentials?)\b)(?P<sep>\s*[=:]\s*)(?P<value>\"[^\"]*\"|'[^']*'|[^\s,;&\"')\]}]+)",
    re.IGNORECASE)
_AUTH_HEADER = re.compile(r"(?P<head>\bAuthorization:\s*(?:Bearer|Basic|token)\s+)\S+",
                          re.IGNORECASE)
_PEM_PRIVATE = re.compile(
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(-----END [A-Z ]*PRIVATE KEY-----|$)", re.DOTALL
)


def is_secret_name(name: str) -> bool:
    """True for variable names whose values must never be shown."""
    return bool(_SECRET_NAME.search(name))


def redact_text(text: str) -> str:
    """Remove credentials that may hide inside a free-form value."""
    text = _PEM_PRIVATE.sub(REDACTED, text)
    text = _URL_CREDENTIALS.sub(lambda m: f"{m.group('scheme')}{URL_REDACTED}@", text)
    text = _AUTH_HEADER.sub(lambda m: f"{m.group('head')}{REDACTED}", text)
    text = _SECRET_PAIR.sub(lambda m: f"{m.group('name')}{m.group('sep')}{REDACTED}", text)
    return _RUNNER_TOKEN.sub(REDACTED, text)


def redact_var(name: str, value: str) -> str:
    """The value of one environment variable as it may be shown or saved."""
    if is_secret_name(name):
        return REDACTED if value else ""
    return redact_text(value)
