"""Parse ``.gitlab-ci.yml`` with ruamel.yaml (round-trip) into :class:`CiFileFacts`.

Handles anchors and merge keys (ruamel resolves them), ``default:`` and the deprecated global
``image``/``services``, ``inherit:``, local ``extends:`` (deep merge, arrays replaced, as GitLab
does), ``!reference`` (resolved inside the file, else reported) and ``include:`` (listed, not
followed). Every value is reduced to plain data with its source line kept for findings.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, ReusedAnchorWarning, YAMLError

from ..redact import redact_var
from .filefacts import CiFileFacts, ImageDecl, JobDecl, ServiceDecl
from .images import parse_image, service_hostnames
from .inputs_header import strip_inputs_header

GLOBAL_KEYWORDS = frozenset({"image", "services", "variables", "default", "include", "stages",
                             "workflow", "before_script", "after_script", "cache", "types",
                             "spec"})
DEFAULT_KEYS = ("image", "services", "before_script", "after_script")
MAX_NODES = 200_000  # alias expansion budget: a "billion laughs" file stops here
MAX_EXTENDS_DEPTH = 11  # GitLab's own limit
MAX_REFERENCE_DEPTH = 10
_DOCKER_CMD = re.compile(r"(^|[\s;&|(`$])(docker(-compose)?|docker\.exe)(\s|$)")


class TooComplex(ValueError):
    """The document expands beyond :data:`MAX_NODES` or nests too deeply."""


class LMap(dict[str, Any]):
    """A plain mapping that remembers the line of each key (1-based; None if unknown)."""

    line: int | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines: dict[str, int | None] = {}


class LList(list[Any]):
    """A plain list that remembers the line of each item."""

    line: int | None = None

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.lines: list[int | None] = []


def load_yaml(text: str) -> tuple[Any, list[str]]:
    """Round-trip load; duplicate keys are tolerated (first wins) and noted."""
    notes: list[str] = []
    try:
        return load_quietly(YAML(typ="rt"), text), notes
    except DuplicateKeyError as exc:
        notes.append(f"duplicate key {_mark(exc)} (the first value is used); "
                     "strict YAML parsers reject this file")
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = True
    return load_quietly(yaml, text), notes


def load_quietly(yaml: YAML, text: str) -> Any:
    """``yaml.load`` without ruamel's warning about an anchor defined twice, which YAML
    allows (an alias takes the nearest definition above it, as GitLab reads it): printed on
    stderr, it would land in the middle of the tool's output."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ReusedAnchorWarning)
        return yaml.load(text)


