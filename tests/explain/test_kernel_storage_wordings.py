"""Kernel, storage and iptables wordings as other clients and pastes print them."""

from __future__ import annotations

import pytest

from .helpers import top_id


@pytest.mark.parametrize(("expected", "line"), [
    ("cgroup-v2-old-dind", "Error: failed to start containers: web: cgroup mountpoint does not "
                           "exist"),
    ("missing-kernel-netfilter-modules", "Error initializing network controller: failed to "
                                         "create NAT chain DOCKER: iptables v1.4.21: cannot "
                                         "initialise iptables table 'nat' table does not exist"),
    ("iptables-backend-mismatch", "Unable to enable NAT rule: iptables v1.8.7 (nf_tables): "
                                  "Chain 'MASQUERADE' does not exist"),
    ("iptables-backend-mismatch", "# Warning: ip6tables-legacy tables present, use "
                                  "ip6tables-legacy to see them"),
    ("stale-pinned-dind", "make: cp: Operation not permitted"),
    ("storage-driver-vfs-fallback", "DEBU[0000] Using graph driver vfs"),
])
def test_a_wording_names_its_mode_first(expected: str, line: str) -> None:
    assert top_id(line) == expected


def test_an_overlay_mount_error_wrapped_over_lines_is_overlay_on_overlay() -> None:
    log = ('ERROR: process "/bin/sh -c npm ci" did not complete successfully:\n'
           'mount source: "overlay", target: "/var/lib/docker/tmp/buildkit-mount12345",\n'
           'fstype: overlay, flags: 0,\n'
           'data: "workdir=/var/lib/docker/overlay2/abc/work,upperdir=/var/lib/docker/overlay2/'
           'abc/diff,lowerdir=/var/lib/docker/overlay2/l/XYZ",\n'
           'err: invalid argument\n')
    assert top_id(log) == "overlay-on-overlay"


def test_a_wrapped_overlay_mount_refused_for_another_reason_is_no_overlay_on_overlay() -> None:
    log = ('mount source: "overlay", target: "/var/lib/docker/tmp/buildkit-mount12345",\n'
           'fstype: overlay, flags: 0,\n'
           'err: no such device\n')
    assert top_id(log) != "overlay-on-overlay"


def test_vfs_chosen_after_the_overlay_probe_is_the_vfs_fallback() -> None:
    log = ("ERRO[0000] 'overlay' not found as a supported filesystem on this host. Please ensure "
           "kernel is new enough and has overlay support loaded.\n"
           "DEBU[0000] Using graph driver vfs\n"
           "DEBU[0000] Creating images graph\n")
    assert top_id(log) == "storage-driver-vfs-fallback"


def test_the_overlay_probe_alone_still_names_overlay() -> None:
    log = ("ERRO[0000] 'overlay' not found as a supported filesystem on this host. Please ensure "
           "kernel is new enough and has overlay support loaded.\n"
           "INFO[0000] Loading containers: start.\n")
    assert top_id(log) == "overlay-on-overlay"


CERTS = ("Generating RSA private key, 4096 bit long modulus\n"
         "Signature ok\nsubject=CN = docker:dind server\nGetting CA Private Key\n"
         "/certs/server/cert.pem: OK\n"
         "Signature ok\nsubject=CN = docker:dind client\nGetting CA Private Key\n"
         "/certs/client/cert.pem: OK\n")


def test_sed_write_error_after_the_dind_entrypoints_certificates_is_cgroup_v2() -> None:
    assert top_id(CERTS + "sed: write error\n") == "cgroup-v2-old-dind"


def test_sed_write_error_alone_names_nothing() -> None:
    log = "$ sed -i s/a/b/ big.txt > /dev/full\nsed: write error\nERROR: Job failed: exit code 4\n"
    assert top_id(log) is None


def test_nft_unsupported_on_a_hosts_own_dockerd_is_the_kernel() -> None:
    log = ('Mar 02 10:00:01 board systemd[1]: Starting Docker Application Container Engine...\n'
           'Mar 02 10:00:02 board dockerd[812]: failed to start daemon: Error initializing '
           'network controller: error obtaining controller instance: failed to create NAT chain '
           'DOCKER: iptables failed: iptables -t nat -N DOCKER: iptables/1.8.9 Failed to '
           'initialize nft: Protocol not supported\n')
    assert top_id(log) == "missing-kernel-netfilter-modules"


def test_nft_unsupported_in_a_dind_service_stays_the_backend() -> None:
    log = ('time="2024-01-10T10:00:00Z" level=warning msg="Running iptables --wait -t nat -L -n '
           'failed with message: `iptables/1.8.10 Failed to initialize nft: Protocol not '
           'supported`, error: exit status 1"\n')
    assert top_id(log) == "iptables-backend-mismatch"


def test_a_stable_dind_service_that_fails_next_to_a_pinned_one_is_the_floating_tag() -> None:
    log = ("services:\n  - name: docker:stable-dind\n"
           "ERROR: Preparation failed: Cannot connect to the Docker daemon at unix:///var/run/"
           "docker.sock. Is the docker daemon running? (executor_docker.go:1150:0s)\n"
           "services:\n  - name: docker:19.03.12-dind\n")
    assert top_id(log) == "floating-tag-breakage"
