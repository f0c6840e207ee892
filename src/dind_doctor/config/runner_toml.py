"""Parse a GitLab Runner ``config.toml`` into :class:`RunnerConfigFacts` (tokens never kept)."""

from __future__ import annotations

import re
from typing import Any

import tomlkit
from tomlkit.exceptions import ParseError, TOMLKitError

from ..redact import redact_text, redact_var
from .filefacts import RunnerConfigFacts, RunnerDecl, ServiceDecl, VolumeDecl
from .images import parse_image, service_hostnames

K8S_VOLUME_KINDS = ("empty_dir", "host_path", "pvc", "config_map", "secret", "csi", "nfs")
_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")


def parse_runner_toml(text: str, facts: RunnerConfigFacts, *, default_executor: str = "") -> None:
    """Fill ``facts`` from the TOML ``text``; a syntax error becomes ``facts.error``."""
    try:
        document = tomlkit.parse(text).unwrap()
    except ParseError as exc:
        facts.error_line = exc.line + facts.line_offset if exc.line else None
        facts.error = f"not valid TOML: {_parse_message(exc, facts.error_line)}"
        if "{{" in text or "${" in text:
            facts.error += (" (template expressions such as {{ }} or ${ } are filled in before"
                            " the runner reads this file; lint the rendered config)")
        return
    except (TOMLKitError, ValueError, TypeError, RecursionError) as exc:
        facts.error = f"not valid TOML: {type(exc).__name__}"
        return
    runners = document.get("runners", [])
    if not isinstance(runners, list):
        facts.error = "`runners` must be an array of tables ([[runners]])"
        return
    lines = index_lines(text)
    comments = runner_comments(text, len(runners))
    for index, entry in enumerate(runners):
        if not isinstance(entry, dict):
            facts.notes.append(f"runners[{index}] is not a table; ignored")
            continue
        runner = _runner(entry, index, facts.notes, default_executor)
        runner.key_lines = {key: line + facts.line_offset
                            for (i, key), line in lines.items() if i == index}
        runner.line = runner.key_lines.get("")
        runner.comments = comments.get(index, [])
        runner.tags = tags_in_comments(runner.comments)
        volumes_line = runner.key_lines.get("kubernetes" if runner.kubernetes
                                            else "docker.volumes")
        for volume in runner.volumes:
            volume.line = volumes_line
        facts.runners.append(runner)


def _parse_message(exc: ParseError, line: int | None) -> str:
    """tomlkit's message with our line number (Helm values shift it); never the line's text."""
    message = re.sub(r"\s+at line \d+ col \d+$", "", str(exc))
    return f"{message} at line {line}, column {exc.col + 1}" if line else message


def _comment_of(line: str) -> str | None:
    """The text after a ``#`` that is not inside a string, or None."""
    quote = ""
    for i, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#":
            return line[i + 1:].strip()
    return None


def runner_comments(text: str, count: int) -> dict[int, list[str]]:
    """Comment lines per runner index: those inside its block, the comment block right above
    its ``[[runners]]`` header, and the file's leading comments when there is one runner."""
    found: dict[int, list[str]] = {}
    runner, pending = -1, list[str]()
    for line in text.splitlines():
        header = _HEADER.match(line)
        if header and header.group(1) == "[[" and \
                header.group(2).replace('"', "").replace(" ", "") == "runners":
            runner += 1
            found.setdefault(runner, []).extend(pending)
            pending = []
            continue
        comment = _comment_of(line)
        if line.strip().startswith("#"):
            if comment:
                pending.append(comment)
            continue
        if pending:
            found.setdefault(runner, []).extend(pending)
            pending = []
        if comment:
            found.setdefault(runner, []).append(comment)
    leading = found.pop(-1, [])
    if count == 1:
        found[0] = leading + found.get(0, [])
    return {index: _kept(comments) for index, comments in found.items()}


_SECRET_WORDS = re.compile(r"token|passw|secret|credential|private|api[_-]?key|auth", re.I)
MAX_COMMENTS, MAX_COMMENT_CHARS = 20, 200


def _kept(comments: list[str]) -> list[str]:
    """Comments as facts: never one that may hold a secret; redacted, bounded."""
    kept = [redact_text(c)[:MAX_COMMENT_CHARS] for c in comments if not _SECRET_WORDS.search(c)]
    return kept[:MAX_COMMENTS]


_TAGS = re.compile(r"\btags\s*[:=]\s*\[?([^\]#]+)|--tag-list[= ]\s*(\S+)", re.IGNORECASE)


def tags_in_comments(comments: list[str]) -> list[str] | None:
    """Registration tags written in a comment (``# tags: dind, docker``), else None."""
    for comment in comments:
        match = _TAGS.search(comment)
        if match:
            raw = match.group(1) or match.group(2) or ""
            tags = [t.strip("\"' ") for t in re.split(r"[,\s]+", raw) if t.strip("\"' ")]
            if tags:
                return tags
    return None


def index_lines(text: str) -> dict[tuple[int, str], int]:
    """Map (runner index, "section.key") to its 1-based line; "" is the [[runners]] header."""
    found: dict[tuple[int, str], int] = {}
    runner = -1
    section = ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            name = header.group(2).replace('"', "").replace("'", "").replace(" ", "")
            if header.group(1) == "[[" and name == "runners":
                runner += 1
                section = ""
                found.setdefault((runner, ""), number)
            elif name.startswith("runners."):
                section = name[len("runners."):]
                found.setdefault((runner, section), number)
            else:
                section = f"/{name}"  # a table outside [[runners]]
            continue
        key = _KEY.match(line)
        if key and runner >= 0 and not section.startswith("/"):
            path = f"{section}.{key.group(1)}" if section else key.group(1)
            found.setdefault((runner, path), number)
    return found


