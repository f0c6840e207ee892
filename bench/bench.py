"""Benchmark: `dind-doctor --json` next to the commands a person types by hand.

Runs, on this machine, one after the other:
  (a) a healthy TLS dockerd (dind-style certificates) on loopback;
  (b) an endpoint whose port accepts and never answers.
For each: the median wall time of `dind-doctor --json` over N runs and its peak RSS,
next to the manual sequence (env, getent hosts, a TCP connect to 2375 and 2376,
openssl s_client, docker info, docker-compose version) run command after command.

Usage:  .venv/bin/python bench/bench.py [--runs 5] [--json results.json]
Needs root and dockerd (the same prerequisites as the real-dockerd tests).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.certs import make_dind_certs  # noqa: E402
from tests.support.dockerd import BlackHole, Dockerd  # noqa: E402
from tests.tui.first_paint import measure_first_paint  # noqa: E402

TOOL = [sys.executable, "-m", "dind_doctor"]
DEADLINE = 8.0


def timed(argv: list[str], env: dict[str, str], timeout: float = 60) -> tuple[float, int, int]:
    """Wall seconds, exit code and peak RSS (KiB) of one command."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL)
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        if proc.poll() is None:
            proc.kill()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - started, proc.returncode, usage.ru_maxrss


def manual_sequence(host: str, port: int, env: dict[str, str]) -> list[list[str]]:
    cert = env.get("DOCKER_CERT_PATH", "/certs/client")
    tcp = "timeout 3 bash -c '</dev/tcp/{h}/{p}' 2>/dev/null; true"
    return [
        ["sh", "-c", "env | grep -E '^DOCKER_' || true"],
        ["sh", "-c", f"getent hosts {host} || true"],
        ["bash", "-c", tcp.format(h=host, p=2375)],
        ["bash", "-c", tcp.format(h=host, p=2376)],
        ["sh", "-c", f"timeout 10 openssl s_client -connect {host}:{port} -CAfile {cert}/ca.pem "
                     f"-cert {cert}/cert.pem -key {cert}/key.pem </dev/null || true"],
        ["sh", "-c", "timeout 30 docker info || true"],
        ["sh", "-c", "docker-compose version || docker compose version || true"],
    ]


def measure(name: str, env: dict[str, str], host: str, port: int, runs: int) -> dict:
    tool = [timed([*TOOL, "--json", "--timeout", str(DEADLINE)], env) for _ in range(runs)]
    manual = []
    for _ in range(runs):
        total = 0.0
        for argv in manual_sequence(host, port, env):
            total += timed(argv, env)[0]
        manual.append(total)
    return {
        "scenario": name,
        "tool_median_s": round(statistics.median(t[0] for t in tool), 3),
        "tool_max_s": round(max(t[0] for t in tool), 3),
        "tool_exit_codes": sorted({t[1] for t in tool}),
        "tool_peak_rss_mb": round(max(t[2] for t in tool) / 1024, 1),
        "manual_median_s": round(statistics.median(manual), 3),
        "deadline_s": DEADLINE,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args()
    base = {k: v for k, v in os.environ.items()
            if not k.startswith("DOCKER_") and k not in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")}
    results = []
    workdir = Path(tempfile.mkdtemp(prefix="dind-doctor-bench-"))
    daemon = Dockerd(tcp="tls", certs=make_dind_certs(workdir / "certs"), name="bench")
    try:
        daemon.start(timeout=60)
        env = {**base, **daemon.certs.client_env(f"tcp://localhost:{daemon.tcp_port}")}
        results.append(measure("(a) healthy TLS daemon", env, "localhost", daemon.tcp_port,
                               args.runs))
    finally:
        daemon.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    with BlackHole() as hole:
        env = {**base, "DOCKER_HOST": f"tcp://127.0.0.1:{hole.port}"}
        results.append(measure("(b) port accepts, never answers", env, "127.0.0.1", hole.port,
                               args.runs))
    print("| scenario | dind-doctor --json (median / max) | peak RSS | manual sequence |")
    print("|---|---|---|---|")
    for r in results:
        print(f"| {r['scenario']} | {r['tool_median_s']:.2f} s / {r['tool_max_s']:.2f} s | "
              f"{r['tool_peak_rss_mb']:.0f} MB | {r['manual_median_s']:.2f} s |")
    paint = measure_first_paint(args.runs)
    print(f"\nTUI time to first paint (median of {args.runs}, fresh interpreter): {paint:.2f} s")
    if args.json:
        payload = {"scenarios": results, "tui_first_paint_s": round(paint, 3)}
        Path(args.json).write_text(json.dumps(payload, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
