"""``dind-doctor explain`` as a user runs it: files, stdin, JSON, exit codes, redaction, size."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time

from dind_doctor.explain import explain_log
from dind_doctor.explain.present import explanation_dict, render_explanation

from .helpers import LOGS, big_log, read

ENV = {**os.environ, "NO_COLOR": "1"}


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dind_doctor", "explain", *args], input=stdin,
                          capture_output=True, text=True, env=ENV, timeout=60, check=False)


def test_a_dind_failure_exits_1_and_names_the_mode_and_the_fix():
    proc = run(str(LOGS / "tls-2375-docker-info-cli28.log"), "--text")
    assert proc.returncode == 1, proc.stderr
    assert "[daemon-tls-client-plain-2375]" in proc.stdout.split("\n\n")[1]
    assert "Fix:" in proc.stdout and "/certs/client" in proc.stdout


def test_json_is_one_object_with_the_ranked_candidates():
    proc = run("--json", str(LOGS / "privileged-block-cli29.log"))
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert data["verdict"] == "dind-failure" and data["exit_code"] == 1
    top = data["candidates"][0]
    assert top["id"] == "privileged-missing"
    assert any(e["origin"] == "service" for e in top["evidence"])
    assert top["fix"]["steps"] and top["fix"]["path"][-1] == top["fix"]["title"]
    assert data["service_warnings"][0]["health_check_error"]


def test_stdin_and_a_pasted_line():
    proc = run("-", stdin="Cannot connect to the Docker daemon at unix:///var/run/docker.sock. "
                          "Is the docker daemon running?\n")
    assert proc.returncode == 1
    assert "[docker-host-unset-unix-socket]" in proc.stdout


def test_success_and_non_dind_failures_exit_0_and_say_so_plainly():
    ok = run(str(LOGS / "success-tls.log"))
    assert ok.returncode == 0 and ok.stdout.startswith("The job succeeded")
    other = run(str(LOGS / "not-dind-npm-test.log"))
    assert other.returncode == 0
    assert other.stdout.startswith("Not a Docker-in-Docker problem: the tests failed.")
    assert "npm ERR! Test failed." in other.stdout


def test_a_missing_file_is_a_usage_error(tmp_path):
    proc = run(str(tmp_path / "nope.log"))
    assert proc.returncode == 2 and "cannot read" in proc.stderr and not proc.stdout


def test_secrets_in_the_log_never_reach_the_output():
    canaries = ("glrt-CANARYrunnertoken123", "CANARYpassw0rd", "CANARYjwt.payload.sig")
    log = read("tls-2375-docker-info-cli28.log").replace(
        "ERROR: Cannot connect",
        f"CI_REGISTRY_PASSWORD={canaries[1]} CI_JOB_JWT_V2: {canaries[2]} "
        f"https://u:{canaries[1]}@docker:2375 {canaries[0]} ERROR: Cannot connect")
    expl = explain_log(log)
    assert expl.top is not None  # the line still matched
    outputs = (render_explanation(expl), json.dumps(explanation_dict(expl)))
    for text in outputs:
        for canary in canaries:
            assert canary not in text


def test_a_4_mib_log_is_explained_and_ends_on_its_failure():
    """A guard against work that grows faster than the log (it once grew quadratically), not
    a speed figure: bench/bench.py reports how long explain takes."""
    big = big_log()
    start = time.perf_counter()
    expl = explain_log(big)
    elapsed = time.perf_counter() - start
    print(f"\nexplain: {len(big) / 2**20:.1f} MiB, {big.count(chr(10))} lines in {elapsed:.2f}s")
    assert expl.top is not None and expl.top.entry.id == "alias-unresolvable"
    assert elapsed < 120


def test_one_ctrl_d_ends_a_paste_on_a_terminal():
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "dind_doctor", "explain", "--text"],
                            stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    os.close(slave)
    try:
        ready, _, _ = select.select([proc.stderr], [], [], 30)
        assert ready and b"Ctrl-D" in os.read(proc.stderr.fileno(), 4096)  # it reads the tty
        os.write(master, b"Cannot connect to the Docker daemon at unix:///var/run/docker.sock. "
                         b"Is the docker daemon running?\n")
        os.write(master, b"\x04")  # once, at the start of a line
        out, _ = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
        os.close(master)
    assert proc.returncode == 1
    assert b"[docker-host-unset-unix-socket]" in out
