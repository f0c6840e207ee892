"""Argument types shared by the sub-commands."""

from __future__ import annotations

from collections.abc import Callable

# The longest --timeout any command takes. One limit for all: `dind-doctor --timeout N wait` is
# read by the top-level parser before the command is known, so its --timeout must accept every
# value the command's own does (the diagnosis's deadline and wait's both stop at this).
MAX_TIMEOUT = 3600.0


def seconds(text: str, *, maximum: float) -> float:
    """A duration in seconds, more than 0 and at most ``maximum``; ``ValueError`` (with the
    message a user reads) otherwise."""
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"not a number of seconds: {text!r}") from None
    if not 0 < value <= maximum:
        raise ValueError(f"must be between 0 and {maximum:g} seconds")
    return value


def seconds_up_to(maximum: float) -> Callable[[str], float]:
    """An argparse ``type=`` for durations capped at ``maximum``."""

    def parse(text: str) -> float:
        try:
            return seconds(text, maximum=maximum)
        except ValueError as exc:
            import argparse  # loaded by then: only a parser calls this

            raise argparse.ArgumentTypeError(str(exc)) from None

    parse.__name__ = "seconds"  # argparse names the type in its error messages
    return parse
