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
from . import cifile, runner

# isort: split
# The long tail: context and risks read from the same facts.
from . import cgroup, disk, hosted_runner, registry, service_log, socket_access

__all__ = ["api", "base", "cgroup", "cifile", "clients", "daemon", "disk", "endpoint",
           "hosted_runner", "job", "longtail", "name", "port", "protocol", "registry", "runner",
           "service_log", "socket_access", "tls", "tools"]
