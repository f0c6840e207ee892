"""Benchmark: `dind-doctor` next to the commands a person types by hand, in paired runs.

Scenarios, on this machine:
  (a) a healthy TLS dockerd (dind-style certificates) on loopback;
  (b) a healthy plain-TCP dockerd on loopback;
  (c) an endpoint whose port accepts and never answers (the hang case).
For (a) and (b), `dind-doctor --json` and `--text` alternate with the manual sequence,
A B A B ...: env, getent hosts, a TCP connect to the endpoint port, 2375 and 2376, ls of
the cert dir, openssl x509 and s_client (TLS only), docker info, docker-compose version and
docker compose version, one command after the other. Each pair gives a ratio (tool / manual);
its median is the figure to quote, since the machine's speed drifts between pairs. A third
row per scenario pairs the floor (the interpreter importing only the standard-library modules
the probes need) with the same sequence. Peak RSS is that of the largest process (for
dind-doctor the `docker version` it runs, or itself). For (c) the tool must finish within its
deadline plus 0.5 s.

The package is byte-compiled first, as a pip install does, so no run pays for compiling.

Usage:  .venv/bin/python bench/bench.py [--runs 7] [--json results.json] [--no-tui]
Needs root and dockerd (the same prerequisites as the real-dockerd tests).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.certs import make_dind_certs  # noqa: E402
from tests.support.dockerd import BlackHole, Dockerd  # noqa: E402

import dind_doctor  # noqa: E402

TOOL = [sys.executable, "-m", "dind_doctor"]
DEADLINE = 8.0
# the interpreter and the standard-library modules the probes cannot do without: what any
# Python implementation of the diagnosis pays before its first line runs (ssl: TLS only)
FLOOR = "socket, threading, subprocess, argparse, json"
FLOOR_TLS = FLOOR + ", ssl"
HANG_SLACK = 0.5


@dataclass
class Run:
    wall: float
    code: int
    rss_kib: int


GNU_TIME = shutil.which("time", path="/usr/bin:/bin")


def timed(argv: list[str], env: dict[str, str], timeout: float = 60) -> Run:
    """Wall seconds, exit code and peak RSS (KiB) of one command (the largest of its
    processes). The RSS comes from GNU time when there is one: a child forked from this
    (larger) Python process would report this process's RSS as its own peak."""
    with tempfile.NamedTemporaryFile("r", prefix="bench-rss-") as rss:
        wrapped = [GNU_TIME, "-q", "-f", "%M", "-o", rss.name, *argv] if GNU_TIME else argv
        started = time.perf_counter()
        proc = subprocess.Popen(wrapped, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            if proc.poll() is None:
                proc.kill()
        wall = time.perf_counter() - started
        text = rss.read().strip().splitlines()
    peak = int(text[-1]) if GNU_TIME and text and text[-1].isdigit() else usage.ru_maxrss
    return Run(wall, os.waitstatus_to_exitcode(status), peak)


def manual_sequence(host: str, port: int, env: dict[str, str], tls: bool) -> list[list[str]]:
    cert = env.get("DOCKER_CERT_PATH", "/certs/client")
    tcp = "timeout 3 bash -c '</dev/tcp/{h}/{p}' 2>/dev/null; true"
    steps = [
        ["sh", "-c", "env | grep -E '^DOCKER_' || true"],
        ["sh", "-c", f"getent hosts {host} || true"],
        *(["bash", "-c", tcp.format(h=host, p=p)] for p in (port, 2375, 2376)),
        ["sh", "-c", f"ls -l {cert} || true"],
    ]
    if tls:
        steps += [
            ["sh", "-c", f"openssl x509 -in {cert}/cert.pem -noout -subject -issuer -dates "
                         "-ext subjectAltName || true"],
            ["sh", "-c", f"timeout 10 openssl s_client -connect {host}:{port} "
                         f"-CAfile {cert}/ca.pem -cert {cert}/cert.pem -key {cert}/key.pem "
                         "</dev/null || true"],
        ]
    steps += [
        ["sh", "-c", "timeout 30 docker info || true"],
        ["sh", "-c", "docker-compose version || true"],
        ["sh", "-c", "docker compose version || true"],
    ]
    return steps


def manual(steps: list[list[str]], env: dict[str, str]) -> Run:
    """The sequence as one sample: summed wall time, the largest process's RSS."""
    runs = [timed(argv, env) for argv in steps]
    return Run(sum(r.wall for r in runs), 0, max(r.rss_kib for r in runs))


@dataclass
class Paired:
    scenario: str
    tool: list[Run] = field(default_factory=list)
    manual: list[Run] = field(default_factory=list)

    def row(self) -> dict:
        ratios = sorted(t.wall / m.wall for t, m in zip(self.tool, self.manual, strict=True))
        return {
            "scenario": self.scenario,
            "tool_median_s": round(statistics.median(r.wall for r in self.tool), 3),
            "manual_median_s": round(statistics.median(r.wall for r in self.manual), 3),
            "ratio_median": round(statistics.median(ratios), 2),
            "ratio_min": round(ratios[0], 2), "ratio_max": round(ratios[-1], 2),
            "tool_peak_rss_mb": round(max(r.rss_kib for r in self.tool) / 1024, 1),
            "manual_peak_rss_mb": round(max(r.rss_kib for r in self.manual) / 1024, 1),
            "tool_exit_codes": sorted({r.code for r in self.tool}),
            "pairs": len(ratios),
        }


def paired(scenario: str, argv: list[str], env: dict[str, str], host: str, port: int,
           tls: bool, runs: int) -> Paired:
    steps = manual_sequence(host, port, env, tls)
    timed(argv, env), manual(steps, env)  # warm-up: page cache, dockerd's first answers
    result = Paired(scenario)
    for _ in range(runs):  # A B A B ...
        result.tool.append(timed(argv, env))
        result.manual.append(manual(steps, env))
    return result


def hang(env: dict[str, str], runs: int) -> dict:
    tool = [timed([*TOOL, "--json", "-q", "--timeout", str(DEADLINE)], env) for _ in range(runs)]
    steps = manual_sequence("127.0.0.1", int(env["DOCKER_HOST"].rsplit(":", 1)[1]), env,
                            tls=False)
    slowest = max(r.wall for r in tool)
    return {
        "scenario": "(c) port accepts, never answers",
        "tool_median_s": round(statistics.median(r.wall for r in tool), 3),
        "tool_max_s": round(slowest, 3),
        "deadline_s": DEADLINE,
        "within_deadline": slowest <= DEADLINE + HANG_SLACK,
        "tool_peak_rss_mb": round(max(r.rss_kib for r in tool) / 1024, 1),
        "manual_s": round(manual(steps, env).wall, 2),
        "tool_exit_codes": sorted({r.code for r in tool}),
    }


def explain_speed(workdir: Path, runs: int) -> list[dict]:
    """``dind-doctor explain`` as a user runs it, on a short real excerpt and on a 4 MiB log of
    distinct build-log lines that ends on the failure (tests/explain/helpers.big_log)."""
    from tests.explain.helpers import LOGS, big_log

    big = workdir / "big.log"
    big.write_text(big_log())
    rows = []
    for label, path in (("short log (one real excerpt)", LOGS / "alias-gitlab-com-cli29.log"),
                        ("4 MiB log, distinct lines", big)):
        walls = [timed([*TOOL, "explain", "--json", str(path)], dict(os.environ)).wall
                 for _ in range(runs)]
        rows.append({"scenario": f"`dind-doctor explain`, {label}",
                     "median_s": round(statistics.median(walls), 2),
                     "max_s": round(max(walls), 2)})
    return rows


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="pairs per scenario (default 7)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--no-tui", action="store_true", help="skip the first-paint timing")
    args = parser.parse_args()
    compileall.compile_dir(str(Path(dind_doctor.__file__).parent), quiet=1)
    base = {k: v for k, v in os.environ.items()
            if not k.startswith("DOCKER_") and k not in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")}
    print(f"before: {load()}", file=sys.stderr)
    rows: list[dict] = []
    workdir = Path(tempfile.mkdtemp(prefix="dind-doctor-bench-"))
    tls = Dockerd(tcp="tls", certs=make_dind_certs(workdir / "certs"), name="bench-tls")
    plain = Dockerd(tcp="plain", name="bench-plain")
    try:
        tls.start(timeout=60)
        plain.start(timeout=60)
        tls_env = {**base, **tls.certs.client_env(f"tcp://localhost:{tls.tcp_port}")}
        plain_env = {**base, "DOCKER_HOST": f"tcp://127.0.0.1:{plain.tcp_port}"}
        for label, env, host, port, is_tls in (
                ("(a) healthy TLS daemon", tls_env, "localhost", tls.tcp_port, True),
                ("(b) healthy plain daemon", plain_env, "127.0.0.1", plain.tcp_port, False)):
            for output in ("--json", "--text"):
                argv = [*TOOL, output, "-q", "--timeout", str(DEADLINE)]
                rows.append(paired(f"{label}, `dind-doctor {output}`", argv, env, host, port,
                                   is_tls, args.runs).row())
            floor = FLOOR_TLS if is_tls else FLOOR
            rows.append(paired(f"{label}, floor: `python -c 'import {floor}'`",
                               [sys.executable, "-c", f"import {floor}"], env, host, port,
                               is_tls, args.runs).row())
    finally:
        tls.stop()
        plain.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    with BlackHole() as hole:
        hung = hang({**base, "DOCKER_HOST": f"tcp://127.0.0.1:{hole.port}"}, min(args.runs, 3))
    scratch = Path(tempfile.mkdtemp(prefix="dind-doctor-bench-"))
    try:
        explained = explain_speed(scratch, min(args.runs, 3))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"after: {load()}", file=sys.stderr)

    print("| scenario | dind-doctor (median) | manual sequence (median) | ratio, median "
          "(min–max of pairs) | peak RSS: dind-doctor / manual |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['scenario']} | {r['tool_median_s']:.3f} s | {r['manual_median_s']:.3f} s | "
              f"**{r['ratio_median']:.2f}×** ({r['ratio_min']:.2f}–{r['ratio_max']:.2f}) | "
              f"{r['tool_peak_rss_mb']:.0f} MB / {r['manual_peak_rss_mb']:.0f} MB |")
    print(f"| {hung['scenario']}, `dind-doctor --json` (deadline {DEADLINE:g} s) | "
          f"{hung['tool_median_s']:.2f} s "
          f"(max {hung['tool_max_s']:.2f} s) | {hung['manual_s']:.2f} s | — | "
          f"{hung['tool_peak_rss_mb']:.0f} MB / — |")
    for row in explained:
        print(f"| {row['scenario']} | {row['median_s']:.2f} s (max {row['max_s']:.2f} s) "
              "| — | — | — |")
    print(f"\n{rows[0]['pairs']} pairs per healthy row; "
          f"hang case within deadline + {HANG_SLACK:g} s: {hung['within_deadline']}")
    paint = None
    if not args.no_tui:
        from tests.tui.first_paint import measure_first_paint

        paint = measure_first_paint(args.runs)
        print(f"TUI time to first paint (median of {args.runs}, fresh interpreter): "
              f"{paint:.2f} s")
    if args.json:
        payload = {"healthy": rows, "hang": hung, "explain": explained,
                   "tui_first_paint_s": paint,
                   "load": load()}
        Path(args.json).write_text(json.dumps(payload, indent=2) + "\n")
    return 0 if hung["within_deadline"] else 1


if __name__ == "__main__":
    sys.exit(main())
