"""A log pasted into an issue or a forum (quoted, copied with GitLab's line numbers, indented as
a code block) is explained as the log itself is."""

from __future__ import annotations

from pathlib import Path

import pytest

from dind_doctor.explain.analyse import explain_log
from dind_doctor.explain.evaluate import answer_of, load_cases
from dind_doctor.explain.pasted import unpaste, unweb

DEV = Path(__file__).resolve().parents[1] / "data" / "logs" / "real" / "dev"
LOG = """\
Running with gitlab-runner 17.2.0 (6428c288)
$ docker info
Cannot connect to the Docker daemon at tcp://docker:2375. Is the docker daemon running?
ERROR: Job failed: exit code 1"""


def numbered(text: str, mark: str = "") -> str:
    return "\n".join(f"{n}{mark}{line}" for n, line in enumerate(text.split("\n"), start=1))


def quoted(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.split("\n"))


def indented(text: str) -> str:
    return "\n".join(f"    {line}" if line else line for line in text.split("\n"))


def timed(text: str, stamp: str = "2024-05-02T10:11:{:02d}.1234567Z ") -> str:
    """Each line behind a time, as GitHub Actions, Jenkins' timestamper or docker logs -t."""
    return "\n".join(stamp.format(n % 60) + line for n, line in enumerate(text.split("\n")))


@pytest.mark.parametrize("paste", [
    numbered, lambda t: numbered(t, " "), lambda t: numbered(t, ". "), lambda t: numbered(t, ":"),
    quoted, indented, lambda t: quoted(numbered(t)), lambda t: indented(numbered(t, " | ")),
    timed, lambda t: timed(t, "[2024-05-02T10:11:{:02d}.123Z] "),
    lambda t: timed(t, "10:11:{:02d} "), lambda t: timed(t, "2024-05-02 10:11:{:02d} UTC "),
])
def test_each_paste_shape_is_undone_line_for_line(paste):
    assert unpaste(paste(LOG).split("\n")) == LOG.split("\n")


@pytest.mark.parametrize("lines", [
    LOG.split("\n"),
    # Gradle prints "> Task" lines among others: not a quote
    ["> Task :compileJava", "BUILD FAILED in 3s", "> Task :test FAILED", "1 actionable task"],
    # sizes and counts start lines too, but do not count up as line numbers do
    ["3 passed", "1 failed", "0 skipped", "4 total"],
    ["2024 was a year", "2024 too", "1999 also"],
    ["1 error generated.", "make: *** [all] Error 1", "ERROR: Job failed: exit code 2"],
])
def test_a_log_without_a_paste_shape_is_left_as_it_is(lines):
    assert unpaste(lines) == lines


@pytest.mark.parametrize("lines", [
    ["2024-05-02 10:11:12 pulling", "2024-05-02 10:11:13 done", "2024-05-02 10:11:14 error"],
    ["12:01:02 pulling", "12:01:03 done", "12:01:04 error"],
])
def test_times_in_front_are_removed_not_read_as_line_numbers(lines):
    assert unpaste(lines) == ["pulling", "done", "error"]


def test_a_single_quoted_line_is_a_line():
    assert unpaste(["> error during connect: Get http://docker:2375/v1.40/info"]) == [
        "error during connect: Get http://docker:2375/v1.40/info"]


def test_line_numbers_keep_counting_across_cut_lines():
    lines = ["1Running with gitlab-runner 16.5.0", "2  on runner-x", "57$ docker build .",
             "58ERROR: error during connect", "591 warning"]
    assert unpaste(lines) == ["Running with gitlab-runner 16.5.0", " on runner-x",
                              "$ docker build .", "ERROR: error during connect", "1 warning"]


def typographic(text: str) -> str:
    """What a forum's typographer does to text outside code blocks."""
    out = []
    for line in text.split("\n"):
        parts = line.replace("'", "\u2019").split('"')
        out.append("".join(p + ("\u201c" if i % 2 == 0 else "\u201d")
                           for i, p in enumerate(parts[:-1])) + parts[-1])
    return "\n".join(out)


