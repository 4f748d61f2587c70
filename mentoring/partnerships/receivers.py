"""How partnerships answer what programs announce (see mentoring.programs.signals)."""

from django.conf import settings
from django.dispatch import receiver

from mentoring.partnerships.services import COHORT_CLOSED_REASON, partnerships_end_by_program_team
from mentoring.programs.signals import cohort_closing, participant_withdrawn


@receiver(cohort_closing, dispatch_uid="partnerships.end_pairs_of_closing_cohort")
def end_pairs_of_closing_cohort(sender, *, cohort, **kwargs) -> None:
    """The round is over: its pairs end. Closing needs no request, so e-mail links start at SITE_URL."""
    partnerships_end_by_program_team(
        partnerships=cohort.partnerships.all(), reason=COHORT_CLOSED_REASON, base_url=settings.SITE_URL
    )


@receiver(participant_withdrawn, dispatch_uid="partnerships.end_pairs_of_withdrawn_participant")
def end_pairs_of_withdrawn_participant(sender, *, enrollment, base_url: str, **kwargs) -> None:
    """A pair cannot go on without one of its partners: its page then says why it ended."""
    partnerships_end_by_program_team(
        partnerships=enrollment.cohort.partnerships.for_user(enrollment.user),
        reason=f"{enrollment.user.display_name} was withdrawn from the cohort by the program team.",
        base_url=base_url,
    )
