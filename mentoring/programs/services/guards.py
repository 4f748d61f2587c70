"""The lock every cohort service takes first."""

from mentoring.programs.models import Cohort


def lock_cohort(cohort: Cohort) -> Cohort:
    """Re-read the cohort under a row lock: capacity and status decisions are made on fresh data."""
    return Cohort.objects.select_for_update().select_related("program").get(pk=cohort.pk)
