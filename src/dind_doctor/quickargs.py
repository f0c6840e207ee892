"""The everyday command lines, read without argparse.

``dind-doctor`` with any of ``--json``, ``--text``, ``-q``/``--quiet``, ``--strict`` and
``--timeout SECONDS`` is what a job script or a person types. Loading argparse and building the
full parser (:mod:`.parser`) costs about as much as probing a healthy daemon, so these lines are
read here into the namespace the full parser would give; ``tests/test_quickargs.py`` holds the
two equal for every combination. Anything else (another option, a sub-command, an
abbreviation, ``--json`` with ``--text``, a bad value) gives ``None``: the full parser reads it
and explains what is wrong.
"""

from __future__ import annotations

from collections.abc import Sequence

from .argtypes import MAX_TIMEOUT, seconds

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (every run loads this)

if TYPE_CHECKING:
    from typing import Any

# what the full parser gives for an empty command line (the test compares the two)
DEFAULTS: dict[str, Any] = {
    "command": None, "json": False, "text": False, "quiet": False, "strict": False,
    "timeout": 8.0, "settle": 2.0, "alias": "docker", "save_facts": None, "replay": None,
    "junit": None, "codequality": None, "markdown": None,
    "ci_file": None, "runner_config": None, "helm_values": None,
}
SWITCHES = {"--json": "json", "--text": "text", "-q": "quiet", "--quiet": "quiet",
            "--strict": "strict"}


class Namespace:
    """Attributes, like ``argparse.Namespace`` (which would load argparse)."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)

    def __repr__(self) -> str:
        return f"Namespace({', '.join(f'{k}={v!r}' for k, v in vars(self).items())})"


def quick_args(argv: Sequence[str]) -> Namespace | None:
    """The namespace for an everyday command line, or ``None``: use the full parser."""
    values = dict(DEFAULTS)
    words = iter(argv)
    for word in words:
        if word in SWITCHES:
            values[SWITCHES[word]] = True
            continue
        name, eq, text = word.partition("=")
        if name != "--timeout":
            return None
        if not eq:
            text = next(words, "")
            if text.startswith("-"):  # argparse reads a following option as a missing value
                return None
        try:
            values["timeout"] = seconds(text, maximum=MAX_TIMEOUT)
        except ValueError:
            return None
    if values["json"] and values["text"]:
        return None
    return Namespace(**values)
