"""``$CI_REGISTRY`` probed from the job, against real registry stand-ins.

A registry outside 127.0.0.0/8 is needed (dockerd treats loopback registries as insecure), so
the servers and the probe run in a private network namespace whose loopback device also
carries 10.99.0.1 (``unshare --net``): nothing leaves the machine. The daemon side is the real
``/info`` captured from dockerd 20.10 (``tests/data/info``), unedited.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dind_doctor.probes.registry import split_registry

ROOT = Path(__file__).parents[2]

needs_netns = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("unshare") is None or shutil.which("ip") is None,
    reason="needs root, unshare(1) and ip(8) for a private network namespace")

CHILD = r"""
import http.server, json, ssl, sys, threading
from pathlib import Path
from dind_doctor.checks.base import REGISTRY, run_all
from dind_doctor.probes.bounded import Deadline
from dind_doctor.probes.registry import probe_registry
from tests.factories import FactsBuilder

mode, certdir = sys.argv[1], sys.argv[2]

class Registry(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("10.99.0.1", 5050), Registry)
if mode == "tls":
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(f"{certdir}/server/cert.pem", f"{certdir}/server/key.pem")
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
probed = probe_registry("10.99.0.1:5050", Deadline(8))
info = json.loads(Path("tests/data/info/dockerd-20.10-plain.json").read_text())
facts = FactsBuilder.healthy_tls().env(CI_REGISTRY="10.99.0.1:5050").build()
facts.api.info = {k: info[k] for k in ("ServerVersion", "Driver", "RegistryConfig")}
facts.registry = probed
found = (run_all(facts, [c for c in REGISTRY if c.id == "inner-daemon-registry-trust"])
         or [None])[0]
print(json.dumps({"protocol": probed.port.protocol, "verified": probed.verified,
                  "status": found and found.status.value,
                  "summary": found and found.summary}))
server.shutdown()
"""

SETUP = ("ip link set lo up && ip addr add 10.99.0.1/32 dev lo "
         "&& exec \"$0\" -c \"$1\" \"$2\" \"$3\"")


def run_in_netns(mode: str, certdir: str = "") -> dict:
    result = subprocess.run(["unshare", "--net", "sh", "-c", SETUP, sys.executable, CHILD,
                             mode, certdir], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@needs_netns
def test_plain_http_registry_the_daemon_thinks_secure_warns() -> None:
    got = run_in_netns("http")
    assert got["protocol"] == "http"
    assert got["status"] == "warn"
    assert "server gave HTTP response to HTTPS client" in got["summary"]


@needs_netns
def test_registry_with_a_private_ca_is_a_notice(tmp_path: Path) -> None:
    from tests.support.certs import make_dind_certs

    certs = make_dind_certs(tmp_path / "certs", sans=["10.99.0.1"])
    got = run_in_netns("tls", str(certs.root))
    assert got["protocol"] == "tls" and got["verified"] is False
    assert got["status"] == "info" and "rejects" in got["summary"]


@pytest.mark.parametrize(("registry", "split"), [
    ("registry.gitlab.com", ("registry.gitlab.com", 443)),
    ("gitlab.example.com:5050", ("gitlab.example.com", 5050)),
    ("[fd00::1]:5000", ("fd00::1", 5000)),
])
def test_split_registry(registry: str, split: tuple[str, int]) -> None:
    assert split_registry(registry) == split
