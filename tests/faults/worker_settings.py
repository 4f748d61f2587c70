"""Settings of the worker process tests/faults/test_worker_killed.py starts and kills: Twoway's own, with a mail
server that never answers, so the worker is killed after it claimed a message and before the message left."""

from mentoring.settings import *  # noqa: F403

EMAIL_BACKEND = "tests.faults.hanging_mail.HangingMailBackend"
