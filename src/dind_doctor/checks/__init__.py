"""Checks: pure functions from facts to findings, one module per link of the chain.

Importing this package registers every check (in chain order) in ``base.REGISTRY``.
"""

# Findings are ordered by link (``model.CHAIN``), then by registration within a module.
from . import api, base, daemon, endpoint, job, name, port, protocol, tls, tools

__all__ = ["api", "base", "daemon", "endpoint", "job", "name", "port", "protocol", "tls", "tools"]
