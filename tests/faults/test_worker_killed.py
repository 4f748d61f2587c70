"""A worker killed (SIGKILL, the whole process group) in the middle of its work.

Mid-send: after it claimed a message and before the message left, the row keeps its lease until it ends, then the
sweeper has another worker send it. None lost, and the resend carries the same Message-ID.

Mid-publish: halfway through a publication, its transaction open; the transaction dies with it, the run's heartbeat
stops, and beat's sweeper has a new worker publish the run. Every pair becomes a partnership once and each partner is
e-mailed once."""

import datetime
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from matching import services as matching_services
from matching.models import MatchRun
from mentoring.notifications.models import Message
from mentoring.notifications.services import outbox_sweep
from mentoring.notifications.tasks import deliver_message
from mentoring.partnerships.models import Partnership
from tests.conftest import wait_for
from tests.factories import PASSWORD, MessageFactory, ProgramAdminFactory
from tests.faults.stack import ROOT, database_url
from tests.matching.cohort_helpers import add_person, matching_cohort


def start_worker(queue: str, marker: Path, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
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


PAIRS = 20


def _proposal_of_pairs(admin) -> MatchRun:
    """A cohort in matching whose people teach each other two by two, and its proposal: PAIRS pairs."""
    cohort = matching_cohort()
    for k in range(PAIRS):
        add_person(cohort, f"Person {k}a", offers={f"Skill {k}a": 4}, wants={f"Skill {k}b": 1})
        add_person(cohort, f"Person {k}b", offers={f"Skill {k}b": 4}, wants={f"Skill {k}a": 1})
    run = matching_services.match_run_start(cohort=cohort, started_by=admin)
    assert (run.status, run.pairs.count()) == ("done", PAIRS)
    return run


@pytest.mark.django_db(transaction=True)
def test_a_publication_whose_worker_was_killed_halfway_is_published_once_by_another_worker(production_stack):
    stack = production_stack
    # The doomed worker stops halfway through the pairs and holds its transaction (tests/faults/hanging_publish.py).
    doomed = stack.worker(stack.env(settings="tests.faults.hanging_publish_settings"), name="doomed")
    web, sweeper = stack.web(stack.env()), stack.beat(stack.env())
    stack.start(web, doomed, sweeper)
    hana = ProgramAdminFactory()
    run = _proposal_of_pairs(hana)
    browser = stack.visitor()
    assert browser.sign_in(hana.email, PASSWORD).status_code == 302

    assert browser.post(f"{run.get_absolute_url()}publish/", {}).status_code == 302
    marker = stack.directory / "marker"
    assert wait_for(marker.exists, timeout=60), doomed.log()[-3000:]
    assert marker.read_text() == f"{PAIRS // 2} of {PAIRS}"
    # Alive and halfway, it keeps writing the run's heartbeat, so the sweeper leaves it alone past the stale interval.
    halfway = timezone.now()
    beating = wait_for(
        lambda: MatchRun.objects.filter(pk=run.pk, heartbeat_at__gt=halfway + stack.stale_after).exists(), timeout=60
    )
    assert beating, doomed.log()[-3000:]
    assert MatchRun.objects.filter(pk=run.pk, status="publishing", recoveries=0).exists()
    assert not Partnership.objects.exists() and not Message.objects.exists()  # nothing of it is committed

    doomed.kill()
    assert not Partnership.objects.exists()  # its transaction died with it
    stack.start(stack.worker(stack.env(), name="rescuer"))

    # The heartbeat stops; after the stale interval beat's sweeper rings again, and the new worker publishes.
    assert wait_for(lambda: MatchRun.objects.get(pk=run.pk).status == "published", timeout=60), sweeper.log()[-3000:]
    assert MatchRun.objects.get(pk=run.pk).recoveries == 1
    pairs = list(Partnership.objects.values_list("member_a", "member_b"))
    assert len(pairs) == PAIRS and len(set(pairs)) == PAIRS
    assert wait_for(lambda: len(stack.mail.read()) >= 2 * PAIRS, timeout=60)
    assert wait_for(lambda: set(Message.objects.values_list("state", flat=True)) == {"sent"}, timeout=30)
    recipients = sorted(address for mail in stack.mail.read() for address in mail["to"])
    people = sorted(run.cohort.enrollments.values_list("user__email", flat=True))
    assert recipients == people  # each partner once
