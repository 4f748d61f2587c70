"""Settings of the gunicorn, worker and beat processes the fault tests start: Twoway's own, with e-mails counted in a
file (tests/faults/mail_log.py), a fast password hasher (the test's factories write MD5 hashes), and the recovery
intervals shortened from minutes to seconds so that an outage and its recovery fit in a test."""

import datetime

from mentoring.settings import *  # noqa: F403
from mentoring.settings import CELERY_BEAT_SCHEDULE

EMAIL_BACKEND = "tests.faults.mail_log.MailLogBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Beat's heartbeat and sweepers every second instead of every minute.
CELERY_BEAT_SCHEDULE = {
    name: {**entry, "schedule": 1.0} if name in {"heartbeat", "outbox-sweeper", "match-runs-sweeper"} else entry
    for name, entry in CELERY_BEAT_SCHEDULE.items()
}
OUTBOX_SWEEP_AFTER = datetime.timedelta(seconds=3)  # production: a minute
MATCH_RUN_HEARTBEAT_EVERY = datetime.timedelta(seconds=1)  # production: 20 seconds
MATCH_RUN_STALE_AFTER = datetime.timedelta(seconds=4)  # production: 2 minutes
