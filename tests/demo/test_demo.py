"""`dind-doctor demo`: every bundled scenario replays, as text, JSON and in the interactive view."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import jsonschema
import pytest

from dind_doctor.render.json import load_schema
from dind_doctor.scenarios import SCENARIOS
from tests.checks import make_scenarios

ENV = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")} | {"NO_COLOR": "1"}

# the headline id of each scenario (None: a healthy chain), from the one table of headlines
HEADLINES = {name: head and head[0] for name, head in make_scenarios.HEADLINES.items()}
# the situations the demo exists to show, beyond the healthy ones
BROKEN_SCENARIOS = {"tls-mismatch-2375", "alias-missing", "certs-not-shared", "vfs",
                    "compose-missing", "k8s-wiring"}


def demo(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dind_doctor", "demo", *args],
                          capture_output=True, text=True, env=ENV, timeout=60, check=False)


def test_the_list_names_every_bundled_scenario_and_the_broken_ones_it_exists_for():
    proc = demo("--list")
    assert proc.returncode == 0, proc.stderr
    listed = [line.split()[0] for line in proc.stdout.splitlines()[1:]]
    assert listed == list(SCENARIOS) == list(HEADLINES)
    assert set(listed) >= BROKEN_SCENARIOS | {"healthy-tls"}


@pytest.mark.parametrize("name", list(HEADLINES))
def test_each_scenario_prints_its_report_without_a_terminal(name):
    proc = demo(name)
    assert proc.returncode == json.loads(demo(name, "--json").stdout)["exit_code"], proc.stderr
    assert proc.stdout.startswith(f"Demo scenario {name}: {SCENARIOS[name]}\n")
    expected = HEADLINES[name]
    if expected is None:
        assert "The DinD chain is healthy" in proc.stdout
    else:
        head = next(line for line in proc.stdout.splitlines()
                    if line.split(" ", 1)[-1].startswith(("BROKEN", "WARNING", "UNCHECKED")))
        assert head.endswith(f"[{expected}]"), proc.stdout
    assert "Checklist" in proc.stdout


@pytest.mark.parametrize("name", ["tls-mismatch-2375", "healthy-tls"])
def test_json_is_schema_valid_and_deterministic(name):
    first, second = demo(name, "--json"), demo(name, "--json")
    report = json.loads(first.stdout)
    jsonschema.validate(report, load_schema())
    assert report["schema"] == "dind-doctor/report"
    assert (report["headline"] or {}).get("id") == HEADLINES[name]
    assert first.stdout == second.stdout


def test_without_a_name_the_demo_shows_the_tls_mismatch():
    assert "[daemon-tls-client-plain-2375]" in demo("--text").stdout


def test_an_unknown_scenario_is_a_usage_error_with_the_list():
    proc = demo("no-such-thing")
    assert proc.returncode == 2
    assert "no scenario named 'no-such-thing'" in proc.stderr
    assert "healthy-tls" in proc.stderr and proc.stdout == ""


def test_text_and_json_exclude_each_other():
    proc = demo("vfs", "--text", "--json")
    assert proc.returncode == 2 and "not allowed with" in proc.stderr


@pytest.mark.parametrize("name", list(HEADLINES))
def test_the_exit_code_is_the_one_the_json_states(name):
    proc = demo(name, "--json")
    stated = json.loads(proc.stdout)["exit_code"]
    assert proc.returncode == stated == (0 if HEADLINES[name] is None else stated)
    if name == "tls-mismatch-2375":
        assert stated == 1  # a broken scenario exits as the diagnosis of it would
    strict = demo(name, "--json", "--strict")
    assert strict.returncode == json.loads(strict.stdout)["exit_code"] >= stated


def test_the_list_as_json():
    proc = demo("--list", "--json")
    assert proc.returncode == 0, proc.stderr
    listed = json.loads(proc.stdout)["scenarios"]
    assert [entry["name"] for entry in listed] == list(SCENARIOS)
    assert all(entry["about"] == SCENARIOS[entry["name"]] for entry in listed)
