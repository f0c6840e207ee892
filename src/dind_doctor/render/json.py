"""The machine-readable report: one JSON object, stable keys, validated by the shipped schema."""

from __future__ import annotations

import json

from ..model import Report

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (every run loads this)

if TYPE_CHECKING:
    from typing import Any

SCHEMA = "dind-doctor/report"


def report_dict(report: Report, *, strict: bool = False,
                exit_code: int | None = None) -> dict[str, Any]:
    """The report as JSON data; ``exit_code``: the command's own, when it decides otherwise
    than the report (default: the report's, with ``strict``)."""
    data = {"schema": SCHEMA, **report.to_dict()}
    data["exit_code"] = report.exit_code(strict=strict) if exit_code is None else exit_code
    return data


def render_json(report: Report, *, strict: bool = False, exit_code: int | None = None) -> str:
    return json.dumps(report_dict(report, strict=strict, exit_code=exit_code), indent=2,
                      ensure_ascii=False) + "\n"


def load_schema() -> dict[str, Any]:
    """The JSON Schema of ``--json`` output, as shipped inside the package."""
    from importlib import resources  # only when asked: it pulls in tempfile and zipfile

    text = resources.files("dind_doctor.schema").joinpath("report.schema.json").read_text("utf-8")
    return json.loads(text)
