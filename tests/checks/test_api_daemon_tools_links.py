"""API, daemon and tools links."""

from __future__ import annotations

from pathlib import Path

from dind_doctor.facts import ClientsFacts
from dind_doctor.model import Status
from dind_doctor.probes.clients import script_mentions
from dind_doctor.report import build_report
from tests.checks.outcome import assert_blocked, evidence, findings, status
from tests.factories import PLAIN_TCP_WARNING, FactsBuilder

DAEMON_IDS = ("storage-driver-vfs-fallback", "mtu-mismatch", "daemon-warnings")


def test_old_client_below_daemon_minimum_fails() -> None:
    found = findings(FactsBuilder.healthy_tls().client_api("1.40"))
    skew = found["api-version-skew"]
    assert skew.status == Status.FAIL
    assert "older than the daemon's minimum 1.44" in skew.summary
    assert "DOCKER_MIN_API_VERSION" in skew.fix
    assert_blocked(found, ["daemon-api", *DAEMON_IDS], by="api-version-skew")


def test_daemon_refusal_text_is_parsed() -> None:
    builder = FactsBuilder.healthy_tls().api_down(
        "Error response from daemon: client version 1.43 is too old. Minimum supported API "
        "version is 1.44, please upgrade your client to a newer version")
    skew = findings(builder)["api-version-skew"]
    assert skew.status == Status.FAIL
    assert skew.summary.startswith("The daemon refuses API 1.43: too old (its minimum is 1.44)")


def test_pinned_api_version_newer_than_daemon_fails() -> None:
    skew = findings(FactsBuilder.healthy_tls().env(DOCKER_API_VERSION="1.53"))["api-version-skew"]
    assert skew.status == Status.FAIL and "Unset DOCKER_API_VERSION" in skew.fix


def test_newer_client_negotiates_down_and_in_range_is_ok() -> None:
    newer = findings(FactsBuilder.healthy_tls().client_api("1.53"))["api-version-skew"]
    assert newer.status == Status.OK and "negotiates" in newer.summary
    assert status(FactsBuilder.healthy_tls(), "api-version-skew") == Status.OK


def test_version_comparison_is_numeric_not_textual() -> None:
    # "1.9" < "1.44" as versions although "1.9" > "1.44" as text
    assert status(FactsBuilder.healthy_tls().client_api("1.9"), "api-version-skew") == Status.FAIL


def test_api_that_does_not_answer_fails_and_blocks_daemon_checks() -> None:
    found = findings(FactsBuilder.healthy_tls().api_down("read timeout").api(timed_out=True))
    assert found["daemon-api"].status == Status.FAIL
    assert "timed out" in found["daemon-api"].summary
    assert_blocked(found, DAEMON_IDS, by="daemon-api")


def test_api_ok_shows_versions() -> None:
    found = findings(FactsBuilder.healthy_tls())["daemon-api"]
    assert found.status == Status.OK
    assert evidence(found)["server version"] == "29.1.2"
    assert evidence(found)["platform"] == "linux/amd64"


def test_api_probe_failure_is_error_and_blocks_daemon_checks() -> None:
    found = findings(FactsBuilder.healthy_tls().probe_failed("api", "docker SDK hung", True))
    assert found["api-version-skew"].status == Status.ERROR
    assert "api probe timed out" in found["api-version-skew"].summary
    assert_blocked(found, ["daemon-api", *DAEMON_IDS], by="api-version-skew")


def test_vfs_driver_warns_without_blocking() -> None:
    found = findings(FactsBuilder.healthy_tls().daemon_info(Driver="vfs", DriverStatus=[]))
    vfs = found["storage-driver-vfs-fallback"]
    assert vfs.status == Status.WARN and "overlay2" in vfs.fix
    assert found["mtu-mismatch"].status == Status.OK


def test_overlay2_is_ok() -> None:
    found = findings(FactsBuilder.healthy_tls())["storage-driver-vfs-fallback"]
    assert found.status == Status.OK and evidence(found)["backing filesystem"] == "extfs"


def test_small_job_mtu_warns_with_the_value_to_use() -> None:
    found = findings(FactsBuilder.healthy_tls().mtu(1360))["mtu-mismatch"]
    assert found.status == Status.WARN
    assert '--mtu=1360' in found.fix
    assert status(FactsBuilder.healthy_tls().mtu(1360).api(bridge_mtu=1360),
                  "mtu-mismatch") == Status.OK


def test_daemon_warnings_are_info_and_none_is_ok() -> None:
    found = findings(FactsBuilder.healthy_plain())["daemon-warnings"]
    assert found.status == Status.INFO
    assert evidence(found)["warning 1"] == PLAIN_TCP_WARNING
    assert status(FactsBuilder.healthy_tls(), "daemon-warnings") == Status.OK


def test_no_compose_in_a_job_that_calls_it_warns() -> None:
    found = findings(FactsBuilder.healthy_tls().without_compose())["compose-missing"]
    assert found.status == Status.WARN
    assert evidence(found)["compose use"] == "docker compose"
    assert "docker compose" in found.fix and "shim" in found.fix


def test_no_compose_where_nothing_says_whether_it_is_used_is_info() -> None:
    """Outside a job (no CI project directory), a missing compose is evidence of nothing."""
    builder = FactsBuilder.healthy_tls().without_compose()
    builder.facts.clients = None
    found = findings(builder)["compose-missing"]
    assert found.status == Status.INFO
    assert evidence(found)["compose use"] == "unknown"
    builder.facts.clients = ClientsFacts()  # the clients probe ran, outside a project
    assert findings(builder)["compose-missing"].status == Status.INFO


def test_no_compose_in_a_job_that_never_uses_it_is_info(tmp_path: Path) -> None:
    """A healthy job that has no compose and needs none is quiet; one that calls it warns."""
    project = tmp_path / "project"
    project.mkdir()
    (project / ".gitlab-ci.yml").write_text(
        "build:\n  image: docker:29-cli\n  services: [docker:29-dind]\n"
        "  script:\n    - docker build -t app .\n")
    env = {"CI_PROJECT_DIR": str(project)}

    def compose_finding():  # type: ignore[no-untyped-def]
        facts = FactsBuilder.healthy_tls().without_compose().build()
        facts.clients = ClientsFacts(project_dir=str(project), script_mentions=script_mentions(env))
        return next(f for f in build_report(facts).findings if f.id == "compose-missing")

    quiet = compose_finding()
    assert quiet.status == Status.INFO
    assert evidence(quiet)["compose use"].startswith("none")
    (project / "compose.yaml").write_text("services:\n  db:\n    image: postgres:16\n")
    assert compose_finding().status == Status.WARN  # a compose file: a script may well use it
    (project / "compose.yaml").unlink()
    (project / ".gitlab-ci.yml").write_text(
        "test:\n  services: [docker:29-dind]\n  script:\n    - docker-compose up -d\n")
    assert compose_finding().status == Status.WARN


def test_compose_v1_only_is_info_and_plugin_is_ok() -> None:
    builder = FactsBuilder.healthy_tls().without_compose()
    assert builder.facts.tools is not None
    builder.facts.tools.compose_v1.path = "/usr/local/bin/docker-compose"
    builder.facts.tools.compose_v1.version = "1.29.2"
    assert status(builder, "compose-missing") == Status.INFO
    assert status(FactsBuilder.healthy_tls(), "compose-missing") == Status.OK


def test_tools_probe_failure_is_error() -> None:
    found = findings(FactsBuilder.healthy_tls().probe_failed("tools", "crashed"))
    assert found["compose-missing"].status == Status.ERROR
