"""Checks and locks the matching services share."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError

from matching.models import (
    MatchRunKind,
)
from mentoring.programs.models import Cohort, CohortStatus

# Errors worth retrying: the database went away for a moment. Anything else is a bug or bad data.
TEMPORARY_ERRORS = (OperationalError, InterfaceError)


REASON_MAX = 300


# What the engine says about a pair that only fails reciprocity: a hand-made pair may still be published.
RECIPROCITY_PROBLEMS = ("not reciprocal", "neither ")


STATUS_FOR_KIND = {MatchRunKind.FULL: CohortStatus.MATCHING, MatchRunKind.REMATCH: CohortStatus.ACTIVE}


def lock_cohort(cohort: Cohort) -> Cohort:
    return Cohort.objects.select_for_update().select_related("program").get(pk=cohort.pk)


def check_cohort_status(cohort: Cohort, kind: str) -> None:
    required = STATUS_FOR_KIND[kind]
    if cohort.status == required:
        return
    status = cohort.get_status_display().lower()
    if kind == MatchRunKind.FULL:
        raise ValidationError(
            f"Matching runs while a cohort is in matching; {cohort.name} is {status}. "
            "Close enrollment and start matching on the cohort page first.",
            code="wrong_status",
        )
    raise ValidationError(
        f"Re-matching after a pair ends is for active cohorts; {cohort.name} is {status}.", code="wrong_status"
    )


def pair_key(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)
