"""Pasted error lines land on the right catalog entry and fix-tree node, both CLI wordings."""

from __future__ import annotations

import pytest

from dind_doctor.catalog import load_catalog
from dind_doctor.explain import match_error_line

CASES = [
    # (pasted line, expected best entry, expected node or None for "any")
    ("ERROR: Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker daemon "
     "running?", "daemon-tls-client-plain-2375", "tls-end-to-end"),
    ('error during connect: Post "http://docker:2375/v1.24/auth": dial tcp: lookup docker on '
     "169.254.169.254:53: no such host", "alias-unresolvable", None),
    ("failed to connect to the docker API at tcp://docker:2375: lookup docker on 10.0.0.2:53: "
     "no such host", "alias-unresolvable", None),
    ("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon "
     "running?", "docker-host-unset-unix-socket", None),
    ("failed to connect to the docker API at unix:///var/run/docker.sock; check if the path is "
     "correct and if the daemon is running: dial unix /var/run/docker.sock: connect: no such "
     "file or directory", "docker-host-unset-unix-socket", None),
    ("unable to resolve docker endpoint: open /certs/client/ca.pem: no such file or directory",
     "certs-client-not-shared", None),
    ("Error response from daemon: Client sent an HTTP request to an HTTPS server.",
     "client-plain-http-to-tls-port", None),
    ('error during connect: Get "https://docker:2375/v1.24/info": http: server gave HTTP '
     "response to HTTPS client", "daemon-plain-client-expects-tls", None),
    ("Error response from daemon: client version 1.43 is too old. Minimum supported API version "
     "is 1.44, please upgrade your client to a newer version", "api-version-skew", None),
    ("/bin/sh: eval: line 150: docker-compose: not found", "compose-missing", None),
    ("docker: 'compose' is not a docker command.", "compose-missing", "use-plugin"),
    ("x509: certificate is valid for cf4b4945b471, docker, localhost, not dind",
     "tls-san-mismatch-custom-alias", None),
    ("mount: permission denied (are you root?)", "privileged-missing", None),
    ("toomanyrequests: You have reached your unauthenticated pull rate limit.",
     "registry-rate-limit", None),
    ("Cannot connect to the Docker daemon at unix:///runner/services/docker/docker.sock. Is the "
     "docker daemon running?", "unix-socket-shared-volume-misconfig", None),
    ("Error: (HTTP code 400) violates PodSecurity \"baseline:latest\"", "privileged-missing",
     "kubernetes-executor"),
]


@pytest.mark.parametrize(("line", "entry", "node"), CASES, ids=[c[1] for c in CASES])
def test_error_line_lands_on_the_entry(line: str, entry: str, node: str | None) -> None:
    best = match_error_line(line)[0]
    assert best.entry.id == entry
    if node:
        assert best.node.id == node
    assert best.node.is_fix or best.node.children


def test_case_and_whitespace_do_not_matter() -> None:
    shouted = "CANNOT   connect to the docker daemon AT tcp://DOCKER:2375"
    assert match_error_line(shouted)[0].entry.id == "daemon-tls-client-plain-2375"


def test_a_fragment_finds_the_entries_that_contain_it() -> None:
    ids = [m.entry.id for m in match_error_line("ca.pem: no such file")]
    assert "certs-client-not-shared" in ids


def test_results_are_ranked_and_unique() -> None:
    results = match_error_line("Cannot connect to the Docker daemon at tcp://docker:2375.")
    ids = [m.entry.id for m in results]
    assert len(ids) == len(set(ids))
    assert [m.score for m in results] == sorted((m.score for m in results), reverse=True)
    assert "daemon-not-ready-race" in ids  # the intermittent variant is a candidate too


@pytest.mark.parametrize("line", ["", "  ", "ok", "everything is fine today, thanks"])
def test_unrelated_text_matches_nothing(line: str) -> None:
    assert match_error_line(line) == []


def test_every_symptom_finds_its_own_entry() -> None:
    """A symptom's own text (wildcards filled in) must rank its entry among the results; a
    weak symptom alone names nothing (that is what weak means)."""
    catalog = load_catalog()
    for entry in catalog.values():
        for symptom in entry.symptoms:
            line = symptom.match.replace("*", "x")
            ids = [m.entry.id for m in match_error_line(line, catalog, limit=50)]
            if symptom.weak:
                assert entry.id not in ids, f"{entry.id}: weak {symptom.match!r} names it"
            else:
                assert entry.id in ids, f"{entry.id}: {symptom.match!r} does not find its entry"


@pytest.mark.parametrize("line", [
    "Error response from daemon: ",
    "Read timed out.",
    "dial tcp 10.0.0.5:5432: connect: connection refused",
    "Error response from daemon: Get \"https://registry.gitlab.com/v2/\": unauthorized: "
    "incorrect username or password",
])
def test_generic_text_alone_names_no_mode(line: str) -> None:
    assert match_error_line(line) == []


def test_the_search_ranks_a_line_as_explain_does() -> None:
    from dind_doctor.explain import explain_log

    line = "iptables v1.8.10 (nf_tables): TABLE_ADD failed (Not supported): table nat"
    ranked = [(m.entry.id, m.score) for m in match_error_line(line)]
    assert ranked and ranked == [(c.entry.id, c.score) for c in explain_log(line).candidates]
