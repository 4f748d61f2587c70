"""Sending what the outbox holds: one task per message (the doorbell), and the beat sweeper that rings again."""

from celery import shared_task

from mentoring.core.tasks import TwowayTask
from mentoring.notifications import digests, services


# Its hard time limit stays below the lease (services.LEASE), so a row is never taken from a worker still sending it.
@shared_task(
    bind=True,
    base=TwowayTask,
    name="mentoring.notifications.tasks.deliver_message",
    soft_time_limit=100,
    time_limit=120,
)
def deliver_message(self, *, message_id: int, sent: bool = False) -> str:
    """Send one message row. A row someone else claimed, already sent, or not due is left alone.

    When the message left but recording it failed, only the recording is retried (``sent=True``), so a database
    hiccup never sends it twice."""
    if sent:
        services.message_mark_sent(message_id=message_id)
        return "sent"
    try:
        return services.message_deliver(message_id=message_id)
    except services.SentButNotRecorded as error:
        raise self.retry(kwargs={"message_id": message_id, "sent": True}, exc=error, countdown=5) from None


@shared_task(base=TwowayTask, name="mentoring.notifications.tasks.sweep_outbox")
def sweep_outbox() -> int:
    """Celery beat, every minute: ring again for the rows the broker lost, retries that are due and dead leases."""
    return services.outbox_sweep()


@shared_task(base=TwowayTask, name="mentoring.notifications.tasks.send_nudge_digests")
def send_nudge_digests() -> int:
    """Celery beat, every 15 minutes: the morning digests of nudges folded beyond the daily cap."""
    return digests.nudge_digests_queue()


@shared_task(base=TwowayTask, name="mentoring.notifications.tasks.send_admin_weekly_digests")
def send_admin_weekly_digests() -> int:
    """Celery beat, Monday 06:00: program admins' weekly digest, once per admin and ISO week."""
    return digests.admin_weekly_digests_queue()
