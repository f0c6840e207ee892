"""Daemon and host wordings (old dockerd, util-linux, iptables-nft, the registry ping of docker
1.x) and the context rules for a rootless daemon, a stalled download in a container's shell and
a build proxy that does not resolve, with hosts, paths and versions of their own."""

from __future__ import annotations

import pytest

from dind_doctor.explain import Verdict, explain_log

from .helpers import top_id

WORDINGS = [
    ("inner-daemon-registry-trust",
     "Error response from daemon: invalid registry endpoint https://reg.example:5443/v0/: "
     "unable to ping registry endpoint https://reg.example:5443/v0/\nv2 ping attempt failed "
     "with error: Get https://reg.example:5443/v2/: tls: oversized record received with length "
     "20527"),
    ("inner-daemon-registry-trust",
     "FATA[0000] Error response from daemon: v1 ping attempt failed with error: Get "
     "https://10.9.8.7:5000/v1/_ping: EOF. If this private registry supports only HTTP or HTTPS "
     "with an unknown CA certificate, please add `--insecure-registry 10.9.8.7:5000` to the "
     "daemon's arguments."),
    ("iptables-backend-mismatch",
     "level=error msg=\"Handler for POST /v1.41/networks/create returned error: Failed to "
     "program FILTER chain: iptables failed: iptables --wait -I FORWARD -o br-0123456789ab -j "
     "DOCKER: iptables v1.8.4 (nf_tables):  RULE_INSERT failed (Invalid argument): rule in "
     "chain FORWARD\\n (exit status 4)\""),
    ("missing-kernel-netfilter-modules",
     "level=warning msg=\"Running modprobe nf_nat failed with message: `modprobe: WARNING: "
     "Module nf_nat not found in directory /lib/modules/5.4.0-1\\n`, error: exit status 1\""),
    ("overlay-on-overlay",
     "level=error msg=\"'overlay' not found as a supported filesystem on this host. Please "
     "ensure kernel is new enough and has overlay support loaded.\" storage-driver=overlay2"),
    ("overlay-on-overlay",
     "level=fatal msg=\"Error starting daemon: error initializing graphdriver: prerequisites "
     "for driver not satisfied (wrong filesystem?)\""),
    ("overlay-on-overlay",
     "failed to start daemon: error initializing graphdriver: 'overlay' is not supported over "
     "overlayfs at \"/var/lib/docker/overlay2\": backing file system is unsupported"),
    ("privileged-missing",
     "docker: Error response from daemon: OCI runtime create failed: container_linux.go:349: "
     "starting container process caused \"process_linux.go:297: applying cgroup configuration "
     "for process caused \\\"mkdir /sys/fs/cgroup/memory/docker: read-only file system\\\"\""),
    ("privileged-missing", "mount: /sys/fs/cgroup/devices: cannot mount cgroup read-only."),
    ("privileged-missing", "mount: cannot mount block device cgroup read-only"),
    ("registry-rate-limit", 'Error response from daemon: Head "https://ghcr.io/v2/org/img/'
                            'manifests/1.0": 429 Too Many Requests'),
]


@pytest.mark.parametrize(("expected", "line"), WORDINGS)
def test_a_daemon_or_host_wording_names_its_mode_first(expected: str, line: str) -> None:
    assert top_id(line) == expected


def test_a_cgroup_denied_under_a_rootless_daemon_is_rootless_dind() -> None:
    log = ("$ docker run -d --privileged --name d docker:27-dind-rootless\n"
           "$ docker run --rm --privileged busybox true\n"
           "docker: Error response from daemon: failed to create shim task: OCI runtime create "
           "failed: runc create failed: unable to start container process: error during "
           "container init: applying cgroup configuration for process caused: mkdir "
           "/sys/fs/cgroup/memory/docker: permission denied: unknown.\n")
    assert top_id(log) == "rootless-dind"


def test_a_cgroup_denied_without_a_rootless_daemon_is_not_rootless_dind() -> None:
    log = ("docker: Error response from daemon: OCI runtime create failed: applying cgroup "
           "configuration for process caused: mkdir /sys/fs/cgroup/memory/docker: permission "
           "denied: unknown.\n")
    assert top_id(log) != "rootless-dind"


def test_a_download_that_never_finished_in_a_containers_shell_is_the_mtu() -> None:
    log = ("/ # docker run --rm -it alpine:3.19 sh\n"
           "/ # wget https://downloads.example.org/tool-1.2.3.tar.gz\n"
           "Connecting to downloads.example.org (203.0.113.9:443)\n")
    assert top_id(log) == "mtu-mismatch"


def test_a_finished_download_in_a_containers_shell_is_not_the_mtu() -> None:
    log = ("/ # docker run --rm -it alpine:3.19 sh\n"
           "/ # wget https://downloads.example.org/tool-1.2.3.tar.gz\n"
           "Connecting to downloads.example.org (203.0.113.9:443)\n"
           "saving to 'tool-1.2.3.tar.gz'\n"
           "tool-1.2.3.tar.gz    100% |********************************|  1024k  0:00:00 ETA\n")
    assert top_id(log) != "mtu-mismatch"


@pytest.mark.parametrize("failure", [
    "  Could not resolve 'squid.corp.example'",
    "curl: (5) Could not resolve proxy: squid.corp.example",
    "Temporary failure resolving 'squid.corp.example'",
])
def test_a_build_proxy_its_containers_cannot_resolve_is_the_proxy(failure: str) -> None:
    log = ("$ docker build --build-arg https_proxy=http://squid.corp.example:3128 -t app .\n"
           "Step 2/5 : RUN apt-get update\n ---> Running in 0123456789ab\n" + failure + "\n")
    explanation = explain_log(log)
    assert explanation.verdict is Verdict.DIND_FAILURE
    assert explanation.top is not None and explanation.top.entry.id == "proxy-not-propagated"
