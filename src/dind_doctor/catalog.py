"""The catalog: what each finding means, why it happens, how to confirm it and how to fix it.

The catalog is data (``checks/<finding-id>.yaml`` at the top of the repository, shipped in the
wheel as ``dind_doctor/catalog``), reviewed by people who know DinD rather than Python. This
module finds it, parses it with ruamel.yaml (safe loader), checks its shape, and matches pasted
error lines against the ``symptoms`` of every entry. It never imports Textual.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from .records import record

CHAIN_LINKS = ("runner", "job", "endpoint", "name", "port", "protocol", "tls", "api", "daemon",
               "tools")
SNIPPET_TARGETS: dict[str, str] = {
    # target -> the file a user pastes it into (also the default name when saving)
    "gitlab-ci": ".gitlab-ci.yml",
    "runner-config": "config.toml",
    "helm-values": "values.yaml",
    "shell": "fix.sh",
    "daemon-json": "daemon.json",
}
SITUATION_TAGS: dict[str, tuple[str, ...]] = {
    # group -> the tags a report can show for it (``when:`` on fix-tree nodes names them).
    # Tags of one group exclude each other: a job runs on one executor.
    "executor": ("docker-executor", "kubernetes", "shell-executor"),
    "transport": ("tls", "plain", "unix-socket"),
    "gitlab-com": ("gitlab-com",),
    "alias": ("custom-alias",),
}
_TAG_GROUP: dict[str, tuple[str, ...]] = {
    tag: group for group in SITUATION_TAGS.values() for tag in group}
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class CatalogError(ValueError):
    """A catalog file that cannot be used; the message names the file and the problem."""


@record(frozen=True)
class Snippet:
    """Text to copy into one file (``target`` names which)."""

    target: str
    code: str
    title: str = ""

    @property
    def filename(self) -> str:
        return SNIPPET_TARGETS[self.target]


@record(frozen=True)
class FixNode:
    """A node of a fix tree: a situation with alternatives (``children``) or a fix leaf."""

    id: str
    title: str
    text: str = ""
    recommended: bool = False
    children: tuple[FixNode, ...] = ()
    steps: tuple[str, ...] = ()
    snippets: tuple[Snippet, ...] = ()
    when: tuple[str, ...] = ()  # situation tags (SITUATION_TAGS) this choice is meant for

    @property
    def is_fix(self) -> bool:
        return not self.children

    def matches(self, situation: Collection[str]) -> bool:
        """True when the node has ``when`` tags and the situation shows all of them."""
        return bool(self.when) and set(self.when) <= set(situation)

    def walk(self) -> Iterator[FixNode]:
        """This node and every node below it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()

    def find(self, node_id: str) -> FixNode | None:
        return next((n for n in self.walk() if n.id == node_id), None)

    def path_to(self, node_id: str) -> list[FixNode]:
        """The nodes from this one down to ``node_id`` (empty when it is not below)."""
        if self.id == node_id:
            return [self]
        for child in self.children:
            below = child.path_to(node_id)
            if below:
                return [self, *below]
        return []

    def first_fix(self) -> FixNode:
        """The fix a user most likely wants: follow recommended children, else the first."""
        node = self
        while node.children:
            node = next((c for c in node.children if c.recommended), node.children[0])
        return node

    def matching_fix(self, situation: Collection[str]) -> FixNode | None:
        """The fix that the observed ``situation`` (tags) points to, or None.

        Every fix below this node is scored by the ``when`` tags on its path that the situation
        shows; a path with a tag whose group shows another tag (``kubernetes`` when the job
        runs on ``docker-executor``) is ruled out. The best score wins, ties go to the order of
        :meth:`first_fix` (recommended first). None when no tag matched.
        """
        ranked = sorted(self._situated(frozenset(situation), 0, ()), key=lambda r: r[0])
        return ranked[0][1] if ranked and ranked[0][0][0] < 0 else None

    def fix_for(self, situation: Collection[str]) -> FixNode:
        """The fix to open for this situation: :meth:`matching_fix`, else the first fix
        (recommended) that the situation does not rule out, else :meth:`first_fix`."""
        ranked = sorted(self._situated(frozenset(situation), 0, ()), key=lambda r: r[0])
        return ranked[0][1] if ranked else self.first_fix()

    def _situated(self, observed: frozenset[str], score: int, order: tuple[tuple[bool, int], ...]
                  ) -> Iterator[tuple[tuple[int, tuple[tuple[bool, int], ...]], FixNode]]:
        for tag in self.when:
            if tag in observed:
                score += 1
            elif observed.intersection(_TAG_GROUP[tag]):
                return  # the situation shows another tag of this group: not meant for this job
        if self.is_fix:
            yield (-score, order), self
        for i, child in enumerate(self.children):
            yield from child._situated(observed, score, (*order, (not child.recommended, i)))


