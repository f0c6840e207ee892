"""The ``modes`` of static-check entries name real failure modes, and those have entries."""

from __future__ import annotations

import pytest
from ruamel.yaml import YAML

from dind_doctor.catalog import Catalog, catalog_dir, load_catalog, parse_entry

from .ranked_modes import RANKED_MODES


def unknown_modes(catalog: Catalog) -> dict[str, list[str]]:
    """Entry id -> the ids in its ``modes`` that are neither an entry nor a ranked mode."""
    known = set(catalog) | set(RANKED_MODES)
    found = {e.id: [m for m in e.modes if m not in known] for e in catalog.values()}
    return {entry_id: modes for entry_id, modes in found.items() if modes}


def modes_without_entry(catalog: Catalog) -> dict[str, list[str]]:
    """Entry id -> the modes it names that have no catalog entry (no text to show)."""
    found = {e.id: [m for m in e.modes if m not in catalog] for e in catalog.values()}
    return {entry_id: modes for entry_id, modes in found.items() if modes}


def test_the_catalog_ranks_are_the_positions_in_the_ranking_table() -> None:
    catalog = load_catalog()
    ranks = {e.rank: e.id for e in catalog.values() if e.rank is not None}
    assert ranks == {i: mode for i, mode in enumerate(RANKED_MODES, 1) if mode in catalog}
    assert len(ranks) >= 20


def test_some_entries_name_modes() -> None:
    assert sum(bool(e.modes) for e in load_catalog().values()) >= 10


def test_every_mode_is_an_entry_or_a_ranked_mode() -> None:
    assert not unknown_modes(load_catalog())


def test_every_mode_a_static_check_names_has_its_own_entry() -> None:
    missing = modes_without_entry(load_catalog())
    assert not missing, f"add checks/<mode>.yaml (detected: false) for: {missing}"


def test_a_mode_id_with_a_typo_is_caught() -> None:
    data = YAML(typ="safe", pure=True).load(
        (catalog_dir() / "floating-docker-tag.yaml").read_text(encoding="utf-8"))
    data["modes"] = ["floating-tag-breakage", "floating-tags-breakage"]
    catalog = Catalog({**load_catalog(), "floating-docker-tag": parse_entry(data)})
    assert unknown_modes(catalog)["floating-docker-tag"] == ["floating-tags-breakage"]
    data["modes"] = ["nested-dns"]  # ranked, but (in this catalog) without an entry
    others = {i: e for i, e in load_catalog().items() if i != "nested-dns"}
    catalog = Catalog({**others, "floating-docker-tag": parse_entry(data)})
    assert "floating-docker-tag" not in unknown_modes(catalog)
    assert modes_without_entry(catalog)["floating-docker-tag"] == ["nested-dns"]


@pytest.mark.parametrize("entry_id", [e for e in sorted(load_catalog()) if e in RANKED_MODES])
def test_a_ranked_mode_entry_carries_its_rank(entry_id: str) -> None:
    assert load_catalog()[entry_id].rank == RANKED_MODES.index(entry_id) + 1


def test_only_ranked_modes_carry_a_rank() -> None:
    ranked = {e.id: e.rank for e in load_catalog().values() if e.rank is not None}
    assert {i: RANKED_MODES[r - 1] for i, r in ranked.items() if RANKED_MODES[r - 1] != i} == {}
