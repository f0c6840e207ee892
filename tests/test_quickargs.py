"""The everyday command lines give the namespace the full parser would give, or are left to it."""

from __future__ import annotations

import itertools

import pytest

from dind_doctor.parser import build_parser
from dind_doctor.quickargs import quick_args

WORDS = (["--json"], ["--text"], ["-q"], ["--quiet"], ["--strict"], ["--timeout", "5"],
         ["--timeout=2.5"])


def everyday_lines() -> list[list[str]]:
    lines = [[]]
    for size in range(1, 4):
        for combo in itertools.permutations(WORDS, size):
            lines.append([word for part in combo for word in part])
    return lines


def test_every_everyday_line_reads_as_the_full_parser_reads_it():
    parser = build_parser([])
    checked = 0
    for argv in everyday_lines():
        quick = quick_args(argv)
        if "--json" in argv and "--text" in argv:
            assert quick is None, argv  # the full parser says why they do not go together
            continue
        assert quick is not None, argv
        assert vars(quick) == vars(parser.parse_args(argv)), argv
        checked += 1
    assert checked > 200


@pytest.mark.parametrize("argv", [
    ["lint"], ["--json", "explain", "-"], ["--jso"], ["-qj"], ["-h"], ["--help"], ["--version"],
    ["--replay", "facts.json"], ["--save-facts", "f.json"], ["--ci-file", "x.yml"],
    ["--timeout"], ["--timeout", "-q"], ["--timeout", "abc"], ["--timeout=0"],
    ["--timeout", "3601"], ["--timeout", "nan"], ["--settle", "0"], ["--json", "--text"],
    ["--junit", "report.xml"], ["-"], ["extra"],
])
def test_anything_else_is_left_to_the_full_parser(argv):
    assert quick_args(argv) is None


def test_the_last_timeout_wins_as_in_argparse():
    argv = ["--timeout", "5", "--timeout=7"]
    assert quick_args(argv).timeout == 7.0 == build_parser([]).parse_args(argv).timeout
