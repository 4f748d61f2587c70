"""A match run or a publication that failed for a reason nobody foresaw (a bug): the people in ADMINS are e-mailed
through the outbox, once per run and stage, and the run's page says who knows."""

from __future__ import annotations

import traceback

from django.conf import settings

from matching.models import MatchRun
from mentoring.notifications.services import absolute_link, admins_tell

STAGES = {"matching": "Matching", "publishing": "Publishing"}


def failure_told(*, run_id: int, stage: str, error: BaseException) -> str:
    """Tell the ADMINS that ``stage`` ("matching" or "publishing") of the run failed with ``error`` (only the first
    failure of each run and stage is e-mailed) and return what the run's page says about it."""
    run = MatchRun.objects.select_related("cohort__program").get(pk=run_id)
    told = admins_tell(
        kind="match_failed",
        key=f"match_failed:{stage}:{run.pk}",
        context={
            "run": run,
            "cohort": run.cohort,
            "stage": STAGES[stage],
            "error_type": type(error).__name__,
            "error": str(error)[:1000],
            "trace": "".join(traceback.format_exception(error))[-8000:],
            "link": absolute_link(settings.SITE_URL, run.get_absolute_url()),
        },
    )
    if told:
        return f"Unexpected error ({type(error).__name__}); the team has been told."
    return (
        f"Unexpected error ({type(error).__name__}). It is in the server's log, but nobody was e-mailed about it "
        "(no ADMINS are set): tell whoever runs Twoway."
    )
