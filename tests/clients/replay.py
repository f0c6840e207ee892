"""Facts for client-view tests: a healthy DinD job plus the clients its project uses."""

from __future__ import annotations

from dind_doctor.checks.base import REGISTRY, run_check
from dind_doctor.checks.base import Context as CheckContext
from dind_doctor.facts import ClientFact, ClientsFacts, Facts, PythonFacts
from dind_doctor.model import Finding
from tests.factories import FactsBuilder

LANGUAGE = {"testcontainers-java": "java", "docker-java": "java", "testcontainers-python": "python",
            "docker-py": "python", "docker-compose-v1": "python", "testcontainers-node": "node",
            "dockerode": "node", "testcontainers-go": "go", "go-sdk": "go",
            "testcontainers-dotnet": "dotnet", "docker-dotnet": "dotnet"}


def with_clients(builder: FactsBuilder, *names: str, version: str | None = None,
                 env: dict[str, str] | None = None, props: dict[str, str] | None = None,
                 python: PythonFacts | None = None, **fields: object) -> Facts:
    facts = builder.build()
    facts.clients = ClientsFacts(
        project_dir="/builds/group/project",
        clients=[ClientFact(n, LANGUAGE[n], version, "build file") for n in names],
        env=dict(env or {}), tc_properties=dict(props or {}),
        tc_properties_path="/root/.testcontainers.properties" if props else None,
        python=python, **fields)  # type: ignore[arg-type]
    return facts


def finding(facts: Facts, check_id: str) -> Finding | None:
    chk = next(c for c in REGISTRY if c.id == check_id)
    return run_check(chk, CheckContext(facts), {})
