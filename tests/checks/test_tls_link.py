"""TLS link: cert directory, cert files, CA, SAN, validity window, client cert acceptance."""

from __future__ import annotations

from dind_doctor.facts import PathFact
from dind_doctor.model import Status
from tests.checks.outcome import LATER_THAN_TLS, assert_blocked, evidence, findings, status
from tests.factories import CERTS_WRITTEN, JOB_STARTED, FactsBuilder

TLS_IDS = ("certs-client-not-shared", "tls-cert-files-invalid", "tls-unknown-authority",
           "tls-san-mismatch-custom-alias", "clock-skew-cert-validity",
           "tls-client-cert-rejected")


def test_healthy_tls_passes_every_tls_check_and_plain_has_none() -> None:
    found = findings(FactsBuilder.healthy_tls())
    assert {i: found[i].status for i in TLS_IDS} == dict.fromkeys(TLS_IDS, Status.OK)
    plain = findings(FactsBuilder.healthy_plain())
    assert not set(TLS_IDS) & set(plain)


def test_missing_cert_dir_fails_and_blocks_the_rest_of_tls() -> None:
    found = findings(FactsBuilder.healthy_tls().without_client_certs())
    missing = found["certs-client-not-shared"]
    assert missing.status == Status.FAIL
    assert "does not exist" in missing.summary
    assert '"/certs/client"' in missing.fix and "empty_dir" in missing.fix
    assert_blocked(found, [*TLS_IDS[1:], *LATER_THAN_TLS], by="certs-client-not-shared")


def test_empty_and_incomplete_cert_dirs_fail() -> None:
    builder = FactsBuilder.healthy_tls().without_client_certs()
    assert builder.facts.certs is not None
    builder.facts.certs.dir = PathFact("/certs/client", "dir", readable=True)
    assert "is empty" in findings(builder)["certs-client-not-shared"].summary
    partial = FactsBuilder.healthy_tls().cert_file("key", file_kind="missing")
    found = findings(partial)["certs-client-not-shared"]
    assert found.status == Status.FAIL and "key.pem" in found.summary
    assert "silently" in found.summary
    no_ca = FactsBuilder.healthy_tls().cert_file("ca", file_size=0)
    assert "could not read CA" in findings(no_ca)["certs-client-not-shared"].summary


def test_garbage_pem_fails() -> None:
    builder = FactsBuilder.healthy_tls().cert_file(
        "cert", parsed=False, parse_error="no PEM data found", cert=None)
    found = findings(builder)
    invalid = found["tls-cert-files-invalid"]
    assert invalid.status == Status.FAIL and "no PEM data found" in invalid.summary
    assert_blocked(found, ["tls-unknown-authority", "daemon-api"], by="tls-cert-files-invalid")


def test_unreadable_key_and_mismatched_pair_fail() -> None:
    unreadable = FactsBuilder.healthy_tls().cert_file("key", file_readable=False,
                                                      file_mode="0600")
    assert "key.pem is not readable" in findings(unreadable)["tls-cert-files-invalid"].summary
    pair = FactsBuilder.healthy_tls().certs(key_matches_cert=False, cert_signed_by_ca=False)
    summary = findings(pair)["tls-cert-files-invalid"].summary
    assert "key.pem is not the key of cert.pem" in summary
    assert "cert.pem was not issued by ca.pem" in summary


def test_cert_file_evidence_never_holds_key_material() -> None:
    found = findings(FactsBuilder.healthy_tls())["tls-cert-files-invalid"]
    assert "PRIVATE KEY" not in str(found.to_dict())
    assert "RSA 4096 key" in evidence(found)["key.pem"]


def test_ca_written_just_before_the_job_is_not_called_stale() -> None:
    """dind writes ca.pem seconds before the job container starts: that is not 'stale'."""
    builder = (FactsBuilder.healthy_tls().certs(server_signed_by_ca=False)
               .tls(verify_error="unknown-authority"))
    unknown = findings(builder)["tls-unknown-authority"]
    assert unknown.status == Status.FAIL and "earlier dind" not in unknown.summary


def test_stale_ca_from_another_dind_fails_unknown_authority() -> None:
    builder = (FactsBuilder.healthy_tls().certs(server_signed_by_ca=False)
               .tls(verify_error="unknown-authority", client_cert_accepted=False)
               .cert_file("ca", file_mtime=JOB_STARTED - 86400))
    found = findings(builder)
    unknown = found["tls-unknown-authority"]
    assert unknown.status == Status.FAIL
    assert "1440 min before the job container started" in unknown.summary
    assert "per-job" in unknown.fix
    assert_blocked(found, ["tls-client-cert-rejected", "daemon-api"], by="tls-unknown-authority")


def test_other_verification_errors_are_reported_under_their_own_title() -> None:
    builder = FactsBuilder.healthy_tls().tls(verify_error="error: CA cert does not include key "
                                                          "usage extension")
    found = findings(builder)["tls-unknown-authority"]
    assert found.status == Status.FAIL and found.title == "TLS verification failed"
    assert "key usage" in found.summary


def test_server_cert_issued_by_ca_is_ok() -> None:
    found = findings(FactsBuilder.healthy_tls())["tls-unknown-authority"]
    assert found.status == Status.OK and evidence(found)["ca.pem written"] == "2026-06-01T11:57:30Z"
    assert CERTS_WRITTEN < JOB_STARTED