def yaml_error(exc: BaseException) -> tuple[str, int | None]:
    """A message for a YAML failure without quoting the file's text (it may hold secrets)."""
    if isinstance(exc, MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        where = f" at line {line}, column {mark.column + 1}" if mark is not None else ""
        return f"not valid YAML: {exc.problem or exc.context or 'syntax error'}{where}", line
    if isinstance(exc, RecursionError):
        return "not valid YAML: nested too deeply", None
    if isinstance(exc, TooComplex):
        return f"not analysed: {exc}", None
    return f"not valid YAML: {type(exc).__name__}", None


def _mark(exc: MarkedYAMLError) -> str:
    mark = exc.problem_mark
    return f"at line {mark.line + 1}" if mark is not None else ""


def plain(root: Any) -> Any:
    """A loaded YAML document as LMap/LList/scalars, ``!reference`` resolved."""
    return _Converter(root).plain(root)


class _Converter:
    """ruamel nodes -> LMap/LList/scalars, resolving ``!reference`` against the document."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self.nodes = 0
        self.unresolved: list[str] = []

    def plain(self, node: Any, stack: tuple[int, ...] = (), refs: int = 0) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise TooComplex(f"more than {MAX_NODES} YAML nodes after expanding aliases")
        if len(stack) > 200:
            raise TooComplex("nested more than 200 levels")
        if isinstance(node, (CommentedMap, CommentedSeq)) and id(node) in stack:
            return None  # a recursive alias
        inner = (*stack, id(node))
        if isinstance(node, CommentedSeq) and _tag(node) == "!reference":
            return self.reference(node, inner, refs)
        if isinstance(node, CommentedMap):
            out = LMap()
            out.line = _line(node)
            for key in node:
                name = str(key)
                out[name] = self.plain(node[key], inner, refs)
                out.lines[name] = _key_line(node, key)
            return out
        if isinstance(node, CommentedSeq):
            out_list = LList()
            out_list.line = _line(node)
            for index, item in enumerate(node):
                value = self.plain(item, inner, refs)
                line = _item_line(node, index)
                if isinstance(item, CommentedSeq) and _tag(item) == "!reference" \
                        and isinstance(value, list):
                    out_list.extend(value)  # GitLab flattens referenced arrays
                    out_list.lines.extend([line] * len(value))
                else:
                    out_list.append(value)
                    out_list.lines.append(line)
            return out_list
        if isinstance(node, TaggedScalar):
            self.unresolved.append(f"unsupported tag {_tag(node)} at line "
                                   f"{_line(node) or '?'}")
            return str(node.value)
        if node is None or isinstance(node, (bool, int, float)):
            return node
        return str(node)

    def reference(self, node: CommentedSeq, stack: tuple[int, ...], refs: int) -> Any:
        path = [str(p) for p in node]
        label = f"!reference [{', '.join(path)}]"
        if refs >= MAX_REFERENCE_DEPTH:
            self.unresolved.append(f"{label}: nested more than {MAX_REFERENCE_DEPTH} levels")
            return None
        target = self.root
        for part in path:
            if isinstance(target, CommentedMap) and part in target:
                target = target[part]
            else:
                self.unresolved.append(f"{label} (line {_line(node) or '?'}): not found in "
                                       "this file (it may come from an include)")
                return None
        return self.plain(target, stack, refs + 1)


def _tag(node: Any) -> str | None:
    tag = getattr(node, "tag", None)
    value = getattr(tag, "value", None)
    return value if isinstance(value, str) else None


def _line(node: Any) -> int | None:
    lc = getattr(node, "lc", None)
    return lc.line + 1 if lc is not None and lc.line is not None else None


def _key_line(node: CommentedMap, key: Any) -> int | None:
    try:
        return node.lc.key(key)[0] + 1
    except (KeyError, TypeError, AttributeError):
        pass
    for item in getattr(node, "merge", None) or []:  # a key merged from an anchor
        source = item[1] if isinstance(item, tuple) else item  # older ruamel: (index, map)
        if isinstance(source, CommentedMap) and key in source:
            return _key_line(source, key)
    return None


def _item_line(node: CommentedSeq, index: int) -> int | None:
    try:
        return node.lc.item(index)[0] + 1
    except (KeyError, TypeError, AttributeError, IndexError):
        return None


def parse_ci_yaml(text: str, facts: CiFileFacts) -> None:
    """Fill ``facts`` from the YAML ``text``; a failure becomes ``facts.error``."""
    text, header_notes = strip_inputs_header(text)
    facts.notes.extend(header_notes)
    try:
        root, notes = load_yaml(text)
        facts.notes.extend(notes)
        converter = _Converter(root)
        document = converter.plain(root)
    except (YAMLError, RecursionError, TooComplex) as exc:
        facts.error, facts.error_line = yaml_error(exc)
        return
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        facts.error = f"not analysed: {type(exc).__name__}"
        return
    if document is None:
        facts.notes.append("the file is empty")
        return
    if not isinstance(document, LMap):
        facts.error = f"the top level must be a mapping, not {_kind(document)}"
        return
    _fill(document, facts)
    facts.unresolved.extend(converter.unresolved)


def _kind(value: Any) -> str:
    kinds: dict[type, str] = {LList: "a list", str: "a string"}
    return kinds.get(type(value), type(value).__name__)


def _fill(doc: LMap, facts: CiFileFacts) -> None:
    facts.includes = _includes(doc.get("include"))
    facts.variables, facts.variable_lines = _variables(doc.get("variables"))
    default = found if isinstance(found := doc.get("default"), LMap) else LMap()
    for key in DEFAULT_KEYS:
        if key not in default and key in doc:  # deprecated global form
            default[key] = doc[key]
            default.lines[key] = doc.lines.get(key)
    raw_jobs = {name: value for name, value in doc.items()
                if name not in GLOBAL_KEYWORDS and isinstance(value, LMap)}
    for name, value in doc.items():
        if name not in GLOBAL_KEYWORDS and not isinstance(value, LMap) \
                and not name.startswith("."):
            facts.notes.append(f"top-level key {name!r} (line {doc.lines.get(name) or '?'}) "
                               "is neither a keyword nor a job")
    for name, raw in raw_jobs.items():
        unresolved: list[str] = []
        job = _resolve_extends(name, raw_jobs, unresolved, ())
        facts.jobs.append(_job(name, raw, job, default, facts, unresolved,
                              doc.lines.get(name)))


def _resolve_extends(name: str, jobs: dict[str, LMap], unresolved: list[str],
                     seen: tuple[str, ...]) -> LMap:
    job = jobs[name]
    parents = job.get("extends")
    names = [parents] if isinstance(parents, str) else [
        p for p in parents if isinstance(p, str)] if isinstance(parents, list) else []
    merged = LMap()
    for parent in names:
        if parent in seen or parent == name:
            unresolved.append(f"extends: {parent} (a cycle)")
        elif len(seen) >= MAX_EXTENDS_DEPTH:
            unresolved.append(f"extends: {parent} (more than {MAX_EXTENDS_DEPTH} levels)")
        elif parent not in jobs:
            unresolved.append(f"extends: {parent} (not in this file; an include may define it)")
        else:
            merged = deep_merge(merged, _resolve_extends(parent, jobs, unresolved,
                                                         (*seen, name)))
    own = LMap((k, v) for k, v in job.items() if k != "extends")
    own.lines = dict(job.lines)
    own.line = job.line
    return deep_merge(merged, own)


def deep_merge(base: LMap, top: LMap) -> LMap:
    """GitLab's ``extends`` merge: mappings merge recursively, everything else is replaced."""
    out = LMap(base)
    out.lines = dict(base.lines)
    out.line = top.line if top.line is not None else base.line
    for key, value in top.items():
        if isinstance(value, LMap) and isinstance(out.get(key), LMap):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
        out.lines[key] = top.lines.get(key, out.lines.get(key))
    return out


def _job(name: str, raw: LMap, job: LMap, default: LMap, facts: CiFileFacts,
         unresolved: list[str], line: int | None) -> JobDecl:
    inherit = found if isinstance(found := job.get("inherit"), LMap) else LMap()
    use_default = _inherits(inherit.get("default"), DEFAULT_KEYS)
    use_vars = _inherits(inherit.get("variables"), tuple(facts.variables))
    decl = JobDecl(name=name, line=line,
                   hidden=name.startswith("."), unresolved=unresolved)
    extends = raw.get("extends")
    decl.extends = [extends] if isinstance(extends, str) else [
        str(e) for e in extends] if isinstance(extends, list) else []

    def pick(key: str) -> tuple[Any, int | None]:
        if key in job:
            return job[key], job.lines.get(key)
        if key in use_default and key in default:
            return default[key], default.lines.get(key)
        return None, None

    image, image_line = pick("image")
    decl.image = _image(image, image_line)
    services, _ = pick("services")
    decl.services = _services(services, unresolved)
    decl.variables = {k: v for k, v in facts.variables.items() if k in use_vars}
    decl.variable_lines = {k: v for k, v in facts.variable_lines.items() if k in use_vars}
    own, own_lines = _variables(job.get("variables"))
    decl.variables.update(own)
    decl.variable_lines.update(own_lines)
    if "tags" in job or "tags" in _inherits(inherit.get("default"), (*DEFAULT_KEYS, "tags")):
        tags = job["tags"] if "tags" in job else default.get("tags")
        decl.tags = [t for t in _str_list(tags) or [] if t]
    scripts = [pick(key)[0] for key in ("before_script", "after_script")]
    scripts.append(job.get("script"))
    decl.uses_docker = any(_DOCKER_CMD.search(line) for line in _lines(scripts))
    return decl


def _inherits(value: Any, keys: tuple[str, ...]) -> set[str]:
    if value is None or value is True:
        return set(keys)
    if value is False:
        return set()
    if isinstance(value, list):
        return {str(v) for v in value}
    return set(keys)


def _lines(value: Any) -> list[str]:
    if isinstance(value, str):
        return value.splitlines()
    if isinstance(value, list):
        return [line for item in value for line in _lines(item)]
    return []


def _image(value: Any, line: int | None) -> ImageDecl | None:
    if isinstance(value, str) and value.strip():
        return ImageDecl(name=value.strip(), line=line)
    if isinstance(value, LMap) and isinstance(value.get("name"), str):
        return ImageDecl(name=value["name"].strip(), entrypoint=_str_list(value.get("entrypoint")),
                         line=value.lines.get("name", line))
    return None


def _services(value: Any, unresolved: list[str]) -> list[ServiceDecl]:
    if not isinstance(value, list):
        return []
    services = []
    lines = getattr(value, "lines", [])
    for index, item in enumerate(value):
        line = lines[index] if index < len(lines) else None
        if isinstance(item, str) and item.strip():
            image = item.strip()
            services.append(ServiceDecl(name=image, hostnames=service_hostnames(image),
                                        is_dind=parse_image(image).is_dind, string_form=True,
                                        line=line))
        elif isinstance(item, LMap) and isinstance(item.get("name"), str):
            image = item["name"].strip()
            alias = item.get("alias")
            alias_text = str(alias) if isinstance(alias, (str, int)) else ""
            variables, _ = _variables(item.get("variables"))
            services.append(ServiceDecl(
                name=image, alias=alias_text, hostnames=service_hostnames(image, alias_text),
                command=_str_list(item.get("command")),
                entrypoint=_str_list(item.get("entrypoint")), variables=variables,
                is_dind=parse_image(image).is_dind, line=item.lines.get("name", line)))
        elif item is not None:
            unresolved.append(f"services[{index}]: not a name or a mapping with name:")
    return services


def _str_list(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return ["" if v is None else str(v) for v in value if not isinstance(v, (LMap, list))]
    return None


def _variables(value: Any) -> tuple[dict[str, str], dict[str, int]]:
    values: dict[str, str] = {}
    lines: dict[str, int] = {}
    if not isinstance(value, LMap):
        return values, lines
    for key, raw in value.items():
        if isinstance(raw, LMap):  # {value: ..., description: ..., expand: ...}
            raw = raw.get("value", "")
        if isinstance(raw, bool):
            text = "true" if raw else "false"
        elif raw is None:
            text = ""
        elif isinstance(raw, (LMap, list)):
            continue
        else:
            text = str(raw)
        values[key] = redact_var(key, text)
        line = value.lines.get(key)
        if line is not None:
            lines[key] = line
    return values, lines


def _includes(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value] if value is not None else []
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, LMap):
            kind = next((k for k in ("local", "project", "remote", "template", "component")
                         if k in item), "include")
            detail = item.get(kind)
            files = item.get("file")
            text = f"{kind}: {detail}"
            if files:
                text += f" file: {', '.join(map(str, files)) if isinstance(files, list) else files}"
            out.append(text)
    return out
