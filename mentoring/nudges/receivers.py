"""How nudges answer what programs and matching announce (mentoring.programs.signals, matching.signals).

Each receiver runs inside the transaction of the change it answers, so its nudges commit or roll back with it."""

from django.conf import settings
from django.dispatch import receiver

from matching.signals import match_run_published
from mentoring.nudges.services import cohort_summaries_send, unmatched_tell
from mentoring.partnerships.services import COHORT_CLOSED_REASON
from mentoring.programs.signals import cohort_closing


@receiver(match_run_published, dispatch_uid="nudges.tell_unmatched_at_publishing")
def tell_unmatched_at_publishing(sender, *, run, base_url: str = "", **kwargs) -> None:
    unmatched_tell(run_id=run.pk, base_url=base_url or settings.SITE_URL)


@receiver(cohort_closing, dispatch_uid="nudges.send_cohort_summaries")
def send_cohort_summaries(sender, *, cohort, **kwargs) -> None:
    """Closing needs no request, so links start at SITE_URL. The pairs end in the same transaction (partnerships'
    receiver), with COHORT_CLOSED_REASON: those are the pairs still active at the close."""
    cohort_summaries_send(cohort_id=cohort.pk, ended_reason=COHORT_CLOSED_REASON, base_url=settings.SITE_URL)
