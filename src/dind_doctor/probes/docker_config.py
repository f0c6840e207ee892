"""The job's docker client config (``config.json``), read in one place for every probe.

The host probe keeps what it says about credentials (``ClientConfigFact``: the registry names
under ``auths``, ``credsStore``, ``credHelpers``); the clients probe keeps the registries it
holds credentials or helpers for. Both read the same file the same way: ``DOCKER_CONFIG``,
else ``~/.docker``, at most 1 MiB. Credential values are never copied into any fact.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from ..facts import ClientConfigFact, PathFact
from ..records import record
from .environment import read_small, stat_path


@record(frozen=True)
class DockerConfig:
    """One read of config.json: where it is, and its parsed JSON (``None`` when not read)."""

    path: str
    source: str  # DOCKER_CONFIG or ~/.docker
    file: PathFact
    data: object = None  # what json.loads returned: any JSON value, not only an object
    error: str | None = None  # why it could not be read or parsed

    @property
    def is_file(self) -> bool:
        return self.file.kind == "file"


def read_docker_config(environ: Mapping[str, str], home: str) -> DockerConfig:
    """The config.json the docker CLI in this job reads (DOCKER_CONFIG, else ~/.docker)."""
    if environ.get("DOCKER_CONFIG"):
        folder, source = environ["DOCKER_CONFIG"], "DOCKER_CONFIG"
    else:
        folder, source = f"{home.rstrip('/')}/.docker", "~/.docker"
    path = f"{folder.rstrip('/')}/config.json"
    file = stat_path(path)
    if file.kind != "file":
        return DockerConfig(path, source, file)
    try:
        return DockerConfig(path, source, file, data=json.loads(read_small(path)))
    except OSError as exc:
        return DockerConfig(path, source, file, error=exc.strerror or str(exc))
    except ValueError as exc:  # JSONDecodeError is one
        return DockerConfig(path, source, file, error=f"not valid JSON: {type(exc).__name__}")


def registry_names(data: object) -> list[str]:
    """Registry names under ``auths`` of a parsed docker config (never the credentials)."""
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    auths = data.get("auths") or {}
    if not isinstance(auths, dict):
        raise ValueError("auths is not an object")
    return sorted(str(name) for name in auths)


def client_config_fact(config: DockerConfig) -> ClientConfigFact:
    """The host probe's view: registry names under ``auths``, ``credsStore``, ``credHelpers``;
    a file that is not a JSON object with an ``auths`` object is a parse error."""
    fact = ClientConfigFact(path=config.path, source=config.source, file=config.file)
    if not config.is_file:
        return fact
    if config.error is not None:
        fact.parse_error = config.error
        return fact
    try:
        fact.auths = registry_names(config.data)
    except ValueError as exc:
        fact.parse_error = f"not valid JSON: {type(exc).__name__}"
        return fact
    assert isinstance(config.data, dict)  # registry_names accepted it
    store = config.data.get("credsStore")
    fact.creds_store = store if isinstance(store, str) and store else None
    helpers = config.data.get("credHelpers")
    fact.cred_helpers = sorted(helpers) if isinstance(helpers, dict) else []
    return fact


def credential_registries(config: DockerConfig) -> tuple[list[str], str | None]:
    """The clients probe's view: registries config.json holds credentials or a helper for
    (``auths`` and ``credHelpers``, each read when it is an object), and its credsStore."""
    data = config.data
    if not isinstance(data, dict):
        return [], None
    registries: list[str] = []
    for key in ("auths", "credHelpers"):
        section = data.get(key)
        if isinstance(section, dict):
            registries += [str(name) for name in section]
    store = data.get("credsStore")
    return sorted(set(registries)), store if isinstance(store, str) and store else None
