"""Checks: pure functions from facts to findings, one module per link of the chain.

Importing this package registers every check (in chain order) in ``base.REGISTRY``.
"""

# Findings are ordered by link (``model.CHAIN``), then by registration within a module.
from . import api, base, daemon, endpoint, job, name, port, protocol, tls, tools

# isort: split
# Client views (libraries and plugins the job uses), after the docker CLI's own tools.
from . import clients, longtail

# isort: split
# Static checks of config.toml and .gitlab-ci.yml, after the live checks of the same link;
# each returns None (no finding) when its file was not read.
from . import cifile, runner_config

__all__ = ["api", "base", "cifile", "clients", "daemon", "endpoint", "job", "longtail", "name",
           "port", "protocol", "runner_config", "tls", "tools"]