@record(frozen=True)
class Symptom:
    """An error text that points at an entry (and, optionally, one node of its fix tree)."""

    match: str
    node: str | None = None
    variant: str = "any"
    weak: bool = False  # also printed by failures that are not this mode: supports, never names

    def __post_init__(self) -> None:
        self.pattern  # noqa: B018 (compiled when the catalog loads: a bad pattern fails there)

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        return _compile(self.match)

    @property
    def literal_length(self) -> int:
        """How specific the pattern is: the number of characters that are not wildcards."""
        return len(normalize(self.match.replace("*", "")))


@record(frozen=True)
class DocLink:
    title: str
    url: str


@record(frozen=True)
class Entry:
    """Everything the catalog says about one finding id."""

    id: str
    title: str
    link: str
    meaning: str
    mechanism: str
    confirm: tuple[str, ...]
    fix_tree: FixNode
    docs: tuple[DocLink, ...]
    symptoms: tuple[Symptom, ...]
    detected: bool = True
    rank: int | None = None
    source: str = ""
    modes: tuple[str, ...] = ()  # the failure modes a static check detects


@record(frozen=True)
class SymptomMatch:
    """One entry that a pasted error line points to, with the node to land on."""

    entry: Entry
    symptom: Symptom
    score: float
    node_id: str | None = None  # the fix the ranker chose from context, else the symptom's

    @property
    def node(self) -> FixNode:
        for wanted in (self.node_id, self.symptom.node):
            found = self.entry.fix_tree.find(wanted) if wanted else None
            if found is not None:
                return found
        return self.entry.fix_tree.first_fix()