def test_custom_alias_not_in_sans_fails() -> None:
    builder = (FactsBuilder.healthy_tls().env(DOCKER_HOST="tcp://dind:2376").host("dind")
               .tls(verify_error="hostname-mismatch"))
    found = findings(builder)["tls-san-mismatch-custom-alias"]
    assert found.status == Status.FAIL
    assert 'DOCKER_TLS_SAN: "DNS:dind"' in found.fix
    assert "not dind" in found.summary


def test_san_is_judged_from_the_cert_even_without_verify_error() -> None:
    builder = FactsBuilder.healthy_tls().server_cert(sans_dns=["f3a1c2b4d5e6", "localhost"])
    assert status(builder, "tls-san-mismatch-custom-alias") == Status.FAIL


def test_dialled_ip_is_checked_against_ip_sans() -> None:
    ok = FactsBuilder.healthy_tls().env(DOCKER_HOST="tcp://172.17.0.3:2376").host("172.17.0.3")
    assert status(ok, "tls-san-mismatch-custom-alias") == Status.OK
    other = FactsBuilder.healthy_tls().env(DOCKER_HOST="tcp://172.17.0.9:2376").host(
        "172.17.0.9")
    found = findings(other)["tls-san-mismatch-custom-alias"]
    assert found.status == Status.FAIL and "Dialling an IP" in found.summary


def test_wildcard_san_matches_one_label() -> None:
    builder = (FactsBuilder.healthy_tls().env(DOCKER_HOST="tcp://dind.ci.internal:2376")
               .host("dind.ci.internal").server_cert(sans_dns=["*.ci.internal"]))
    assert status(builder, "tls-san-mismatch-custom-alias") == Status.OK
    builder.server_cert(sans_dns=["*.internal"])
    assert status(builder, "tls-san-mismatch-custom-alias") == Status.FAIL


def test_certificates_from_the_future_point_at_the_clock() -> None:
    builder = FactsBuilder.healthy_tls().all_certs_valid("2026-06-01T14:30:00Z",
                                                         "2028-09-04T14:30:00Z")
    found = findings(builder)["clock-skew-cert-validity"]
    assert found.status == Status.FAIL
    assert "not valid yet" in found.summary and "2.5 h" in found.summary
    assert "NTP" in found.fix


def test_expired_certificate_fails_with_rotation_fix() -> None:
    builder = FactsBuilder.healthy_tls().server_cert(not_before="2024-01-01T00:00:00+00:00",
                                                     not_after="2026-05-01T00:00:00+00:00")
    found = findings(builder)["clock-skew-cert-validity"]
    assert found.status == Status.FAIL
    assert "Server cert expired 31.5 days" in found.summary and "Rotate" in found.fix


def test_validity_is_judged_against_collected_at_not_the_wall_clock() -> None:
    builder = FactsBuilder.healthy_tls().all_certs_valid("2020-01-01T00:00:00Z",
                                                         "2020-12-31T00:00:00Z")
    builder.facts.collected_at = "2020-06-01T00:00:00+00:00"
    assert status(builder, "clock-skew-cert-validity") == Status.OK


def test_rejected_client_cert_fails_and_says_only_what_the_facts_show() -> None:
    found = findings(FactsBuilder.healthy_tls().tls(
        client_cert_accepted=False, response="SSLV3_ALERT_BAD_CERTIFICATE (SSL)"))
    rejected = found["tls-client-cert-rejected"]
    assert rejected.status == Status.FAIL and "BAD_CERTIFICATE" in rejected.summary
    assert "do not show why" in rejected.summary and "another dind" not in rejected.summary
    assert "issued by ca.pem" in rejected.summary
    assert_blocked(found, LATER_THAN_TLS, by="tls-client-cert-rejected")


def test_rejected_client_cert_of_another_issuer_names_both_issuers() -> None:
    builder = FactsBuilder.healthy_tls().tls(client_cert_accepted=False)
    assert builder.facts.certs is not None and builder.facts.certs.cert.cert is not None
    builder.facts.certs.cert.cert.issuer = "CN=corporate CA"
    rejected = findings(builder)["tls-client-cert-rejected"]
    assert "issued by CN=corporate CA" in rejected.summary
    assert "CN=docker:dind CA" in rejected.summary


def test_client_cert_not_sent_points_at_sharing() -> None:
    builder = FactsBuilder.healthy_tls().tls(client_cert_sent=False, client_cert_accepted=False)
    assert "none was sent" in findings(builder)["tls-client-cert-rejected"].summary


def test_failed_handshake_is_reported_with_its_own_title() -> None:
    builder = FactsBuilder.healthy_tls().tls(handshake_ok=False, timed_out=True,
                                             client_cert_accepted=None, server_cert=None,
                                             error="handshake timed out")
    found = findings(builder)["tls-client-cert-rejected"]
    assert found.status == Status.FAIL and found.title == "TLS handshake failed"
    assert "MTU" in found.fix


def test_tls_probe_failure_is_error() -> None:
    found = findings(FactsBuilder.healthy_tls().probe_failed("tls", "crashed"))
    assert found["tls-unknown-authority"].status == Status.ERROR
    assert_blocked(found, ["tls-client-cert-rejected", "daemon-api"], by="tls-unknown-authority")


def test_certs_probe_failure_is_error() -> None:
    found = findings(FactsBuilder.healthy_tls().probe_failed("certs", "crashed"))
    assert found["certs-client-not-shared"].status == Status.ERROR
    assert_blocked(found, ["tls-cert-files-invalid", "daemon-api"], by="certs-client-not-shared")
