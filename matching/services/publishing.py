"""Publishing a proposal: every pair becomes a partnership, all or nothing, in a background task.

Every service is keyword-only and runs in one transaction; a refusal is a ValidationError written for the program
admin who asked (field errors as a dict), and a refused call writes nothing.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from matching import selectors, signals
from matching.models import (
    IN_PROGRESS,
    LOST_AFTER,
    MatchRun,
    MatchRunStatus,
)
from matching.services.failures import failure_told
from matching.services.guards import (
    TEMPORARY_ERRORS,
    check_cohort_status,
    lock_cohort,
)
from matching.services.proposals import not_editable_message
from mentoring.core.tasks import ring
from mentoring.notifications.services import message_draft, messages_queue
from mentoring.partnerships.models import Partnership
from mentoring.partnerships.services import partnership_create
from mentoring.programs.models import Cohort, CohortStatus
from mentoring.programs.services import cohort_activate

logger = logging.getLogger(__name__)


def mark_lost_runs(cohort: Cohort) -> None:
    """Runs whose worker was lost (LOST_AFTER): one queued or running fails (a redelivered task may still claim a
    running one); one publishing goes back to its proposal. Called when someone starts a run or publishes."""
    cutoff = timezone.now() - LOST_AFTER
    MatchRun.objects.filter(cohort=cohort).filter(
        Q(status=MatchRunStatus.RUNNING, started_at__lt=cutoff) | Q(status=MatchRunStatus.QUEUED, created_at__lt=cutoff)
    ).update(
        status=MatchRunStatus.FAILED,
        finished_at=timezone.now(),
        error="The run was lost: no worker finished it in time. Run matching again.",
    )
    # A publishing task that committed is published; one that did not published nothing, so its proposal is back.
    lost = MatchRun.objects.filter(cohort=cohort, status=MatchRunStatus.PUBLISHING, publish_requested_at__lt=cutoff)
    for run_id in lost.values_list("pk", flat=True):
        match_run_publish_fail(
            run_id=run_id, message="No worker finished publishing in time. Publish again: nothing is published twice."
        )


def _notify(partnership: Partnership, base_url: str) -> None:
    """Tell both partners who their partner is and why, with a link to their pair's page. The messages are written
    in the publishing transaction: a publication that rolls back tells nobody."""
    link = base_url.rstrip("/") + reverse("partnerships:detail", args=[partnership.pk])
    messages_queue(
        message_draft(
            kind="match_published",
            to=user.email,
            recipient=user,
            timezone=user.timezone,
            key=f"match_published:{partnership.pk}:{user.pk}",
            context={
                "user": user,
                "partner": partnership.partner_of(user),
                "partnership": partnership,
                "cohort": partnership.cohort,
                "teaches": partnership.teaches(user),
                "learns": partnership.teaches(partnership.partner_of(user)),
                "link": link,
            },
        )
        for user in partnership.members
    )


def _check_publishable(run: MatchRun, cohort: Cohort) -> None:
    """The newest proposal of a cohort in the right status, with pairs. Checked when publishing is asked for and
    again by the task, under the cohort's lock."""
    later = (
        cohort.match_runs.filter(number__gt=run.number)
        .filter(status__in=[*IN_PROGRESS, MatchRunStatus.DONE, MatchRunStatus.PUBLISHED])
        .order_by("-number")
        .first()
    )
    if later is not None:
        raise ValidationError(
            f"Run #{later.number} is newer than run #{run.number}: publish the newest proposal.", code="not_latest"
        )
    check_cohort_status(cohort, run.kind)
    if not run.pairs.exists():
        raise ValidationError("This proposal has no pairs to publish.", code="empty")


