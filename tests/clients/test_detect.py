"""Build files name the clients a project uses, with the version they pin."""

from __future__ import annotations

import json
from pathlib import Path

from dind_doctor.clients.detect import merge
from dind_doctor.probes.clients import project_files, read_clients, read_properties

POM = """<project>
  <properties><testcontainers.version>1.19.8</testcontainers.version></properties>
  <dependencyManagement><dependencies><dependency>
    <groupId>org.testcontainers</groupId><artifactId>testcontainers-bom</artifactId>
    <version>${testcontainers.version}</version><type>pom</type><scope>import</scope>
  </dependency></dependencies></dependencyManagement>
  <dependencies><dependency>
    <groupId>org.testcontainers</groupId><artifactId>postgresql</artifactId><scope>test</scope>
  </dependency></dependencies>
</project>"""
GRADLE_KTS = """dependencies {
    testImplementation(platform("org.testcontainers:testcontainers-bom:1.21.4"))
    testImplementation("org.testcontainers:junit-jupiter")
}"""
PYPROJECT = """[project]
name = "svc"
description = "talks to docker"
keywords = ["docker"]
dependencies = ["requests>=2"]
[project.optional-dependencies]
test = ["testcontainers[postgres]==4.8.1", "docker>=7.1; python_version>='3.9'"]
"""
POETRY = """[tool.poetry.group.dev.dependencies]
docker = "^6.1"
testcontainers = {version = "^3.7", extras = ["postgres"]}
"""
GO_MOD = """module example.com/svc
go 1.22
require (
\tgithub.com/testcontainers/testcontainers-go v0.33.0
\tgithub.com/docker/docker v27.1.1+incompatible // indirect
)"""
CSPROJ = """<Project Sdk="Microsoft.NET.Sdk"><ItemGroup>
<PackageReference Include="Testcontainers.PostgreSql" Version="3.10.0" />
</ItemGroup></Project>"""


def scan(root: Path) -> dict[str, tuple[str | None, str]]:
    clients, errors = read_clients(str(root), project_files(str(root)))
    assert not errors
    return {c.name: (c.version, c.source) for c in merge(clients)}


def test_every_ecosystem_names_its_clients_and_versions(tmp_path: Path) -> None:
    (tmp_path / "pom.xml").write_text(POM)
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "package.json").write_text(json.dumps(
        {"devDependencies": {"testcontainers": "^10.2.1", "@testcontainers/postgresql": "^10"}}))
    (tmp_path / "web" / "package-lock.json").write_text(json.dumps(
        {"packages": {"node_modules/testcontainers": {"version": "10.2.1"},
                      "node_modules/dockerode": {"version": "3.3.5"}}}))
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    (tmp_path / "go.mod").write_text(GO_MOD)
    (tmp_path / "Tests.csproj").write_text(CSPROJ)
    found = scan(tmp_path)
    assert found["testcontainers-java"] == ("1.19.8", "pom.xml")
    assert found["testcontainers-node"] == ("10.2.1", "web/package-lock.json")  # the lock wins
    assert found["dockerode"] == ("3.3.5", "web/package-lock.json")
    assert found["testcontainers-python"] == ("4.8.1", "pyproject.toml")
    assert found["docker-py"] == (">=7.1", "pyproject.toml")
    assert found["testcontainers-go"] == ("v0.33.0", "go.mod")
    assert found["go-sdk"] == ("v27.1.1+incompatible", "go.mod")
    assert found["testcontainers-dotnet"] == ("3.10.0", "Tests.csproj")


def test_keywords_and_descriptions_are_not_requirements(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nkeywords = ["docker"]\n'
                                             'description = "docker client"\n')
    assert scan(tmp_path) == {}


def test_gradle_poetry_requirements_and_lock_files(tmp_path: Path) -> None:
    (tmp_path / "build.gradle.kts").write_text(GRADLE_KTS)
    (tmp_path / "pyproject.toml").write_text(POETRY)
    (tmp_path / "requirements-ci.txt").write_text("# tools\ndocker==7.1.0\n-r base.txt\n")
    (tmp_path / "poetry.lock").write_text('[[package]]\nname = "testcontainers"\n'
                                          'version = "3.7.1"\n')
    found = scan(tmp_path)
    assert found["testcontainers-java"][0] == "1.21.4"
    assert found["docker-py"] == ("7.1.0", "requirements-ci.txt")
    assert found["testcontainers-python"] == ("3.7.1", "poetry.lock")


def test_node_modules_and_hidden_dirs_are_not_scanned(tmp_path: Path) -> None:
    for sub in ("node_modules/x", ".venv"):
        (tmp_path / sub).mkdir(parents=True)
    (tmp_path / "node_modules" / "package.json").write_text('{"dependencies":{"dockerode":"1"}}')
    (tmp_path / ".venv" / "requirements.txt").write_text("docker==7.1.0\n")
    assert project_files(str(tmp_path)) == []


def test_broken_files_say_nothing(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text("{not json")
    (tmp_path / "pyproject.toml").write_text("[project\n")
    (tmp_path / "pom.xml").write_bytes(b"\xff\xfe<project>")
    assert scan(tmp_path) == {}


def test_testcontainers_properties(tmp_path: Path) -> None:
    props = tmp_path / ".testcontainers.properties"
    props.write_text("# written by Testcontainers Desktop\ntc.host=tcp://127.0.0.1:49812\n"
                     "docker.client.strategy = org.testcontainers.dockerclient."
                     "UnixSocketClientProviderStrategy\n")
    assert read_properties(str(props)) == {
        "tc.host": "tcp://127.0.0.1:49812",
        "docker.client.strategy": "org.testcontainers.dockerclient."
                                  "UnixSocketClientProviderStrategy"}


def test_docker_config_names_registries_never_credentials(tmp_path: Path) -> None:
    from dind_doctor.probes.docker_config import credential_registries, read_docker_config

    config = tmp_path / "config.json"
    config.write_text(json.dumps({"auths": {"https://index.docker.io/v1/": {"auth": "c2VjcmV0"},
                                            "registry.example.com": {}},
                                  "credHelpers": {"123.dkr.ecr.eu-west-1.amazonaws.com": "ecr"}}))
    env = {"DOCKER_CONFIG": str(tmp_path)}
    registries, store = credential_registries(read_docker_config(env, "/nonexistent"))
    assert registries == ["123.dkr.ecr.eu-west-1.amazonaws.com", "https://index.docker.io/v1/",
                          "registry.example.com"]
    assert store is None
    config.write_text("{broken")
    assert credential_registries(read_docker_config(env, "/nonexistent")) == ([], None)


def test_docker_py_installed_only_for_this_tool_is_not_the_jobs() -> None:
    from dind_doctor.facts import PythonFacts
    from dind_doctor.probes.clients import python_clients

    python = PythonFacts("/usr/bin/python3", "3.12.3", {"docker": "7.1.0", "urllib3": "2.5.0",
                                                        "testcontainers": "4.8.1"})
    assert {c.name for c in python_clients(python)} == {"docker-py", "testcontainers-python"}
    python.packages["dind-doctor"] = "0.1.0"
    assert {c.name for c in python_clients(python)} == {"testcontainers-python"}
