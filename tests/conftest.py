"""Shared test setup: the real-infrastructure fixtures live in tests/support/fixtures.py."""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # `tests.support` must import under plain `pytest`
    sys.path.insert(0, str(REPO))

pytest_plugins = ["tests.support.fixtures", "tests.support.wheelhouse"]
