"""Make the harness fixtures available to tests/infra even before the top-level
conftest registers them (``pytest_plugins = ["tests.support.fixtures"]``)."""

import sys
from pathlib import Path

_REPO = str(Path(__file__).resolve().parents[2])
if _REPO not in sys.path:  # `tests.support` must be importable under plain `pytest`
    sys.path.insert(0, _REPO)

_PLUGIN = "tests.support.fixtures"


def pytest_configure(config):
    if not config.pluginmanager.has_plugin(_PLUGIN):
        config.pluginmanager.import_plugin(_PLUGIN)