class Catalog(Mapping[str, Entry]):
    """All entries, by finding id, in file-name order."""

    def __init__(self, entries: Mapping[str, Entry]) -> None:
        self._entries = dict(sorted(entries.items()))

    def __getitem__(self, key: str) -> Entry:
        return self._entries[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


def catalog_dir() -> Path:
    """Where the catalog lives: inside the installed package, or ``checks/`` of a checkout."""
    packaged = resources.files("dind_doctor") / "catalog"
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[2] / "checks"
    if checkout.is_dir():
        return checkout
    raise CatalogError("the catalog is missing: neither dind_doctor/catalog nor checks/ exists")


@cache
def load_catalog(directory: Path | None = None) -> Catalog:
    """Parse and check every ``*.yaml`` entry; raises :class:`CatalogError` on the first bad one."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    directory = directory or catalog_dir()
    yaml = YAML(typ="safe")  # libyaml when ruamel.yaml.clib is there: ten times the speed
    entries: dict[str, Entry] = {}
    for path in sorted(directory.glob("*.yaml")):
        try:
            data = yaml.load(path.read_text(encoding="utf-8"))
        except (OSError, YAMLError) as exc:
            raise CatalogError(f"{path.name}: cannot be read: {exc}") from exc
        entry = parse_entry(data, source=path.name)
        if entry.id != path.stem:
            raise CatalogError(f"{path.name}: id {entry.id!r} does not match the file name")
        entries[entry.id] = entry
    if not entries:
        raise CatalogError(f"no catalog entries in {directory}")
    return Catalog(entries)


def parse_entry(data: Any, *, source: str = "<entry>") -> Entry:
    """Build an :class:`Entry` from parsed YAML, checking the shape as it goes."""
    reader = _Reader(source)
    obj = reader.mapping(data, "entry")
    entry_id = reader.ident(obj, "id")
    link = reader.text(obj, "link")
    if link not in CHAIN_LINKS:
        reader.fail(f"link {link!r} is not one of {', '.join(CHAIN_LINKS)}")
    tree = reader.node(obj.get("fix_tree"), "fix_tree")
    if tree.is_fix:
        reader.fail("fix_tree must start with a choice (a node with children)")
    ids = [n.id for n in tree.walk()]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        reader.fail(f"fix_tree node ids are not unique: {', '.join(duplicates)}")
    symptoms = tuple(reader.symptom(s, f"symptoms[{i}]")
                     for i, s in enumerate(reader.seq(obj, "symptoms")))
    for symptom in symptoms:
        if symptom.node is not None and symptom.node not in ids:
            reader.fail(f"symptom {symptom.match!r} points at unknown node {symptom.node!r}")
    rank = obj.get("rank")
    if rank is not None and (not isinstance(rank, int) or isinstance(rank, bool) or rank < 1):
        reader.fail("rank must be a positive integer")
    detected = obj.get("detected", True)
    if not isinstance(detected, bool):
        reader.fail("detected must be true or false")
    modes = tuple(reader.string(m, "modes[]") for m in reader.seq(obj, "modes"))
    if any(not _ID.match(m) for m in modes):
        reader.fail(f"modes {list(modes)} must be kebab-case failure-mode ids")
    return Entry(
        id=entry_id,
        title=reader.text(obj, "title"),
        link=link,
        meaning=_prose(reader.text(obj, "meaning")),
        mechanism=_prose(reader.text(obj, "mechanism")),
        confirm=tuple(reader.string(c, "confirm[]") for c in reader.seq(obj, "confirm", 1)),
        fix_tree=tree,
        docs=tuple(DocLink(reader.text(d, "title"), reader.text(d, "url"))
                   for d in (reader.mapping(d, "docs[]") for d in reader.seq(obj, "docs", 1))),
        symptoms=symptoms,
        detected=detected,
        rank=rank,
        source=source,
        modes=modes,
    )


class _Reader:
    """Small typed accessors that turn shape errors into :class:`CatalogError`."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, message: str) -> None:
        raise CatalogError(f"{self.source}: {message}")

    def mapping(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(f"{where} must be a mapping")
        return value

    def string(self, value: Any, where: str) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{where} must be a non-empty string")
        return value

    def text(self, obj: Mapping[str, Any], key: str) -> str:
        return self.string(obj.get(key), key)

    def ident(self, obj: Mapping[str, Any], key: str) -> str:
        value = self.text(obj, key)
        if not _ID.match(value):
            self.fail(f"{key} {value!r} is not kebab-case")
        return value

    def seq(self, obj: Mapping[str, Any], key: str, minimum: int = 0) -> list[Any]:
        value = obj.get(key, [] if minimum == 0 else None)
        if not isinstance(value, list) or len(value) < minimum:
            self.fail(f"{key} must be a list with at least {minimum} item(s)")
        return value

    def node(self, value: Any, where: str) -> FixNode:
        obj = self.mapping(value, where)
        node_id = self.ident(obj, "id")
        where = f"{where} {node_id!r}"
        raw_children = obj.get("children")
        if raw_children is not None and (not isinstance(raw_children, list) or not raw_children):
            self.fail(f"{where} children must be a non-empty list")
        children = tuple(self.node(c, f"{where} child") for c in raw_children or [])
        fix = obj.get("fix")
        if bool(children) == (fix is not None):
            self.fail(f"{where} must have either children or a fix, not both or neither")
        steps: tuple[str, ...] = ()
        snippets: tuple[Snippet, ...] = ()
        if fix is not None:
            fix = self.mapping(fix, f"{where} fix")
            steps = tuple(self.string(s, f"{where} step") for s in self.seq(fix, "steps", 1))
            for raw in self.seq(fix, "snippets"):
                snip = self.mapping(raw, f"{where} snippet")
                target = self.text(snip, "target")
                if target not in SNIPPET_TARGETS:
                    self.fail(f"{where} snippet target {target!r} is unknown")
                snippets += (Snippet(target, self.text(snip, "code").rstrip("\n") + "\n",
                                     str(snip.get("title", ""))),)
        return FixNode(
            id=node_id, title=self.text(obj, "title"), text=_prose(str(obj.get("text", ""))),
            recommended=bool(obj.get("recommended", False)), children=children,
            steps=steps, snippets=snippets, when=self.when(obj, where),
        )

    def when(self, obj: Mapping[str, Any], where: str) -> tuple[str, ...]:
        raw = obj.get("when")
        if raw is None:
            return ()
        if (not isinstance(raw, list) or not raw or not all(isinstance(t, str) for t in raw)
                or len(set(raw)) != len(raw)):
            self.fail(f"{where} when must be a non-empty list of distinct situation tags")
        unknown = [t for t in raw if t not in _TAG_GROUP]
        if unknown:
            self.fail(f"{where} when has unknown situation tag(s) {unknown}; known: "
                      f"{', '.join(_TAG_GROUP)}")
        return tuple(raw)

    def symptom(self, value: Any, where: str) -> Symptom:
        obj = self.mapping(value, where)
        node = obj.get("node")
        weak = obj.get("weak", False)
        if not isinstance(weak, bool):
            self.fail(f"{where} weak must be true or false")
        return Symptom(self.text(obj, "match"), None if node is None else str(node),
                       str(obj.get("variant", "any")), weak)


def _prose(text: str) -> str:
    return " ".join(text.split())


_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "…": "..."})


def normalize(text: str) -> str:
    """The form error text is compared in: plain quotes, single spaces, case-folded."""
    return " ".join(text.translate(_QUOTES).split()).casefold()


def _compile(match: str) -> re.Pattern[str]:
    # empty pieces (a leading "*", or "***") add nothing to an unanchored search but would
    # chain ".*?" groups that backtrack for seconds on a long line
    parts = [re.escape(p) for p in normalize(match).split("*") if p]
    return re.compile(".*?".join(parts))
