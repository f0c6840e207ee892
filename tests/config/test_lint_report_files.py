"""`lint` writes the same GitLab report files as the diagnosis."""

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data" / "config"


def test_lint_writes_junit_codequality_and_markdown(tmp_path):
    ci = DATA / "ci" / "tls-2375.yml"
    junit, quality, markdown = tmp_path / "j.xml", tmp_path / "cq.json", tmp_path / "r.md"
    proc = subprocess.run(
        [sys.executable, "-m", "dind_doctor", "lint", "--ci-file", str(ci), "--json",
         "--junit", str(junit), "--codequality", str(quality), "--markdown", str(markdown)],
        capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    failed = {f["id"] for f in report["findings"] if f["status"] == "fail"}
    assert "ci-tls-port-mismatch" in failed
    cases = {c.get("name") for c in ET.parse(junit).getroot().iter("testcase")}
    assert any("ci-tls-port-mismatch" in (name or "") for name in cases)
    issues = json.loads(quality.read_text())
    located = [i for i in issues if i["check_name"] == "ci-tls-port-mismatch"]
    assert located and located[0]["location"]["lines"]["begin"] > 1
    assert "ci-tls-port-mismatch" in markdown.read_text()


def test_lint_report_file_that_cannot_be_written_is_a_usage_error(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "dind_doctor", "lint", "--ci-file",
         str(DATA / "ci" / "tls-2375.yml"), "--junit", str(tmp_path / "no" / "dir" / "j.xml")],
        capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2
    assert "cannot write" in proc.stderr and "Traceback" not in proc.stderr
