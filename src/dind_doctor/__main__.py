"""``python -m dind_doctor``."""

from .cli import run

run()
