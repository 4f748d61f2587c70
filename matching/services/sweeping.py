"""Recovering match runs and publications whose worker (or whose queued message) was lost.

Celery beat calls ``match_runs_sweep`` every minute. A worker writes its run's ``heartbeat_at`` while it matches
or publishes; a run still queued, running or publishing whose last sign of life is older than STALE_AFTER is
asked for again (the claims in runs.py and publishing.py make sure each is done once), at most
RECOVERY_ATTEMPTS times; after that it is given up with a message on its page. So a lost run resumes within a few
minutes instead of waiting for the broker's visibility timeout or an admin.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from matching.models import RECOVERY_ATTEMPTS, STALE_AFTER, MatchRun, MatchRunStatus
from matching.services.publishing import match_run_publish_fail
from matching.services.runs import match_run_fail
from mentoring.core.tasks import ring


def _stale(now: datetime.datetime, since: str) -> Q:
    """No sign of life since ``now - STALE_AFTER``: the heartbeat, or (never beaten) the field ``since``."""
    cutoff = now - STALE_AFTER
    return Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, **{f"{since}__lt": cutoff})


def match_runs_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Ask again for every lost run and publication; give up on those recovered too often. Returns the counts."""
    now = now or timezone.now()
    counts = {"runs": 0, "publications": 0, "given_up": 0}
    lost_runs = MatchRun.objects.filter(
        Q(status=MatchRunStatus.QUEUED) & _stale(now, "created_at")
        | Q(status=MatchRunStatus.RUNNING) & _stale(now, "started_at")
    )
    for run in lost_runs.only("pk", "status", "recoveries"):
        if run.recoveries >= RECOVERY_ATTEMPTS:
            match_run_fail(run_id=run.pk, message="No worker could finish this run. Run matching again.")
            counts["given_up"] += 1
            continue
        # Back in the queue with a fresh sign of life, so the next sweep waits for this attempt.
        recovered = MatchRun.objects.filter(pk=run.pk, status=run.status, recoveries=run.recoveries).update(
            status=MatchRunStatus.QUEUED, heartbeat_at=now, recoveries=run.recoveries + 1, stage="Waiting for a worker"
        )
        if recovered:
            ring("matching.tasks.run_match", run_id=run.pk)
            counts["runs"] += 1
    lost_publications = MatchRun.objects.filter(
        Q(status=MatchRunStatus.PUBLISHING) & _stale(now, "publish_requested_at")
    )
    for run in lost_publications.only("pk", "recoveries"):
        if run.recoveries >= RECOVERY_ATTEMPTS:
            match_run_publish_fail(
                run_id=run.pk, message="No worker could finish publishing, so nothing was published. Publish again."
            )
            counts["given_up"] += 1
            continue
        recovered = MatchRun.objects.filter(
            pk=run.pk, status=MatchRunStatus.PUBLISHING, recoveries=run.recoveries
        ).update(heartbeat_at=now, recoveries=run.recoveries + 1, stage="Waiting for a worker")
        if recovered:
            # Without a request, the links in the partners' e-mails start at SITE_URL.
            ring("matching.tasks.publish_run", run_id=run.pk, base_url="")
            counts["publications"] += 1
    return counts
