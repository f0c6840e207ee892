"""The real job-log corpus (tests/data/logs/real): sidecars, labels, split rule, no secrets."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "data" / "logs" / "real"
# `dev` is read while writing rules; `frozen` and `frozen-N` (one per later collection round)
# never are.
SPLITS = ("dev", *sorted(p.name for p in CORPUS.glob("frozen*") if p.is_dir()))
FROZEN = tuple(s for s in SPLITS if s != "dev")
KINDS = {"issue", "forum", "docs", "blog", "qa"}
VERDICTS = {"not-dind", "success"}
SIDECAR_KEYS = {"source", "title", "kind", "expected", "also", "note"}

# Failure modes of the research catalog plus the client modes; a label may also name any
# entry of checks/*.yaml (the catalog grows towards this list).
RESEARCH_MODES = frozenset(
    {
        "daemon-tls-client-plain-2375",
        "alias-unresolvable",
        "privileged-missing",
        "docker-host-unset-unix-socket",
        "daemon-not-ready-race",
        "iptables-backend-mismatch",
        "api-version-skew",
        "certs-client-not-shared",
        "k8s-executor-wiring",
        "mtu-mismatch",
        "socket-binding-mixed-with-dind",
        "compose-missing",
        "floating-tag-breakage",
        "registry-rate-limit",
        "inner-daemon-registry-trust",
        "bind-mount-path-not-in-dind",
        "env-propagation-to-service",
        "client-plain-http-to-tls-port",
        "daemon-plain-client-expects-tls",
        "published-port-localhost",
        "service-healthcheck-timeout",
        "missing-kernel-netfilter-modules",
        "disk-space-exhaustion",
        "proxy-not-propagated",
        "nested-dns",
        "cgroup-v2-old-dind",
        "storage-driver-vfs-fallback",
        "overlay-on-overlay",
        "shell-executor-specifics",
        "gitlab-saas-runner-specifics",
        "ff-network-per-build-effects",
        "registry-auth-not-inherited",
        "certs-shared-stale-or-concurrent",
        "tls-san-mismatch-custom-alias",
        "unix-socket-shared-volume-misconfig",
        "rootless-dind",
        "stale-pinned-dind",
        "python-strict-x509-dind-ca",
        "clock-skew-cert-validity",
        "buildkit-default-network",
        "testcontainers-host-override",
        "client-tls-env-semantics",
        "testcontainers-api-too-old",
        "buildx-tls-context",
    }
)

# Credentials that must never be committed, even from a public thread.
SECRET_PATTERNS = [
    re.compile(r"glpat-[A-Za-z0-9_-]{20,}"),
    re.compile(r"GR1348941[A-Za-z0-9_-]{20,}"),
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}"),
    re.compile(r"\bgithub_pat_[A-Za-z0-9_]{40,}"),
    re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    re.compile(r"\bnpm_[A-Za-z0-9]{36}\b"),
    re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    re.compile(r"-----BEGIN (?:RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----"),
    re.compile(r"(?i)authorization:\s*(?:bearer|basic)\s+[A-Za-z0-9+/=._-]{16,}"),
    re.compile(r"(?i)(?:password|passwd|token|secret)\s*[=:]\s*['\"]?[A-Za-z0-9+/_-]{16,}"),
    re.compile(r"(?i)docker login\b[^\n]*\s-p\s+(?!['\"]?\$|\[?REDACTED|\*{3})\S{8,}"),
]

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def catalog_ids() -> set[str]:
    return {p.stem for p in (REPO / "checks").glob("*.yaml")}


def valid_labels() -> set[str]:
    return set(RESEARCH_MODES) | catalog_ids() | VERDICTS


def logs() -> list[Path]:
    return sorted(p for split in SPLITS for p in (CORPUS / split).glob("*.log"))


def sidecar(log: Path) -> dict:
    return json.loads(log.with_suffix(".json").read_text(encoding="utf-8"))


def ordinal(slug: str, expected: str) -> int:
    """The number (two to four digits) after the label in `<expected>-<NN>-<words>`."""
    match = re.match(r"^(\d{2,4})-[a-z0-9-]+$", slug[len(expected) + 1 :])
    assert slug.startswith(expected + "-") and match, f"{slug}: not <expected>-<NN>-<words>"
    return int(match.group(1))


def test_corpus_is_not_empty() -> None:
    assert len(logs()) >= 2
    assert list((CORPUS / "frozen").glob("*.log")), "the frozen split is empty"


def test_every_file_has_its_pair() -> None:
    for split in SPLITS:
        stems = {p.stem for p in (CORPUS / split).iterdir() if p.suffix in {".log", ".json"}}
        for stem in stems:
            for ext in (".log", ".json"):
                assert (CORPUS / split / f"{stem}{ext}").is_file(), f"{split}/{stem}{ext} missing"
        others = [p.name for p in (CORPUS / split).iterdir() if p.suffix not in {".log", ".json"}]
        assert not others, f"unexpected files in {split}: {others}"


def test_slugs_are_unique_across_splits() -> None:
    stems = [p.stem for p in logs()]
    assert len(stems) == len(set(stems))


@pytest.mark.parametrize("log", logs(), ids=lambda p: p.stem)
def test_sidecar_is_complete_and_labels_are_known(log: Path) -> None:
    side = sidecar(log)
    assert set(side) == SIDECAR_KEYS, f"keys: {sorted(side)}"
    assert SLUG.match(log.stem)
    assert re.match(r"^https://[^\s/]+\.[^\s/]+/\S*$", side["source"]), side["source"]
    assert side["title"].strip()
    assert side["kind"] in KINDS
    labels = valid_labels()
    assert side["expected"] in labels, f"unknown expected {side['expected']!r}"
    assert isinstance(side["also"], list)
    for other in side["also"]:
        assert other in labels - VERDICTS, f"unknown also {other!r}"
    assert side["expected"] not in side["also"]
    if side["expected"] in VERDICTS:
        assert side["also"] == [], "a negative lists no acceptable failure modes"
    assert side["note"].strip() and "\n" not in side["note"]
    text = log.read_text(encoding="utf-8")
    assert text.strip(), "empty excerpt"
    assert text.endswith("\n")


@pytest.mark.parametrize("log", logs(), ids=lambda p: p.stem)
def test_split_follows_the_fixed_rule(log: Path) -> None:
    """Every third excerpt of a label (ordinal 2, 5, 8, ...) is frozen, the rest is dev."""
    n = ordinal(log.stem, sidecar(log)["expected"])
    assert (log.parent.name in FROZEN) == (n % 3 == 2)


def test_ordinals_are_unique_per_label() -> None:
    seen: dict[tuple[str, int], str] = {}
    for log in logs():
        expected = sidecar(log)["expected"]
        key = (expected, ordinal(log.stem, expected))
        assert key not in seen, f"{log.stem} and {seen[key]} share ordinal {key}"
        seen[key] = log.stem


@pytest.mark.parametrize(
    "path",
    [*sorted(p for split in SPLITS for p in (CORPUS / split).iterdir()), CORPUS / "README.md"],
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_no_secrets(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for pattern in SECRET_PATTERNS:
        hit = pattern.search(text)
        assert not hit, f"{path.name}: looks like a credential: {hit.group(0)[:12]}..."


def test_readme_tables_are_generated_from_the_sidecars() -> None:
    """Run `python -m tests.support.corpus_tables --write` after adding excerpts."""
    from tests.support.corpus_tables import README, readme_with_tables

    assert README.read_text(encoding="utf-8") == readme_with_tables(RESEARCH_MODES)


def test_secret_patterns_catch_what_they_should() -> None:
    """The scanner itself must fire on typical leaks, or the test above proves nothing."""
    leaks = [
        "export TOKEN=glpat-" + "a" * 20,
        "docker login -u me -p hunter2hunter2 registry.example.com",
        "-----BEGIN RSA PRIVATE KEY-----",
        "Authorization: Bearer " + "b" * 24,
    ]
    for leak in leaks:
        assert any(p.search(leak) for p in SECRET_PATTERNS), leak
    safe = "docker login -u gitlab-ci-token -p $CI_JOB_TOKEN"
    assert not any(p.search(safe) for p in SECRET_PATTERNS)
