"""The job's situation (tags read from the report) and the fix tree it opens."""

from __future__ import annotations

from pathlib import Path

import pytest

from dind_doctor import records
from dind_doctor.catalog import SITUATION_TAGS, load_catalog
from dind_doctor.facts import Facts
from dind_doctor.model import Report
from dind_doctor.report import build_report
from dind_doctor.tui.app import DoctorApp
from dind_doctor.tui.export import report_markdown
from dind_doctor.tui.screens.fix_tree import FixTreeScreen
from dind_doctor.tui.situation import situation
from dind_doctor.tui.widgets.fix_tree import FixTree
from tests.factories import FactsBuilder

from .apps import canned
from .reports import report_for

KNOWN = {tag for group in SITUATION_TAGS.values() for tag in group}


def _report(builder: FactsBuilder) -> Report:
    return build_report(builder.build())


def _shell(builder: FactsBuilder) -> FactsBuilder:
    facts: Facts = builder.facts
    facts.env.paths.pop("/.dockerenv", None)
    facts.env.in_container = False
    return builder


@pytest.mark.parametrize(("builder", "expected"), [
    (lambda: FactsBuilder.healthy_tls(), {"docker-executor", "tls"}),
    (lambda: FactsBuilder.healthy_plain(), {"docker-executor", "plain"}),
    (lambda: FactsBuilder.healthy_tls().kubernetes(), {"kubernetes", "tls"}),
    (lambda: _shell(FactsBuilder.healthy_tls()), {"shell-executor", "tls"}),
    # port 2376 without TLS settings: the job means TLS, the client just lacks them
    (lambda: FactsBuilder.healthy_tls().env(DOCKER_TLS_VERIFY=None, DOCKER_CERT_PATH=None),
     {"docker-executor", "tls"}),
    (lambda: FactsBuilder.healthy_tls().env(DOCKER_HOST="unix:///var/run/docker.sock"),
     {"docker-executor", "unix-socket"}),
    (lambda: FactsBuilder.healthy_tls().env(DOCKER_HOST="tcp://dind:2376"),
     {"docker-executor", "tls", "custom-alias"}),
    (lambda: FactsBuilder.healthy_plain().env(DOCKER_HOST="tcp://127.0.0.1:2375"),
     {"docker-executor", "plain"}),
    (lambda: FactsBuilder.healthy_tls().env(CI_SERVER_HOST="gitlab.com"),
     {"docker-executor", "tls", "gitlab-com"}),
])
def test_situation_reads_executor_transport_and_host_from_the_report(builder, expected):
    tags = situation(_report(builder()))
    assert tags == expected
    assert tags <= KNOWN


def test_without_a_job_environment_finding_there_is_no_executor_tag():
    report = _report(FactsBuilder.healthy_tls().kubernetes())
    report.findings = [f for f in report.findings if f.id != "job-environment"]
    assert situation(report) == {"tls"}


def test_situation_uses_the_report_only():
    """Saved facts replayed anywhere give the same tags: nothing is probed."""
    report = report_for("k8s-wiring")
    again = records.replace(report, findings=list(report.findings))
    assert situation(report) == situation(again) == {"kubernetes", "tls"}


async def _open_fix_tree(report: Report, tmp_path: Path) -> tuple[str, str]:
    app = DoctorApp(canned(report), export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, FixTreeScreen)
        node = app.screen.query_one(FixTree).cursor_node
        assert node is not None and node.data is not None
        return app.screen.entry.id, node.data.id


