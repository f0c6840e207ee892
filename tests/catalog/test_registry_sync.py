"""The catalog and the code's finding ids stay in step, and the common modes are all covered."""

from __future__ import annotations

import dind_doctor.checks  # noqa: F401  (importing registers every check)
from dind_doctor.catalog import load_catalog
from dind_doctor.checks.base import REGISTRY

from .ranked_modes import RANKED_MODES

# ranks 1-20: every one needs an entry, detected or not
TOP_20_MODES = RANKED_MODES[:20]

registry_ids = {check.id for check in REGISTRY}


def test_the_checks_are_registered() -> None:
    """Every comparison below is empty-handed without them: a broken registration fails here."""
    assert len(registry_ids) >= 40
    assert {"daemon-unreachable", "privileged-missing", "dind-alias-missing"} <= registry_ids


def test_every_top_20_mode_has_an_entry() -> None:
    missing = set(TOP_20_MODES) - set(load_catalog())
    assert not missing, f"no catalog entry for: {sorted(missing)}"


def test_ranks_follow_the_research_table() -> None:
    catalog = load_catalog()
    assert [catalog[mode].rank for mode in TOP_20_MODES] == list(range(1, 21))


def test_every_finding_id_in_code_has_an_entry() -> None:
    missing = registry_ids - set(load_catalog())
    assert not missing, f"add checks/<id>.yaml for: {sorted(missing)}"


def test_every_detected_entry_has_a_check_or_log_symptoms() -> None:
    """Detected means a live check emits the id, or ``explain`` finds it in a job log."""
    orphans = {e.id for e in load_catalog().values()
               if e.detected and not e.symptoms} - registry_ids
    assert not orphans, (f"no check emits {sorted(orphans)} and no symptom finds it in a log: "
                         "fix the id, add symptoms or mark the entry 'detected: false'")


def test_entries_marked_undetected_really_cannot_be_told() -> None:
    undetected = {e.id: e for e in load_catalog().values() if not e.detected}
    stale = set(undetected) & registry_ids
    assert not stale, f"a check now emits {sorted(stale)}: remove 'detected: false'"
    logged = sorted(i for i, e in undetected.items() if e.symptoms)
    assert not logged, f"explain finds {logged} in a job log: remove 'detected: false'"


def test_entry_link_matches_the_check_link() -> None:
    catalog = load_catalog()
    wrong = {c.id: (c.link.value, catalog[c.id].link) for c in REGISTRY
             if c.id in catalog and catalog[c.id].link != c.link.value}
    assert not wrong, f"link differs (code, catalog): {wrong}"
