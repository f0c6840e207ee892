"""The host probe on real files, sockets, permissions and a real small filesystem.

Socket access runs the probe and a real ``connect()`` as an unprivileged user in a child
process, so the check's verdict is compared with what the kernel actually allows.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from dind_doctor.checks.base import REGISTRY, run_all
from dind_doctor.facts import Facts, HostFacts
from dind_doctor.probes.host import client_config, probe_host
from tests.factories import FactsBuilder

SECRET = "dXNlcjpzM2NyM3QtcGFzc3dvcmQ="  # made-up user:password
NOBODY = 65534
OTHER_GID = 64999  # a group nobody is not in

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to chown and drop uid")


def run_check(check_id: str, f: Facts):
    return next((x for x in run_all(f, [c for c in REGISTRY if c.id == check_id])), None)


def test_client_config_lists_registry_names_never_credentials(tmp_path: Path) -> None:
    folder = tmp_path / "docker"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({
        "auths": {"https://index.docker.io/v1/": {"auth": SECRET},
                  "gitlab.example.com:5050": {"auth": SECRET}},
        "credsStore": "pass", "credHelpers": {"123.dkr.ecr.eu-west-1.amazonaws.com": "ecr"}}))
    fact = client_config({"DOCKER_CONFIG": str(folder)}, "/nonexistent")
    assert fact.source == "DOCKER_CONFIG" and fact.file.kind == "file"
    assert fact.auths == ["gitlab.example.com:5050", "https://index.docker.io/v1/"]
    assert fact.creds_store == "pass"
    assert fact.cred_helpers == ["123.dkr.ecr.eu-west-1.amazonaws.com"]
    auth = json.dumps({"auths": {"r.example": {"auth": SECRET}}})
    host = probe_host({"DOCKER_CONFIG": str(folder), "DOCKER_AUTH_CONFIG": auth},
                      "/nonexistent", [])
    assert host.auth_config_registries == ["r.example"]
    facts = FactsBuilder.healthy_tls().build()
    facts.host = host
    assert SECRET not in facts.dumps()


def test_broken_client_config_and_auth_config_are_described(tmp_path: Path) -> None:
    (tmp_path / ".docker").mkdir()
    (tmp_path / ".docker" / "config.json").write_text('{"auths": {"x": {"auth": "' + SECRET)
    host = probe_host({"DOCKER_AUTH_CONFIG": "{" + SECRET}, str(tmp_path), [])
    assert host.client_config is not None
    assert host.client_config.parse_error == "not valid JSON: JSONDecodeError"
    assert host.auth_config_error == "not valid JSON: JSONDecodeError"
    assert SECRET not in json.dumps(host.__dict__, default=str)


def test_missing_client_config(tmp_path: Path) -> None:
    fact = client_config({}, str(tmp_path))
    assert fact.file.kind == "missing" and fact.path == f"{tmp_path}/.docker/config.json"


def test_disk_targets_and_free_space(tmp_path: Path) -> None:
    host = probe_host({"CI_BUILDS_DIR": str(tmp_path), "CI_PROJECT_DIR": str(tmp_path),
                       "HOME": str(tmp_path)}, str(tmp_path), [],
                      docker_root=str(tmp_path / "missing"))
    assert [(d.role, d.path) for d in host.disks] == [
        ("builds dir", str(tmp_path)), ("docker root", str(tmp_path / "missing"))]
    builds, root = host.disks
    st = os.statvfs(tmp_path)
    assert builds.total_bytes == st.f_blocks * st.f_frsize and builds.free_bytes is not None
    assert root.free_bytes is None and root.error


@needs_root
@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare(1)")
def test_a_nearly_full_builds_dir_warns(tmp_path: Path) -> None:
    """A real 600 KiB-free tmpfs (in a private mount namespace) as the builds dir."""
    script = (
        "import sys; from dind_doctor.probes.host import probe_host\n"
        "from dind_doctor.checks.base import REGISTRY, run_all\n"
        "from tests.factories import FactsBuilder\n"
        f"open('{tmp_path}/fill', 'wb').write(b'x' * (15 << 20))\n"
        f"f = FactsBuilder.healthy_tls().build(); f.host = probe_host("
        f"{{'CI_BUILDS_DIR': '{tmp_path}'}}, '/root', [])\n"
        "[x] = run_all(f, [c for c in REGISTRY if c.id == 'disk-space-exhaustion'])\n"
        "print(x.status.value, x.summary)\n")
    result = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c",
         f'mount -t tmpfs -o size=16m tmpfs "{tmp_path}" && exec "$0" -c "$1"',
         sys.executable, script],
        capture_output=True, text=True, timeout=60, cwd=Path(__file__).parents[2])
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("warn The builds dir has less than 1 GiB free"), result.stdout


CHILD = """
import json, os, socket, sys
from dind_doctor.probes.host import probe_host
from dind_doctor.checks.base import REGISTRY, run_all
from dind_doctor.facts import SocketFacts, PathFact
from tests.factories import FactsBuilder
path, groups = sys.argv[1], [int(g) for g in sys.argv[2].split(",") if g]
os.setgroups(groups); os.setgid(65534); os.setuid(65534)
s = socket.socket(socket.AF_UNIX)
try:
    s.connect(path); kernel = "ok"
except PermissionError:
    kernel = "permission-denied"
f = (FactsBuilder.healthy_tls().env(DOCKER_HOST="unix://" + path, DOCKER_TLS_VERIFY=None,
     DOCKER_CERT_PATH=None).build())
f.sockets = [SocketFacts(path=path, file=PathFact(path, kind="socket"), ping="not-probed")]
f.host = probe_host({}, "/nonexistent", [path])
found = [x for x in run_all(f, [c for c in REGISTRY if c.id == "shell-executor-specifics"])]
print(json.dumps({"kernel": kernel, "status": found[0].status.value if found else None,
                  "summary": found[0].summary if found else ""}))
"""


def _as_nobody(path: Path, groups: list[int]) -> dict:
    result = subprocess.run([sys.executable, "-c", CHILD, str(path), ",".join(map(str, groups))],
                            capture_output=True, text=True, timeout=60,
                            cwd=Path(__file__).parents[2])
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def open_dir():
    """A directory every user may traverse (pytest's tmp_path is private to root)."""
    path = Path(tempfile.mkdtemp(prefix="ddoc-sock-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@needs_root
def test_socket_access_matches_what_the_kernel_allows(open_dir: Path) -> None:
    path = open_dir / "docker.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.listen(4)
    try:
        os.chown(path, 0, OTHER_GID)
        path.chmod(0o660)
        outsider = _as_nobody(path, [])
        assert outsider["kernel"] == "permission-denied"
        assert outsider["status"] == "warn", outsider
        assert f"not in group gid {OTHER_GID}" in outsider["summary"] or \
            f"({OTHER_GID})" in outsider["summary"]
        member = _as_nobody(path, [OTHER_GID])
        assert member["kernel"] == "ok"
        assert member["status"] in (None, "ok"), member
        path.chmod(0o666)
        anyone = _as_nobody(path, [])
        assert anyone["kernel"] == "ok" and anyone["status"] in (None, "ok"), anyone
    finally:
        server.close()


def test_host_facts_round_trip(tmp_path: Path) -> None:
    f = FactsBuilder.healthy_tls().build()
    f.host = probe_host({"CI_BUILDS_DIR": str(tmp_path)}, str(tmp_path), ["/nonexistent.sock"])
    again = Facts.from_dict(json.loads(f.dumps()))
    assert isinstance(again.host, HostFacts)
    assert again.host == f.host
