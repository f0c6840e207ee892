"""``dind-doctor explain``: read a job log and name the DinD failure mode that explains it.

Layers: :mod:`.logtext` cleans the raw log (ANSI, section markers, the service warning
block), :mod:`.context` reads the outcome, executor and resolver, :mod:`.matcher` ranks the
catalog's symptoms, :mod:`.rules` applies context, :mod:`.present` prints. Nothing here
imports Textual or probes anything.
"""

from __future__ import annotations

from .analyse import Explanation, Verdict, explain_log, match_error_line

__all__ = ["Explanation", "Verdict", "explain_log", "match_error_line"]
