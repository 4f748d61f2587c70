"""How the community answers what programs announce (see mentoring.programs.signals)."""

from django.conf import settings
from django.dispatch import receiver

from mentoring.community.services.alumni import alumni_invite_after_closing
from mentoring.programs.signals import cohort_closing


@receiver(cohort_closing, dispatch_uid="community.invite_new_alumni")
def invite_new_alumni(sender, *, cohort, **kwargs) -> None:
    """The cohort's participants are alumni now: each is invited (once per cohort) to join the alumni network.
    Closing needs no request, so the e-mail's link starts at SITE_URL."""
    alumni_invite_after_closing(cohort=cohort, base_url=settings.SITE_URL)
