"""``when:`` tags on fix-tree nodes: which fix a situation opens, and the tag vocabulary."""

from __future__ import annotations

import json

import pytest

from dind_doctor.catalog import (
    SITUATION_TAGS,
    CatalogError,
    FixNode,
    catalog_dir,
    load_catalog,
    parse_entry,
)

ALL_TAGS = [tag for group in SITUATION_TAGS.values() for tag in group]


def leaf(node_id: str, *when: str, recommended: bool = False) -> FixNode:
    return FixNode(node_id, node_id, steps=("do it",), when=when, recommended=recommended)


def choice(node_id: str, *children: FixNode, when: tuple[str, ...] = (),
           recommended: bool = False) -> FixNode:
    return FixNode(node_id, node_id, children=children, when=when, recommended=recommended)


EXECUTORS = choice(
    "root",
    leaf("docker", "docker-executor", recommended=True),
    leaf("k8s", "kubernetes"),
    leaf("anywhere"),
)


@pytest.mark.parametrize(("tags", "expected"), [
    ({"kubernetes"}, "k8s"),
    ({"kubernetes", "tls"}, "k8s"),
    ({"docker-executor"}, "docker"),
    (set(), "docker"),  # nothing observed: the recommended fix
    ({"tls"}, "docker"),  # no executor observed: nothing is ruled out
    ({"shell-executor"}, "anywhere"),  # both executor branches are ruled out
])
def test_the_situation_picks_the_branch_and_falls_back_to_the_recommended(tags, expected):
    assert EXECUTORS.fix_for(tags).id == expected


def test_matching_fix_is_none_when_no_tag_matched():
    assert EXECUTORS.matching_fix({"shell-executor"}) is None
    assert EXECUTORS.matching_fix(set()) is None
    assert EXECUTORS.matching_fix({"kubernetes"}).id == "k8s"


def test_tags_add_up_along_the_path_and_the_more_specific_fix_wins():
    tree = choice(
        "root",
        choice("tls", leaf("tls-any", recommended=True), leaf("tls-k8s", "kubernetes"),
               when=("tls",), recommended=True),
        leaf("k8s-any", "kubernetes"),
    )
    assert tree.fix_for({"kubernetes", "tls"}).id == "tls-k8s"  # 2 tags beat 1
    assert tree.fix_for({"kubernetes", "plain"}).id == "k8s-any"  # the tls branch is ruled out
    assert tree.fix_for({"tls"}).id == "tls-any"


def test_ties_go_to_the_recommended_order():
    tree = choice("root", leaf("first", "kubernetes"), leaf("second", "kubernetes",
                                                              recommended=True))
    assert tree.fix_for({"kubernetes"}).id == "second"


def test_when_all_fixes_are_ruled_out_the_recommended_fix_stays():
    tree = choice("root", leaf("docker", "docker-executor", recommended=True),
                  leaf("shell", "shell-executor"))
    assert tree.fix_for({"kubernetes"}).id == "docker"


def test_the_schema_lists_exactly_the_known_tags():
    schema = json.loads((catalog_dir() / "schema.json").read_text(encoding="utf-8"))
    assert schema["$defs"]["when"]["items"]["enum"] == ALL_TAGS
    for kind in ("branch", "leaf"):
        assert schema["$defs"][kind]["properties"]["when"] == {"$ref": "#/$defs/when"}


@pytest.mark.parametrize(("when", "problem"), [
    (["k8s"], "unknown situation tag"),
    ([], "non-empty list"),
    ("kubernetes", "non-empty list"),
    (["tls", "tls"], "distinct"),
    ([{"tag": "tls"}], "situation tags"),
])
def test_a_bad_when_is_rejected(when, problem):
    from ruamel.yaml import YAML

    data = YAML(typ="safe", pure=True).load(
        (catalog_dir() / "compose-missing.yaml").read_text(encoding="utf-8"))
    data["fix_tree"]["children"][0]["when"] = when
    with pytest.raises(CatalogError, match=problem):
        parse_entry(data, source="broken.yaml")


def test_the_catalog_uses_when_on_the_executor_branches_of_the_common_modes():
    catalog = load_catalog()
    for entry_id in ("daemon-tls-client-plain-2375", "certs-client-not-shared",
                     "alias-unresolvable", "k8s-executor-wiring", "privileged-missing",
                     "job-environment"):
        tree = catalog[entry_id].fix_tree
        job = {"kubernetes", "tls"}
        opened = tree.fix_for(job)
        path = tree.path_to(opened.id)
        assert any("kubernetes" in n.when and n.matches(job) for n in path), (entry_id, opened.id)
    race = catalog["daemon-not-ready-race"].fix_tree
    assert race.fix_for({"plain", "docker-executor"}).id == "skip-plain-delay"
    assert race.fix_for({"tls", "docker-executor"}).id == race.first_fix().id


@pytest.mark.parametrize("tag", ALL_TAGS)
def test_every_entry_opens_on_a_fix_the_situation_does_not_rule_out(tag):
    group = next(g for g in SITUATION_TAGS.values() if tag in g)
    others = set(group) - {tag}
    for entry in load_catalog().values():
        tree = entry.fix_tree
        opened = tree.fix_for({tag})
        assert opened.is_fix
        ruled_out = [n.id for n in tree.path_to(opened.id) if others & set(n.when)]
        leaves_ok = [n for n in tree.walk() if n.is_fix and not any(
            others & set(p.when) for p in tree.path_to(n.id))]
        if leaves_ok:  # an open fix that contradicts the job only when every fix does
            assert not ruled_out, (entry.id, opened.id)