@pytest.mark.parametrize(("builder", "entry_id", "node_id"), [
    # certs missing: Kubernetes opens the Kubernetes branch, Docker the (recommended) Docker one
    (lambda: FactsBuilder.healthy_tls().without_client_certs().api_down(
        "open /certs/client/ca.pem: no such file or directory"),
     "certs-client-not-shared", "docker-executor"),
    (lambda: FactsBuilder.healthy_tls().kubernetes().without_client_certs().api_down(
        "open /certs/client/ca.pem: no such file or directory"),
     "certs-client-not-shared", "kubernetes-executor"),
    # the client dials plain 2375 against a TLS dind
    (lambda: FactsBuilder.healthy_tls().env(DOCKER_HOST="tcp://docker:2375",
                                            DOCKER_TLS_VERIFY=None, DOCKER_CERT_PATH=None)
     .without_client_certs().api_down("Cannot connect to the Docker daemon at "
                                      "tcp://docker:2375. Is the docker daemon running?")
     .api(url="http://docker:2375"),
     "daemon-tls-client-plain-2375", "tls-docker-executor"),
    (lambda: FactsBuilder.healthy_tls().kubernetes()
     .env(DOCKER_HOST="tcp://docker:2375", DOCKER_TLS_VERIFY=None, DOCKER_CERT_PATH=None)
     .without_client_certs().api_down("Cannot connect to the Docker daemon at "
                                      "tcp://docker:2375. Is the docker daemon running?")
     .api(url="http://docker:2375"),
     "daemon-tls-client-plain-2375", "tls-kubernetes-executor"),
])
async def test_the_fix_tree_opens_on_the_branch_of_the_observed_executor(
        builder, entry_id: str, node_id: str, tmp_path: Path) -> None:
    report = _report(builder())
    assert report.headline is not None and report.headline.id == entry_id
    assert await _open_fix_tree(report, tmp_path) == (entry_id, node_id)


async def test_without_a_matching_branch_the_recommended_fix_opens(tmp_path: Path) -> None:
    report = _report(FactsBuilder.healthy_tls().kubernetes().without_compose())
    assert report.headline is not None and report.headline.id == "compose-missing"
    recommended = load_catalog()["compose-missing"].fix_tree.first_fix().id
    assert await _open_fix_tree(report, tmp_path) == ("compose-missing", recommended)


async def test_the_matching_choice_is_marked_and_the_legend_explains_it(tmp_path: Path) -> None:
    report = report_for("k8s-wiring")
    app = DoctorApp(canned(report), export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        tree = app.screen.query_one(FixTree)
        labels = {n.data.id: str(n.label) for n in _walk(tree.root) if n.data is not None}
        assert labels["tls-recipe"].endswith(f"★ {FixTree.MATCH}")
        assert FixTree.MATCH not in labels["plain-localhost"]  # [kubernetes, plain]: not this job
        assert FixTree.MATCH not in labels["docker-executor"]
        assert f"{FixTree.MATCH} this job" in str(app.screen.query_one("#fix-title").render())


async def test_no_legend_when_nothing_matches(tmp_path: Path) -> None:
    app = DoctorApp(canned(report_for("compose-missing")), export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        assert FixTree.MATCH not in str(app.screen.query_one("#fix-title").render())


def test_the_exported_markdown_suggests_the_fix_for_the_situation():
    report = _report(FactsBuilder.healthy_tls().kubernetes().without_client_certs().api_down(
        "open /certs/client/ca.pem: no such file or directory"))
    tree = load_catalog()["certs-client-not-shared"].fix_tree
    markdown = report_markdown(report)
    assert f"**Suggested fix — {tree.find('kubernetes-executor').title}:**" in markdown
    assert f"**Suggested fix — {tree.first_fix().title}:**" not in markdown


def _walk(node):  # type: ignore[no-untyped-def]
    yield node
    for child in node.children:
        yield from _walk(child)


@pytest.mark.parametrize(("node_id", "tags", "expected"), [
    ("tls-end-to-end", {"kubernetes"}, "tls-kubernetes-executor"),  # a branch: follow the job
    ("tls-end-to-end", set(), "tls-end-to-end"),  # nothing matches: stay on the branch
    ("tls-off", {"kubernetes"}, "tls-off"),  # a fix the search chose stays chosen
    (None, {"kubernetes"}, "tls-kubernetes-executor"),
    ("no-such-node", {"docker-executor"}, "tls-docker-executor"),
])
def test_where_a_search_result_opens_the_tree(node_id, tags, expected):
    from dind_doctor.tui.screens.fix_tree import start_node

    tree = load_catalog()["daemon-tls-client-plain-2375"].fix_tree
    assert start_node(tree, node_id, tags).id == expected
