"""The job's config.json is read by one reader; the host and clients probes keep their own views."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dind_doctor.model import Endpoint
from dind_doctor.probes.bounded import Deadline
from dind_doctor.probes.clients import probe_clients
from dind_doctor.probes.host import probe_host

ENDPOINT = Endpoint(url="tcp://docker:2376", scheme="tcp", host="docker", port=2376)
SECRET = "dXNlcjpzM2NyM3QtcGFzc3dvcmQ="  # made-up user:password


@pytest.mark.parametrize("content", [
    {"auths": {"https://index.docker.io/v1/": {"auth": SECRET}, "r.example:5050": {}},
     "credsStore": "pass", "credHelpers": {"123.dkr.ecr.eu-west-1.amazonaws.com": "ecr-login",
                                           "r.example:5050": "pass"}},
    {"credsStore": "desktop"},
    {"credHelpers": {"docker.io": "pass"}},
    {},
])
@pytest.mark.parametrize("where", ["home", "DOCKER_CONFIG", "DOCKER_CONFIG/"])
def test_host_and_clients_probes_see_the_same_config_json(tmp_path: Path, content: dict,
                                                          where: str) -> None:
    folder = tmp_path / (".docker" if where == "home" else "elsewhere")
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(content))
    env = {"HOME": str(tmp_path)}
    if where != "home":
        env["DOCKER_CONFIG"] = f"{folder}{'/' if where.endswith('/') else ''}"
    host = probe_host(env, str(tmp_path), []).client_config
    clients = probe_clients(env, str(tmp_path), ENDPOINT, Deadline(8))
    assert host is not None and host.parse_error is None
    assert clients.docker_config_path == host.path == f"{folder}/config.json"
    assert clients.docker_config_registries == sorted({*host.auths, *host.cred_helpers})
    assert clients.docker_config_store == host.creds_store == content.get("credsStore")
    assert SECRET not in json.dumps([host.auths, clients.docker_config_registries])


@pytest.mark.parametrize(("text", "error"), [
    ('{"auths": {"x": {"auth": "' + SECRET, "not valid JSON: JSONDecodeError"),
    ("[]", "not valid JSON: ValueError"),
])
def test_a_config_json_that_does_not_parse_gives_neither_probe_registries(
        tmp_path: Path, text: str, error: str) -> None:
    (tmp_path / ".docker").mkdir()
    (tmp_path / ".docker" / "config.json").write_text(text)
    host = probe_host({}, str(tmp_path), []).client_config
    clients = probe_clients({}, str(tmp_path), ENDPOINT, Deadline(8))
    assert host is not None and host.parse_error == error
    assert clients.docker_config_path == host.path
    assert (clients.docker_config_registries, clients.docker_config_store) == ([], None)


def test_no_config_json_and_a_directory_in_its_place(tmp_path: Path) -> None:
    for make in (lambda: None, lambda: (tmp_path / ".docker" / "config.json").mkdir()):
        (tmp_path / ".docker").mkdir(exist_ok=True)
        make()
        host = probe_host({}, str(tmp_path), []).client_config
        clients = probe_clients({}, str(tmp_path), ENDPOINT, Deadline(8))
        assert host is not None and host.file.kind in ("missing", "dir")
        assert host.auths == [] and host.parse_error is None
        assert clients.docker_config_path is None and clients.docker_config_registries == []


def test_a_diagnosis_reads_config_json_once_for_both_probes(tmp_path: Path, monkeypatch) -> None:
    from dind_doctor.probes import clients, docker_config, engine, host

    (tmp_path / ".docker").mkdir()
    (tmp_path / ".docker" / "config.json").write_text(json.dumps({"credsStore": "pass"}))
    reads: list[str] = []
    real = docker_config.read_docker_config

    def counted(environ, home):  # the real reader, counted
        reads.append(home)
        return real(environ, home)

    for module in (engine, clients, host):
        monkeypatch.setattr(module, "read_docker_config", counted)
    facts = engine.collect(3, environ={"DOCKER_HOST": "tcp://127.0.0.1:9",
                                       "HOME": str(tmp_path)}, settle=0)
    assert reads == [str(tmp_path)]
    assert facts.clients is not None and facts.clients.docker_config_store == "pass"
    assert facts.host is not None and facts.host.client_config.creds_store == "pass"
