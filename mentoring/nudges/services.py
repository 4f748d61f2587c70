"""Writing nudges: render each due nudge for its recipient and queue it in the outbox, in batches.

Exactly once: each nudge's message has the key ``nudge:<kind>:<object>:<person>:<occurrence>``; the selectors skip
keys already written, and a second sweep running at the same moment (or a retried task) that renders the same nudge
finds the key taken at insert time (ON CONFLICT DO NOTHING), so one row is written. Sending is the outbox's: a worker
that dies between claiming and sending leaves the row to the outbox sweeper, and a broker that is down leaves the
rows waiting in the database.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone

from mentoring.notifications.services import Draft, absolute_link, message_draft, messages_are_muted, messages_queue
from mentoring.nudges import selectors
from mentoring.nudges.selectors import Due
from mentoring.programs.services import profile_reminders_request

logger = logging.getLogger(__name__)

# Drafts rendered and written together: two queries (insert, read back) per batch, and a bounded memory.
BATCH = 500


def nudge_draft(due: Due, *, base_url: str) -> Draft:
    """The nudge's e-mail, in the recipient's time zone and language, linking to the page where the thing is done."""
    user = due.user
    context = {
        **due.context,
        "recipient": user,
        "link": absolute_link(base_url, due.context["path"]),
        "home_link": absolute_link(base_url, "/"),
    }
    return message_draft(
        kind=due.kind,
        to=user.email,
        context=context,
        recipient=user,
        timezone=user.timezone or None,
        language=getattr(user, "language", "") or None,
        key=due.key,
        expires_at=due.expires_at,
    )


def nudges_queue(due: Iterable[Due], *, base_url: str) -> int:
    """Render and write the nudges, BATCH at a time, in the caller's transaction; returns how many rows are new."""
    written, batch = 0, []
    for item in due:
        batch.append(nudge_draft(item, base_url=base_url))
        if len(batch) >= BATCH:
            written += len(messages_queue(batch))
            batch = []
    if batch:
        written += len(messages_queue(batch))
    return written


# The rules the sweep decides, each one set-based query (see selectors): (name, what is due at ``now``).
RULES: tuple[tuple[str, Callable[[datetime.datetime], list[Due]]], ...] = (
    ("checkin_due", selectors.checkin_due),
    ("session_log_due", selectors.session_log_due),
    ("cadence_lapsed", selectors.cadence_lapsed),
    ("agreement_unsigned", selectors.agreement_unsigned),
    ("goals_unset", selectors.goals_unset),
    ("survey_closing", lambda now: selectors.survey_closing(timezone.localdate(now))),
    (
        "unmatched_at_publishing",
        lambda now: selectors.unmatched_at_publishing(selectors.recently_published_run_ids(now)),
    ),
)


def nudges_sweep(*, base_url: str, now: datetime.datetime | None = None) -> dict[str, int]:
    """Beat, every hour: decide every nudge due now and write the ones not written yet. Each rule commits on its
    own, so a rule that fails leaves the others' nudges written (and is decided again at the next sweep). Returns
    how many nudges of each kind were written."""
    if messages_are_muted():
        return {}
    now = now or timezone.now()
    written: dict[str, int] = {}
    for name, rule in RULES:
        with transaction.atomic():
            written[name] = nudges_queue(rule(now), base_url=base_url)
    # The profile reminder is programs' own (the same e-mail and day key as the program admin's button, and the
    # cohort page's "Reminded" date): the sweep only says to whom, three days before enrollment closes.
    today = timezone.localdate(now)
    ids = selectors.profile_reminder_enrollment_ids(today)
    written["profile_reminder"] = (
        profile_reminders_request(enrollment_ids=ids, base_url=base_url, today=today) if ids else 0
    )
    return written


def unmatched_tell(*, run_id: int, base_url: str) -> int:
    """A run was published: each person it left without a partner is told why, what might help and what happens
    next, once per run and person. In the caller's (publishing) transaction."""
    return nudges_queue(selectors.unmatched_at_publishing([run_id]), base_url=base_url)


def cohort_summaries_send(*, cohort_id: int, ended_reason: str, base_url: str) -> int:
    """A cohort is closing: each partner of its pairs gets what the pair did, and the word about the alumni. In the
    caller's (closing) transaction."""
    return nudges_queue(selectors.cohort_summaries(cohort_id, ended_reason=ended_reason), base_url=base_url)
