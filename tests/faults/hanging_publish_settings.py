"""Settings of the worker tests/faults/test_worker_killed.py kills mid-publish: the fault tests' own, with a cache
that stops the publication halfway through its pairs (tests/faults/hanging_publish.py)."""

from tests.faults.server_settings import *  # noqa: F403

CACHES = {"default": {"BACKEND": "tests.faults.hanging_publish.HangHalfwayThroughPublishing"}}
