"""Checks: pure functions from facts to findings, one module per link of the chain.

Importing this package registers every check in ``base.REGISTRY``; the order below is the
order of the findings within one link (``run_all`` sorts by link, ``model.CHAIN``).
"""

from . import api, base, daemon, endpoint, job, name, port, protocol, tls, tools

# isort: split
# Client views (libraries and plugins the job uses), after the docker CLI's own tools.
from . import clients, longtail

# isort: split
# Static checks of config.toml and .gitlab-ci.yml, after the live checks of the same link.
# Without their file most say nothing; privileged-missing and dind-mtu-flag-missing also
# read live facts (an unresolvable service alias, the job's interface MTU).
from . import cifile, runner_config

# isort: split
# The long tail: context and risks read from the same facts.
from . import cgroup, disk, hosted_runner, registry, service_log, socket_access

__all__ = ["api", "base", "cgroup", "cifile", "clients", "daemon", "disk", "endpoint",
           "hosted_runner", "job", "longtail", "name", "port", "protocol", "registry",
           "runner_config", "service_log", "socket_access", "tls", "tools"]