def _refuse_unless_proposal(run: MatchRun) -> None:
    who = f" by {run.published_by}" if run.published_by else ""
    if run.status == MatchRunStatus.PUBLISHED:
        raise ValidationError(
            f"Run #{run.number} is already published{who} on {run.published_at:%d %b %Y}.", code="published"
        )
    if run.status == MatchRunStatus.PUBLISHING:
        raise ValidationError(
            f"Run #{run.number} is already being published{who}; nothing is published twice.", code="publishing"
        )
    if run.status != MatchRunStatus.DONE:
        raise ValidationError(not_editable_message(run), code="not_ready")


@transaction.atomic
def match_run_publish_request(*, run: MatchRun, published_by: User) -> MatchRun:
    """Check that the proposal can be published and claim it (`done → publishing` in one conditional UPDATE: a
    second click, tab or admin finds it claimed and is refused). From then on the proposal can't change. Nothing
    is published yet: match_run_publish_execute does that, in the task match_run_publish_start queues."""
    # Read first without a lock: a second click is refused at once, not after the first one's task has finished
    # (it holds the cohort's row while it publishes). A publication whose worker was lost goes on to the locks.
    current = MatchRun.objects.get(pk=run.pk)
    if not current.publish_looks_lost:
        _refuse_unless_proposal(current)
    cohort = lock_cohort(run.cohort)
    mark_lost_runs(cohort)
    run = MatchRun.objects.select_for_update().get(pk=run.pk)
    _refuse_unless_proposal(run)
    _check_publishable(run, cohort)
    claimed = MatchRun.objects.filter(pk=run.pk, status=MatchRunStatus.DONE).update(
        status=MatchRunStatus.PUBLISHING,
        published_by=published_by,
        publish_requested_at=timezone.now(),
        publish_error="",
        progress=0,
        stage="Waiting for a worker",
        heartbeat_at=None,
        recoveries=0,
    )
    if not claimed:  # another request claimed it between our checks and this UPDATE
        raise ValidationError(f"Run #{run.number} is already being published.", code="publishing")
    return MatchRun.objects.get(pk=run.pk)


def match_run_publish_start(*, run: MatchRun, published_by: User, base_url: str = "") -> MatchRun:
    """Publish a proposal: claim it, and queue the Celery task that publishes it once this commits (the run page
    shows its progress). With eager Celery (tests, `make run`) the task has finished when this returns."""
    with transaction.atomic():
        run = match_run_publish_request(run=run, published_by=published_by)
        run_id = run.pk
        ring("matching.tasks.publish_run", run_id=run_id, base_url=base_url)
    run.refresh_from_db()
    return run


def match_run_publish_execute(*, run_id: int, base_url: str = "") -> MatchRun | None:
    """What the task does: claim the run being published (`publishing → published`, one conditional UPDATE in the
    same transaction as the partnerships, so a duplicate or retried task finds nothing to claim) and publish it.

    All or nothing: a refusal (a pair can no longer be made, the cohort left matching) or an unexpected error rolls
    the whole publication back, and the run returns to its editable proposal with the reason. Temporary database
    errors propagate for the task to retry. Returns None when there was nothing to claim.
    """
    try:
        with transaction.atomic():
            cohort_id = MatchRun.objects.filter(pk=run_id).values_list("cohort_id", flat=True).first()
            if cohort_id is None:
                return None
            # The cohort's lock keeps a second task out until this one commits (it then finds the run published).
            # The run's own row is claimed only at the end: locked for the whole publication, it would stop the
            # task's heartbeat, and the sweeper would take a long publication for a lost one.
            cohort = Cohort.objects.select_for_update().select_related("program").get(pk=cohort_id)
            run = MatchRun.objects.select_related("published_by").filter(pk=run_id).first()
            if run is None or run.status != MatchRunStatus.PUBLISHING:
                return None
            _publish(run, cohort, base_url=base_url or settings.SITE_URL)
            claimed = MatchRun.objects.filter(pk=run_id, status=MatchRunStatus.PUBLISHING).update(
                status=MatchRunStatus.PUBLISHED, published_at=timezone.now(), progress=100, stage="Published"
            )
            if not claimed:  # given up meanwhile (the sweeper, or a new request after LOST_AFTER): publish nothing
                transaction.set_rollback(True)
                return None
            # The apps above (nudges: tell the people left unmatched) answer in this transaction.
            signals.match_run_published.send(sender=MatchRun, run=run, base_url=base_url or settings.SITE_URL)
    except ValidationError as error:
        match_run_publish_fail(run_id=run_id, message=" ".join(error.messages))
    except TEMPORARY_ERRORS:
        raise
    except Exception as error:
        with transaction.atomic():
            told = failure_told(run_id=run_id, stage="publishing", error=error)
            match_run_publish_fail(run_id=run_id, message=f"{told} Publish again.")
        raise
    else:
        _forget_publish_progress(run_id)
    return MatchRun.objects.get(pk=run_id)


