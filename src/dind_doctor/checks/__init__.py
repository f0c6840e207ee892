"""Checks: pure functions from facts to findings, one module per link of the chain.

Importing this package registers every check (in chain order) in ``base.REGISTRY``.
"""

from . import base

__all__ = ["base"]
