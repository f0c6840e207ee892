"""Which Docker clients a project uses, read from its build files (pure text parsing).

Each parser takes a file's text and returns the clients it names with the version written
there (a range such as ``^10.2.1`` stays as written; ``None`` when the file names no
version). Lock files are preferred over manifests because they hold the resolved version.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable

from ..facts import ClientFact

# client name -> (language, identifiers in the build files of that language)
PY_DISTRIBUTIONS = {"docker": "docker-py", "testcontainers": "testcontainers-python",
                    "docker-compose": "docker-compose-v1"}
NODE_PACKAGES = {"testcontainers": "testcontainers-node", "dockerode": "dockerode",
                 "docker-modem": "dockerode"}
GO_MODULES = {"github.com/testcontainers/testcontainers-go": "testcontainers-go",
              "github.com/docker/docker": "go-sdk", "github.com/moby/moby/client": "go-sdk"}

_VERSION = r"v?\d+(?:\.\d+)*(?:[-+.][\w.]+)?"


def _fact(name: str, language: str, version: str | None, source: str) -> ClientFact:
    return ClientFact(name=name, language=language, version=version or None, source=source)


def parse_pom(text: str, source: str) -> list[ClientFact]:
    """Maven: org.testcontainers artifacts (or the BOM) and docker-java."""
    props = dict(re.findall(r"<([\w.\-]+)>\s*([^<\s]+)\s*</\1>", text))
    found: list[ClientFact] = []
    for block in re.findall(r"<(?:dependency|plugin)>(.*?)</(?:dependency|plugin)>", text, re.S):
        group = _tag(block, "groupId")
        version = _tag(block, "version")
        if version and version.startswith("${"):
            version = props.get(version[2:-1])
        if group == "org.testcontainers":
            found.append(_fact("testcontainers-java", "java", version, source))
        elif group == "com.github.docker-java":
            found.append(_fact("docker-java", "java", version, source))
    return _best(found)


def _tag(block: str, name: str) -> str | None:
    match = re.search(rf"<{name}>\s*([^<]+?)\s*</{name}>", block)
    return match.group(1) if match else None


def parse_gradle(text: str, source: str) -> list[ClientFact]:
    """Gradle (Groovy or Kotlin DSL) and version catalogs (libs.versions.toml)."""
    found: list[ClientFact] = []
    for group, version in re.findall(
            rf"(org\.testcontainers|com\.github\.docker-java):[\w.\-]+(?::({_VERSION}))?", text):
        name = "testcontainers-java" if group == "org.testcontainers" else "docker-java"
        found.append(_fact(name, "java", version, source))
    declared = re.search(rf"testcontainers\w*(?:Version|\.version)?\s*=\s*[\"']({_VERSION})[\"']",
                         text, re.I)
    if declared:
        found.append(_fact("testcontainers-java", "java", declared.group(1), source))
    elif re.search(r"module\s*=\s*[\"']org\.testcontainers:", text):
        found.append(_fact("testcontainers-java", "java", None, source))
    return _best(found)


def parse_package_json(text: str, source: str) -> list[ClientFact]:
    try:
        data = json.loads(text)
    except ValueError:
        return []
    found: list[ClientFact] = []
    for section in ("dependencies", "devDependencies", "optionalDependencies"):
        deps = data.get(section) if isinstance(data, dict) else None
        if not isinstance(deps, dict):
            continue
        for package, version in deps.items():
            name = NODE_PACKAGES.get(package) or (
                "testcontainers-node" if package.startswith("@testcontainers/") else None)
            if name:
                found.append(_fact(name, "node", str(version), source))
    return _best(found)


def parse_package_lock(text: str, source: str) -> list[ClientFact]:
    try:
        packages = json.loads(text).get("packages", {})
    except (ValueError, AttributeError):
        return []
    found: list[ClientFact] = []
    for package, name in NODE_PACKAGES.items():
        entry = packages.get(f"node_modules/{package}") if isinstance(packages, dict) else None
        if isinstance(entry, dict):
            found.append(_fact(name, "node", entry.get("version"), source))
    return _best(found)


def parse_yarn_or_pnpm_lock(text: str, source: str) -> list[ClientFact]:
    found: list[ClientFact] = []
    for package, name in NODE_PACKAGES.items():
        # yarn: `testcontainers@^10.2.1:\n  version "10.2.1"`; pnpm: `/testcontainers@10.2.1:`
        yarn = re.search(rf'^"?{re.escape(package)}@[^\n]*:\n\s+version:?\s+"?({_VERSION})',
                         text, re.M)
        pnpm = re.search(rf"^\s+/?{re.escape(package)}@({_VERSION})[(:]", text, re.M)
        match = yarn or pnpm
        if match:
            found.append(_fact(name, "node", match.group(1), source))
    return _best(found)


def parse_python_requirements(text: str, source: str) -> list[ClientFact]:
    """requirements*.txt lines (``docker==7.1.0``, ``testcontainers[postgres]>=4``)."""
    return _best(_requirement(line.split("#", 1)[0], source)
                 for line in text.splitlines() if not line.lstrip().startswith("-"))


def parse_pyproject(text: str, source: str) -> list[ClientFact]:
    """PEP 621 dependencies, optional dependencies, dependency groups, Poetry tables."""
    data = _toml(text)
    if data is None:
        return []
    project, tool = data.get("project", {}), data.get("tool", {})
    strings: list[object] = [*_list(project.get("dependencies"))]
    for group in (project.get("optional-dependencies") or {}, data.get("dependency-groups") or {}):
        for items in (group.values() if isinstance(group, dict) else ()):
            strings += _list(items)
    found = [_requirement(s, source) for s in strings if isinstance(s, str)]
    poetry = tool.get("poetry", {}) if isinstance(tool, dict) else {}
    tables = [poetry.get("dependencies"), poetry.get("dev-dependencies")]
    tables += [g.get("dependencies") for g in (poetry.get("group") or {}).values()
               if isinstance(g, dict)]
    for table in tables:
        for dist, spec in (table.items() if isinstance(table, dict) else ()):
            name = PY_DISTRIBUTIONS.get(_normalise(dist))
            version = spec.get("version") if isinstance(spec, dict) else spec
            if name:
                found.append(_fact(name, "python", str(version) if version else None, source))
    return _best(f for f in found if f is not None)


def _toml(text: str) -> dict | None:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomlkit as tomllib  # type: ignore[no-redef]
    try:
        data = tomllib.loads(text)
    except Exception:  # any parse error: the file says nothing usable
        return None
    return data if isinstance(data, dict) else None


def _list(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else []


def _requirement(text: str, source: str) -> ClientFact | None:
    match = _REQUIREMENT.match(text)
    name = PY_DISTRIBUTIONS.get(_normalise(match.group(1))) if match else None
    if not (match and name):
        return None
    spec = match.group(2).split(";", 1)[0].strip().replace(" ", "")
    exact = re.fullmatch(rf"===?({_VERSION})", spec)
    return _fact(name, "python", exact.group(1) if exact else spec, source)


_REQUIREMENT = re.compile(
    r"^\s*([A-Za-z0-9][A-Za-z0-9_.\-]*)\s*(?:\[[^\]]*\])?\s*((?:[<>=!~(][^@]*)?)\s*(?:;.*)?$")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_python_lock(text: str, source: str) -> list[ClientFact]:
    """poetry.lock / uv.lock: ``[[package]]`` tables with ``name`` and ``version``."""
    found: list[ClientFact] = []
    for dist, name in PY_DISTRIBUTIONS.items():
        match = re.search(rf'^name\s*=\s*"{re.escape(dist)}"\s*\nversion\s*=\s*"([^"]+)"',
                          text, re.M)
        if match:
            found.append(_fact(name, "python", match.group(1), source))
    return _best(found)


def parse_go_mod(text: str, source: str) -> list[ClientFact]:
    found: list[ClientFact] = []
    for module, name in GO_MODULES.items():
        match = re.search(rf"^\s*(?:require\s+)?{re.escape(module)}(?:/v\d+)?\s+({_VERSION})",
                          text, re.M)
        if match:
            found.append(_fact(name, "go", match.group(1), source))
    return _best(found)


def parse_csproj(text: str, source: str) -> list[ClientFact]:
    found: list[ClientFact] = []
    for include, version in re.findall(
            r"<PackageReference\s+Include=\"([\w.]+)\"(?:\s+Version=\"([^\"]+)\")?", text):
        if include == "Testcontainers" or include.startswith("Testcontainers."):
            found.append(_fact("testcontainers-dotnet", "dotnet", version, source))
        elif include == "Docker.DotNet":
            found.append(_fact("docker-dotnet", "dotnet", version, source))
    return _best(found)


Parser = Callable[[str, str], list[ClientFact]]

# file name (or suffix with a leading "*") -> parser; lock files first so they win
PARSERS: tuple[tuple[str, Parser], ...] = (
    ("package-lock.json", parse_package_lock),
    ("yarn.lock", parse_yarn_or_pnpm_lock),
    ("pnpm-lock.yaml", parse_yarn_or_pnpm_lock),
    ("poetry.lock", parse_python_lock),
    ("uv.lock", parse_python_lock),
    ("pom.xml", parse_pom),
    ("build.gradle", parse_gradle),
    ("build.gradle.kts", parse_gradle),
    ("libs.versions.toml", parse_gradle),
    ("package.json", parse_package_json),
    ("pyproject.toml", parse_pyproject),
    ("go.mod", parse_go_mod),
    ("*.csproj", parse_csproj),
    ("*requirements*.txt", parse_python_requirements),
)


def parser_for(filename: str) -> Parser | None:
    for pattern, parser in PARSERS:
        if pattern == filename:
            return parser
        if pattern.startswith("*") and _glob(pattern, filename):
            return parser
    return None


def _glob(pattern: str, name: str) -> bool:
    regex = "^" + ".*".join(re.escape(p) for p in pattern.split("*")) + "$"
    return re.match(regex, name) is not None


def _best(found: Iterable[ClientFact | None]) -> list[ClientFact]:
    """One fact per client: the first one that carries a version, else the first one."""
    best: dict[str, ClientFact] = {}
    for fact in found:
        if fact is None:
            continue
        known = best.get(fact.name)
        if known is None or (known.version is None and fact.version):
            best[fact.name] = fact
    return list(best.values())


def merge(found: Iterable[ClientFact]) -> list[ClientFact]:
    """Clients from several files: an exact (locked or installed) version beats a range."""
    best: dict[str, ClientFact] = {}
    for fact in found:
        known = best.get(fact.name)
        if known is None or _exactness(fact) > _exactness(known):
            best[fact.name] = fact
    return sorted(best.values(), key=lambda c: (c.language, c.name))


def _exactness(fact: ClientFact) -> int:
    if not fact.version:
        return 0
    return 2 if re.fullmatch(_VERSION, fact.version) else 1
