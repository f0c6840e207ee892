"""tls-client-cert-rejected against a real TLS dockerd: it states what the facts show."""

from __future__ import annotations

import pytest

from dind_doctor.model import Status
from dind_doctor.probes.engine import collect
from dind_doctor.report import build_report
from tests.support.certs import make_client_cert

pytestmark = pytest.mark.dockerd


def test_expired_client_cert_from_the_right_ca_points_at_validity(dockerd_tls, certs,
                                                                         tmp_path):
    client = tmp_path / "client"
    make_client_cert(certs, client, expired=True)
    environ = {"DOCKER_HOST": f"tcp://localhost:{dockerd_tls.tcp_port}",
               "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": str(client),
               "HOME": "/nonexistent"}
    facts = collect(6, environ=environ)
    assert facts.tls is not None and facts.tls.client_cert_accepted is False, facts.tls
    report = build_report(facts)
    by_id = {f.id: f for f in report.findings}
    assert report.headline is not None and report.headline.id == "clock-skew-cert-validity"
    assert "cert.pem expired" in by_id["clock-skew-cert-validity"].summary
    rejected = by_id["tls-client-cert-rejected"]
    assert rejected.status == Status.FAIL
    assert "cert.pem expired" in rejected.summary and "clock-skew-cert-validity" in rejected.summary
    assert "another" not in rejected.summary and "CA's" not in rejected.summary
    assert by_id["tls-unknown-authority"].status == Status.OK  # the same CA signed both
