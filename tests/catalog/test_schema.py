"""Every catalog entry validates against checks/schema.json, and the loader agrees with it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from ruamel.yaml import YAML

from dind_doctor.catalog import CatalogError, catalog_dir, load_catalog, parse_entry

CATALOG = catalog_dir()
ENTRY_FILES = sorted(CATALOG.glob("*.yaml"))


def _validator() -> Draft202012Validator:
    schema = json.loads((CATALOG / "schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _load(path: Path) -> object:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def test_the_catalog_has_entries() -> None:
    assert len(ENTRY_FILES) >= 30


@pytest.mark.parametrize("path", ENTRY_FILES, ids=lambda p: p.stem)
def test_entry_validates_against_the_schema(path: Path) -> None:
    errors = sorted(_validator().iter_errors(_load(path)), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


@pytest.mark.parametrize("path", ENTRY_FILES, ids=lambda p: p.stem)
def test_entry_id_is_the_file_name_and_every_symptom_node_exists(path: Path) -> None:
    entry = load_catalog()[path.stem]
    assert entry.source == path.name
    node_ids = {node.id for node in entry.fix_tree.walk()}
    assert {s.node for s in entry.symptoms if s.node} <= node_ids
    assert entry.fix_tree.first_fix().is_fix


@pytest.mark.parametrize("path", ENTRY_FILES, ids=lambda p: p.stem)
def test_every_fix_leaf_has_steps_and_every_snippet_names_its_file(path: Path) -> None:
    entry = load_catalog()[path.stem]
    for node in entry.fix_tree.walk():
        if node.is_fix:
            assert node.steps, f"{entry.id}/{node.id} has no steps"
            for snippet in node.snippets:
                assert snippet.filename and snippet.code.endswith("\n")


def _good_entry() -> dict:
    return _load(CATALOG / "compose-missing.yaml")  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (lambda e: e.pop("mechanism"), "mechanism"),
        (lambda e: e.update(link="network"), "link"),
        (lambda e: e.update(id="Compose_Missing"), "kebab-case"),
        (lambda e: e["fix_tree"]["children"][0].pop("fix"), "either children or a fix"),
        (lambda e: e["fix_tree"]["children"][0].update(children=[]), "non-empty list"),
        (lambda e: e["symptoms"].append({"match": "some error", "node": "nowhere"}),
         "unknown node"),
        (lambda e: e["fix_tree"]["children"][1].update(id="use-plugin"), "not unique"),
        (lambda e: e["fix_tree"]["children"][0]["fix"]["snippets"][0].update(target="ini"),
         "target"),
    ],
)
def test_a_broken_entry_is_rejected_by_schema_and_loader(mutate, problem: str) -> None:
    data = _good_entry()
    mutate(data)
    with pytest.raises(CatalogError, match=problem):
        parse_entry(data, source="broken.yaml")
    if problem not in ("unknown node", "not unique"):  # cross-references are beyond JSON Schema
        assert list(_validator().iter_errors(data)), "the schema accepted a broken entry"


def test_a_directory_with_a_bad_file_gives_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "compose-missing.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"compose-missing\.yaml: cannot be read"):
        load_catalog(tmp_path)


def test_an_entry_in_the_wrong_file_is_rejected(tmp_path: Path) -> None:
    text = (CATALOG / "compose-missing.yaml").read_text(encoding="utf-8")
    (tmp_path / "other-name.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError, match="does not match the file name"):
        load_catalog(tmp_path)


@pytest.mark.parametrize("path", ENTRY_FILES, ids=lambda p: p.name)
def test_libyaml_reads_each_entry_as_the_pure_loader_does(path: Path) -> None:
    """The catalog loads with libyaml (YAML 1.1) for speed; the entries must mean the same
    there as in the pure YAML 1.2 loader (``on``/``no``/``0755`` and the like would not)."""
    from ruamel.yaml.main import CParser

    assert CParser is not None, "ruamel.yaml.clib is a dependency: libyaml must be there"
    text = path.read_text(encoding="utf-8")
    assert YAML(typ="safe").load(text) == _load(path)
