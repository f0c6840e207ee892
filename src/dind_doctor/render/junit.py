"""JUnit XML for ``artifacts:reports:junit``: one test suite per chain link, one test case per
check. ``fail`` → ``<failure>`` and ``error`` → ``<error>`` (message: the summary; body: the
summary, the evidence and the fix); ``skip`` → ``<skipped>`` naming the link that blocked it;
``warn`` passes with the warning in ``<system-out>`` (a ``<failure>`` with ``strict``).
Static findings carry ``file`` (the ``.gitlab-ci.yml`` or ``config.toml`` they point at).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..model import CHAIN, LINK_TITLES, Finding, Report, Status
from .codequality import DEFAULT_CI_PATH, locate

_NOT_XML = re.compile(r"[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: str) -> str:
    """Text XML 1.0 can carry (escape sequences and NULs are dropped)."""
    return _NOT_XML.sub("", value)


def _details(finding: Finding) -> str:
    lines = [finding.summary]
    lines += [f"  {ev.label}: {ev.value}" for ev in finding.evidence]
    if finding.fix:
        lines += ["", f"Fix: {finding.fix}"]
    return _text("\n".join(lines))


def _case(finding: Finding, strict: bool, ci_path: str) -> ET.Element:
    case = ET.Element("testcase", {
        "classname": f"dind-doctor.{finding.link.value}",
        "name": _text(f"{finding.id}: {finding.title}"),
        "time": f"{finding.duration_ms / 1000:.3f}",
    })
    path, line, from_evidence = locate(finding, ci_path)
    if from_evidence:
        case.set("file", path)
        case.set("line", str(line))
    status = finding.status
    if status is Status.FAIL or (status is Status.WARN and strict):
        ET.SubElement(case, "failure", {"message": _text(finding.summary),
                                        "type": finding.id}).text = _details(finding)
    elif status is Status.ERROR:
        ET.SubElement(case, "error", {"message": _text(finding.summary),
                                      "type": "check-error"}).text = _details(finding)
    elif status is Status.SKIP:
        why = f"blocked by {finding.blocked_by}" if finding.blocked_by else finding.summary
        ET.SubElement(case, "skipped", {"message": _text(why)})
    else:
        prefix = "WARNING: " if status is Status.WARN else ""
        ET.SubElement(case, "system-out").text = prefix + _details(finding)
    return case


def render_junit(report: Report, *, strict: bool = False,
                 ci_path: str = DEFAULT_CI_PATH) -> str:
    root = ET.Element("testsuites", {"name": "dind-doctor"})
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for link in CHAIN:
        findings = [f for f in report.findings if f.link is link]
        if not findings:
            continue
        cases = [_case(f, strict, ci_path) for f in findings]
        counts = {
            "tests": len(cases),
            "failures": sum(c.find("failure") is not None for c in cases),
            "errors": sum(c.find("error") is not None for c in cases),
            "skipped": sum(c.find("skipped") is not None for c in cases),
        }
        suite = ET.SubElement(root, "testsuite", {
            "name": f"dind-doctor: {LINK_TITLES[link]}",
            **{k: str(v) for k, v in counts.items()},
            "time": f"{sum(f.duration_ms for f in findings) / 1000:.3f}",
            "timestamp": report.generated_at,
        })
        suite.extend(cases)
        for key, value in counts.items():
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"
