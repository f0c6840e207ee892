"""Healthy configurations stay quiet: what the static checks may warn about (real files)."""

from __future__ import annotations

from dind_doctor.model import Report, Status

from .helpers import finding, report_for

LOUD = (Status.WARN, Status.FAIL, Status.ERROR)


def loud(report: Report) -> list[str]:
    return [f"{f.id}: {f.summary}" for f in report.findings if f.status in LOUD]


def test_a_freshly_registered_runner_with_network_mtu_0_is_quiet() -> None:
    report = report_for("tls-ok.yml", "docker-registered.toml")
    assert loud(report) == []
    assert finding(report, "network-mtu-ignored") is None
    assert not any("FF_NETWORK_PER_BUILD" in f.fix for f in report.findings)


def test_network_mtu_without_per_build_networks_warns_only_when_the_jobs_are_known() -> None:
    found = finding(report_for("tls-ok.yml", "docker-misc.toml"), "network-mtu-ignored")
    assert found is not None and found.status == Status.WARN and "build" in found.summary
    assert "FF_NETWORK_PER_BUILD = true" in found.fix
    unknown = finding(report_for(None, "docker-misc.toml"), "network-mtu-ignored")
    assert unknown is not None and unknown.status == Status.INFO
    by_job = finding(report_for("mtu-per-build.yml", "docker-misc.toml"), "network-mtu-ignored")
    assert by_job is not None and by_job.status == Status.OK
