"""Every ranked failure mode has a full catalog entry, and its error text is specific."""

from __future__ import annotations

import pytest

from dind_doctor.catalog import Entry, load_catalog
from dind_doctor.explain import match_error_line

from .ranked_modes import RANKED_MODES

# Modes no public error text is known for (the user only sees wrong results). Such an entry
# explains the mode but has no symptoms and stays 'detected: false'. Empty since the empty bind
# mount's daemon-side wording ("bind source path does not exist") turned up in real logs.
NO_ERROR_TEXT: frozenset[str] = frozenset()

# Lines from CI failures that are not DinD failures, and generic lines that appear in them.
# No catalog symptom may match them: a match would call an ordinary failure a DinD failure.
NOT_DIND_LINES = [
    'Error response from daemon: Get "https://registry-1.docker.io/v2/": unauthorized: '
    "incorrect username or password",
    "Error response from daemon: manifest for alpine:3.99 not found: manifest unknown: "
    "manifest unknown",
    "pip._vendor.urllib3.exceptions.ReadTimeoutError: HTTPSConnectionPool("
    "host='files.pythonhosted.org', port=443): Read timed out.",
    "npm ERR! code ETIMEDOUT",
    'go: example.com/mod@v1.2.3: Get "https://proxy.golang.org/example.com/mod/@v/v1.2.3.mod": '
    "dial tcp: lookup proxy.golang.org on 10.0.0.2:53: no such host",
    'go: example.com/mod@v1.2.3: Get "https://proxy.example.com/mod": x509: certificate signed '
    "by unknown authority",
    "curl: (22) The requested URL returned error: 429 Too Many Requests",
    "psql: error: connection to server at \"db\" (10.0.0.5), port 5432 failed: connect: "
    "connection refused",
    "ERROR: Job failed: exit code 137",
    "FAILED tests/test_app.py::test_login - AssertionError: assert 500 == 200",
    "iptables v1.8.10 (nf_tables)",  # dind's entrypoint prints its version on every start
]


def ranked_entries() -> list[tuple[str, Entry | None]]:
    catalog = load_catalog()
    return [(mode, catalog.get(mode)) for mode in RANKED_MODES]


@pytest.mark.parametrize(("mode", "entry"), ranked_entries(), ids=RANKED_MODES)
def test_every_ranked_mode_has_a_full_entry(mode: str, entry: Entry | None) -> None:
    assert entry is not None, f"add checks/{mode}.yaml"
    assert entry.rank == RANKED_MODES.index(mode) + 1
    assert entry.meaning and entry.mechanism and entry.confirm
    assert entry.docs and all(d.url.startswith("https://") for d in entry.docs)
    fixes = [n for n in entry.fix_tree.walk() if n.is_fix]
    assert fixes and all(n.steps for n in fixes)
    assert any(n.snippets for n in fixes), f"{mode}: no fix has a snippet to copy"


@pytest.mark.parametrize(("mode", "entry"), ranked_entries(), ids=RANKED_MODES)
def test_every_ranked_mode_has_error_text_unless_it_has_none(mode: str,
                                                             entry: Entry | None) -> None:
    assert entry is not None
    if mode in NO_ERROR_TEXT:
        assert not entry.symptoms and not entry.detected
    else:
        assert entry.symptoms, f"{mode}: add the error text users see as symptoms"
        assert entry.detected, f"{mode}: explain finds it in a log, remove 'detected: false'"


def test_the_exceptions_are_ranked_modes() -> None:
    assert set(RANKED_MODES) >= NO_ERROR_TEXT


@pytest.mark.parametrize("line", NOT_DIND_LINES)
def test_a_non_dind_line_matches_no_symptom(line: str) -> None:
    found = [(m.entry.id, m.symptom.match) for m in match_error_line(line, limit=50)]
    assert found == []


def test_a_specific_line_still_matches_where_a_generic_one_does_not() -> None:
    """The guard above is not vacuous: the DinD form of the same failure is found."""
    dind = ('error during connect: Get "http://docker:2375/v1.24/info": dial tcp: lookup docker '
            "on 10.0.0.2:53: no such host")
    assert match_error_line(dind)[0].entry.id == "alias-unresolvable"
    limit = ("failed to resolve source metadata for docker.io/library/python:3.11-slim: 429 Too "
             "Many Requests - Server message: toomanyrequests")
    assert match_error_line(limit)[0].entry.id == "registry-rate-limit"


def test_no_symptom_starts_with_a_wildcard() -> None:
    """``*`` is a wildcard: a leading or doubled one makes matching a long line very slow."""
    slow = [(e.id, s.match) for e in load_catalog().values() for s in e.symptoms
            if s.match.lstrip().startswith("*") or "**" in s.match.replace(" ", "")]
    assert slow == []
