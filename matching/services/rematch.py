"""After publishing: end one pair and match its two people again.

Every service is keyword-only and runs in one transaction; a refusal is a ValidationError written for the program
admin who asked (field errors as a dict), and a refused call writes nothing.
"""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from matching.models import (
    MatchRun,
    MatchRunKind,
    PairRuleKind,
)
from matching.services.guards import (
    check_cohort_status,
)
from matching.services.proposals import set_rule
from matching.services.runs import finish_inline, launch, match_run_create
from mentoring.partnerships.models import Partnership
from mentoring.partnerships.services import partnership_end


def partnership_end_and_rematch(*, partnership: Partnership, ended_by: User, reason: str) -> MatchRun:
    """End one partnership of an active cohort and match its two people again among the cohort's unmatched
    (approved, without an active partnership). Other pairs are not touched; the new proposal is reviewed and
    published like any other. The ended pair is excluded from being paired again."""
    with transaction.atomic():
        partnership = Partnership.objects.select_related("cohort", "member_a", "member_b").get(pk=partnership.pk)
        cohort = partnership.cohort
        check_cohort_status(cohort, MatchRunKind.REMATCH)
        partnership = partnership_end(partnership=partnership, ended_by=ended_by, reason=reason)
        a, b = partnership.member_a, partnership.member_b
        set_rule(cohort, a.pk, b.pk, PairRuleKind.EXCLUDE, ended_by, f"Partnership ended: {partnership.end_reason}")
        run = match_run_create(
            cohort=cohort,
            started_by=ended_by,
            kind=MatchRunKind.REMATCH,
            context={"ended": f"{a} ⇄ {b}", "reason": partnership.end_reason, "member_ids": [a.pk, b.pk]},
        )
        launch(run)
    return finish_inline(run)