def match_run_publish_fail(*, run_id: int, message: str) -> None:
    """Publishing published nothing (its transaction rolled back): the proposal is back, editable, with why."""
    MatchRun.objects.filter(pk=run_id, status=MatchRunStatus.PUBLISHING).update(
        status=MatchRunStatus.DONE,
        published_by=None,
        published_at=None,
        publish_error=message,
        progress=100,
        stage="Proposal ready",
    )
    _forget_publish_progress(run_id)


def match_run_publish_requeue(*, run_id: int) -> None:
    """The task hit a temporary error and will retry: the run stays claimed for publishing, nothing was written."""
    MatchRun.objects.filter(pk=run_id, status=MatchRunStatus.PUBLISHING).update(stage="Waiting to retry")
    _forget_publish_progress(run_id)


def _forget_publish_progress(run_id: int) -> None:
    try:
        cache.delete(selectors.publish_progress_key(run_id))
    except Exception:  # the count is only for the progress bar; the database is what counts
        logger.warning("Could not clear the publishing progress of run %s", run_id, exc_info=True)


class _PublishProgress:
    """Counts the pairs published so far into the cache, where the run page reads it: nothing of the publishing
    transaction is visible to other connections until it commits. One write per percent, not one per pair."""

    def __init__(self, run_id: int, total: int):
        self.key, self.total, self.last = selectors.publish_progress_key(run_id), total, -1
        self(0)

    def __call__(self, done: int) -> None:
        percent = done * 100 // max(self.total, 1)
        if percent == self.last and done != self.total:
            return
        self.last = percent
        try:
            cache.set(self.key, {"done": done, "total": self.total}, timeout=int(LOST_AFTER.total_seconds()))
        except Exception:  # a progress bar that stands still must not undo a publication
            logger.warning("Could not record the publishing progress (%s)", self.key, exc_info=True)


def _publish(run: MatchRun, cohort: Cohort, *, base_url: str) -> None:
    """Inside the publishing transaction: every pair becomes a partnership, both partners of each are told (after
    commit), older proposals are replaced and the cohort becomes active (a re-match leaves it active)."""
    _check_publishable(run, cohort)
    pairs = list(run.pairs.select_related("user_a", "user_b").order_by("-score", "pk"))
    progress = _PublishProgress(run.pk, len(pairs))
    for done, pair in enumerate(pairs, start=1):
        try:
            partnership = partnership_create(
                cohort=cohort,
                first=pair.user_a,
                second=pair.user_b,
                published_by=run.published_by,
                score=pair.score,
                first_teaches_second=pair.a_teaches_b,
                second_teaches_first=pair.b_teaches_a,
                explanation=pair.explanation,
                is_one_way=pair.is_one_way,
            )
        except ValidationError as error:
            raise ValidationError(
                f"{pair.user_a} ⇄ {pair.user_b}: {' '.join(error.messages)} Nothing was published: break that pair "
                "or run matching again.",
                code="pair_refused",
            ) from None
        _notify(partnership, base_url)
        progress(done)
    cohort.match_runs.filter(status=MatchRunStatus.DONE).exclude(pk=run.pk).update(status=MatchRunStatus.SUPERSEDED)
    if cohort.status == CohortStatus.MATCHING:
        cohort_activate(cohort=cohort)
