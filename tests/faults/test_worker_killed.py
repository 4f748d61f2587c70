"""A worker killed (SIGKILL, the whole process) after it claimed a message and before the message left: the row keeps
its lease until it ends, then the sweeper has another worker send it. None lost, and the resend carries the same
Message-ID."""

import datetime
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from mentoring.notifications.models import Message
from mentoring.notifications.services import outbox_sweep
from mentoring.notifications.tasks import deliver_message
from tests.conftest import wait_for
from tests.factories import MessageFactory

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    """The test database (pytest-django's), as the worker process reads it from DATABASE_URL."""
    db = connection.settings_dict
    user = quote(db["USER"], safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(queue: str, marker: Path, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "tests.faults.worker_settings",
        "TWOWAY_FAULT_MARKER": str(marker),
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "-m", "celery", "-A", "mentoring", "worker", "-Q", queue, "-P", "solo", "-c", "1"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING"]
    with log.open("w") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_message_whose_worker_was_killed_mid_send_is_sent_after_its_lease(
    postgresql_and_redis, celery_worker, tmp_path, mailoutbox
):
    message = MessageFactory(address="ana@northwind.example")
    queue, marker = f"twoway-fault-{uuid.uuid4().hex}", tmp_path / "sending"
    worker = start_worker(queue, marker, tmp_path / "worker.log")
    try:
        deliver_message.apply_async(kwargs={"message_id": message.pk}, queue=queue)
        sending = wait_for(marker.exists, timeout=60)
        assert sending, (tmp_path / "worker.log").read_text()
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    message.refresh_from_db()
    assert (message.state, message.attempts, message.sent_at) == ("sending", 1, None)
    assert marker.read_text() == message.message_id_header and mailoutbox == []

    assert outbox_sweep() == 0  # its lease still runs: nobody else takes it
    # The lease ends (moved instead of waited for: three minutes); beat's next sweep finds the row.
    Message.objects.filter(pk=message.pk).update(claimed_until=timezone.now() - datetime.timedelta(seconds=1))
    assert outbox_sweep() == 1
    assert wait_for(lambda: len(mailoutbox) == 1, timeout=30)
    assert mailoutbox[0].extra_headers["Message-ID"] == message.message_id_header
    assert wait_for(lambda: Message.objects.get(pk=message.pk).state == "sent")
    assert Message.objects.get(pk=message.pk).attempts == 2