def _runner(entry: dict[str, Any], index: int, notes: list[str],
            default_executor: str) -> RunnerDecl:
    name = _str(entry.get("name")) or f"runners[{index}]"
    runner = RunnerDecl(name=name, index=index,
                        executor=_str(entry.get("executor")) or default_executor)
    docker = _table(entry.get("docker"), f"{name}: [runners.docker]", notes)
    kube = _table(entry.get("kubernetes"), f"{name}: [runners.kubernetes]", notes)
    runner.environment = _env_list(entry.get("environment"), f"{name}: environment", notes)
    flags = _table(entry.get("feature_flags"), f"{name}: [runners.feature_flags]", notes)
    runner.feature_flags = {k: v for k, v in flags.items() if isinstance(v, bool)}
    if runner.kubernetes:
        runner.privileged = _bool(kube.get("privileged"), f"{name}: kubernetes.privileged", notes)
        runner.privileged_elsewhere = _bool(docker.get("privileged"), "", [])
        context = _table(kube.get("service_container_security_context"), "", notes)
        runner.services_privileged = _bool(context.get("privileged"), "", notes)
        runner.volumes = _k8s_volumes(kube.get("volumes"), notes, name)
        runner.image = _str(kube.get("image"))
        runner.services = _services(kube.get("services"), notes, name)
    else:
        runner.privileged = _bool(docker.get("privileged"), f"{name}: docker.privileged", notes)
        runner.privileged_elsewhere = _bool(kube.get("privileged"), "", [])
        runner.services_privileged = _bool(docker.get("services_privileged"),
                                           f"{name}: docker.services_privileged", notes)
        runner.allowed_privileged_services = _str_list(docker.get("allowed_privileged_services"))
        runner.allowed_services = _str_list(docker.get("allowed_services"))
        runner.volumes = _docker_volumes(docker.get("volumes"), notes, name)
        runner.disable_cache = _bool(docker.get("disable_cache"), "", notes)
        runner.network_mode = _str(docker.get("network_mode"))
        runner.network_mtu = _int(docker.get("network_mtu"), f"{name}: docker.network_mtu", notes)
        runner.wait_for_services_timeout = _int(docker.get("wait_for_services_timeout"),
                                                f"{name}: docker.wait_for_services_timeout",
                                                notes)
        runner.docker_host = _str(docker.get("host"))
        runner.docker_tls_verify = _bool(docker.get("tls_verify"), "", notes)
        runner.docker_tls_cert_path = _str(docker.get("tls_cert_path"))
        runner.image = _str(docker.get("image"))
        runner.services = _services(docker.get("services"), notes, name)
    return runner


def _docker_volumes(value: Any, notes: list[str], name: str) -> list[VolumeDecl]:
    volumes = []
    for spec in _str_list(value, f"{name}: docker.volumes", notes) or []:
        parts = spec.split(":")
        if len(parts) == 1:
            volumes.append(VolumeDecl(spec=spec, target=spec, kind="volume"))
        else:
            kind = "bind" if parts[0].startswith(("/", ".", "~")) else "named"
            volumes.append(VolumeDecl(spec=spec, target=parts[1], kind=kind))
    return volumes


def _k8s_volumes(value: Any, notes: list[str], name: str) -> list[VolumeDecl]:
    table = _table(value, f"{name}: kubernetes.volumes", notes)
    volumes = []
    for kind in K8S_VOLUME_KINDS:
        items = table.get(kind) or []
        if not isinstance(items, list):
            notes.append(f"{name}: kubernetes.volumes.{kind} is not an array of tables")
            continue
        for item in items:
            if isinstance(item, dict) and _str(item.get("mount_path")):
                label = _str(item.get("name")) or "(unnamed)"
                volumes.append(VolumeDecl(spec=f"{kind} {label}",
                                          target=_str(item.get("mount_path")), kind=kind))
    return volumes


def _services(value: Any, notes: list[str], name: str) -> list[ServiceDecl]:
    services = []
    for item in value if isinstance(value, list) else []:
        if not isinstance(item, dict) or not _str(item.get("name")):
            notes.append(f"{name}: a runner service without a name; ignored")
            continue
        image = _str(item.get("name"))
        alias = _str(item.get("alias"))
        services.append(ServiceDecl(
            name=image, alias=alias, hostnames=service_hostnames(image, alias),
            command=_str_list(item.get("command")), entrypoint=_str_list(item.get("entrypoint")),
            variables=_env_list(item.get("environment"), "", notes),
            is_dind=parse_image(image).is_dind))
    return services


def _env_list(value: Any, label: str, notes: list[str]) -> dict[str, str]:
    env: dict[str, str] = {}
    for item in _str_list(value, label, notes) or []:
        key, _, val = item.partition("=")
        if key:
            env[key] = redact_var(key, val)
    return env


def _table(value: Any, label: str, notes: list[str]) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    if label:
        notes.append(f"{label} is not a table; ignored")
    return {}


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _bool(value: Any, label: str, notes: list[str]) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if label:
        notes.append(f"{label} should be true or false, not {value!r}; the runner rejects it")
    return None


def _int(value: Any, label: str, notes: list[str]) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if label:
        notes.append(f"{label} should be an integer, not {type(value).__name__}")
    return None


def _str_list(value: Any, label: str = "", notes: list[str] | None = None) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, (str, int, float))]
    if label and notes is not None:
        notes.append(f"{label} should be an array of strings")
    return None
