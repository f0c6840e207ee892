"""Real-infrastructure test harness for dind-doctor.

Modules:

* :mod:`tests.support.certs` -- dind-layout TLS material (openssl CLI, like
  ``dockerd-entrypoint.sh``) plus broken variants (``cryptography``).
* :mod:`tests.support.dockerd` -- launch a private host ``dockerd`` (unix socket,
  optional loopback TCP plain/TLS), black-hole and garbage TCP listeners.
* :mod:`tests.support.topology` -- GitLab-style job + ``docker:dind`` service
  containers on an outer dockerd, on an isolated network.
* :mod:`tests.support.fixtures` -- pytest fixtures (register with
  ``pytest_plugins = ["tests.support.fixtures"]``).
"""