def html_escaped(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def no_break_spaces(text: str) -> str:
    return text.replace(" ", "\u00a0")


@pytest.mark.parametrize("web", [typographic, html_escaped, no_break_spaces])
def test_what_a_web_page_does_to_characters_is_undone(web):
    line = "*** WARNING: Service runner-x-docker-0 probably didn't start properly. \"<nil>\" & more"
    assert unweb(web(line)) == line


def colours_without_escape(text: str) -> str:
    """A job page copied by a tool that dropped the escape character of each colour code."""
    return "\n".join(("[32;1m" + line + "[0;m") if line.startswith("$ ")
                     else ("[0K" + line + "[0;m") if line else line
                     for line in text.split("\n"))


def test_colour_codes_that_lost_their_escape_are_removed():
    assert unweb(colours_without_escape(LOG)) == LOG


def test_one_bracketed_code_alone_is_text():
    assert unweb("read [0m] of the array") == "read [0m] of the array"


def escaped_lines(text: str) -> str:
    """The whole log inside one string, its line breaks escaped (an API's JSON answer)."""
    return text.replace("\n", "\\n")


def docker_json_file(text: str) -> str:
    """As Docker's json-file driver stores it (``cat /var/lib/docker/containers/*/*-json.log``)."""
    import json

    return "\n".join(json.dumps({"log": line + "\n", "stream": "stderr",
                                 "time": "2024-05-02T10:11:12.123456789Z"})
                     for line in text.split("\n"))


def test_a_log_in_one_string_gets_its_lines_back():
    assert unweb(escaped_lines(LOG)).split("\n") == LOG.split("\n")


def test_a_json_file_log_and_a_json_daemon_log_are_read_as_text():
    assert unpaste(docker_json_file(LOG).split("\n")) == LOG.split("\n")
    daemon = ['{"level":"error","msg":"failed to mount overlay: invalid argument",'
              '"storage-driver":"overlay2","time":"2024-05-02T10:11:12Z"}',
              '{"level":"info","msg":"Starting up","time":"2024-05-02T10:11:12Z"}']
    assert unpaste(daemon) == [
        'level=error msg="failed to mount overlay: invalid argument" storage-driver=overlay2',
        'level=info msg="Starting up"']


def test_a_log_with_one_json_line_among_text_keeps_it():
    lines = ["$ docker info", '{"message":"client version 1.52 is too new"}', "ERROR: failed"]
    assert unpaste(lines) == lines


def test_text_without_entities_keeps_its_ampersands():
    assert unweb("a && b &lt c") == "a && b &lt c"


def _sample() -> list[Path]:
    """Every fourth real dev excerpt of three lines or more (a numbering needs a few lines to be
    seen) and without carriage returns (a raw trace is not pasted by hand)."""
    logs = []
    for case in load_cases(DEV)[::4]:
        text = case.path.read_text(encoding="utf-8", errors="replace")
        if "\r" not in text and len(text.strip().splitlines()) >= 3:
            logs.append(case.path)
    return logs


@pytest.mark.parametrize("paste", [numbered, lambda t: numbered(t, " "), quoted, indented,
                                   typographic, html_escaped, no_break_spaces,
                                   colours_without_escape, timed, escaped_lines,
                                   docker_json_file],
                         ids=["gitlab-copy", "numbered", "quoted", "indented", "typographic",
                              "html-escaped", "no-break-spaces", "colours-without-escape",
                              "timed", "escaped-lines", "docker-json-file"])
def test_real_excerpts_pasted_get_the_answer_the_excerpt_gets(paste):
    changed = []
    sample = _sample()
    for path in sample:
        text = path.read_text(encoding="utf-8", errors="replace").rstrip("\n")
        if answer_of(explain_log(paste(text))) != answer_of(explain_log(text)):
            changed.append(path.stem)
    assert len(sample) > 150
    assert changed == []
