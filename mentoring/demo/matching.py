"""The demo's matching: the pilot cohort is matched by a real run, which the program admin published.

Ana ⇄ Ben is locked (a lock is how an admin keeps a pair through re-runs); the engine finds the other pairs
itself, and leaves Grace and Hugo unmatched with their reasons, so the proposal page shows what it shows in real
life. Safe to load again: a cohort that already has runs or partnerships is left alone.
"""

import datetime

from accounts.models import User
from matching import services
from matching.models import MatchRun, PairRule, PairRuleKind
from mentoring.programs.models import Cohort, CohortStatus

DEMO_LOCK = ("ana", "ben", "Ben asked for a data partner at the kick-off and Ana volunteered.")


def load_demo_matching(users: dict[str, User], *, program: str, cohort_name: str = "Pilot") -> Cohort | None:
    cohort = Cohort.objects.filter(program__name=program, name=cohort_name).first()
    if cohort is None or cohort.status != CohortStatus.MATCHING:
        return cohort
    if cohort.match_runs.exists() or cohort.partnerships.exists():
        return cohort
    admin = users["hr"]
    first, second, reason = DEMO_LOCK
    services.pair_rule_create(
        cohort=cohort, first=users[first], second=users[second], kind=PairRuleKind.LOCK, by=admin, reason=reason
    )
    run = services.match_run_start(cohort=cohort, started_by=admin)
    # What the publish button and its Celery task do, here inside the demo's own transaction.
    services.match_run_publish_request(run=run, published_by=admin)
    services.match_run_publish_execute(run_id=run.pk)
    # Dated like the rest of the pilot's story: matched the day after its enrollment closed.
    ran = datetime.datetime.combine(cohort.enrollment_closes_on, datetime.time(9), tzinfo=datetime.UTC)
    ran += datetime.timedelta(days=1)
    took = run.finished_at - run.started_at
    MatchRun.objects.filter(pk=run.pk).update(
        created_at=ran,
        started_at=ran,
        finished_at=ran + took,
        publish_requested_at=ran + datetime.timedelta(hours=2),
        published_at=ran + datetime.timedelta(hours=2),
    )
    PairRule.objects.filter(cohort=cohort).update(created_at=ran - datetime.timedelta(minutes=10))
    cohort.partnerships.update(started_at=ran + datetime.timedelta(hours=2))
    cohort.enrollments.update(
        applied_at=ran - datetime.timedelta(days=20), status_changed_at=ran - datetime.timedelta(days=18)
    )
    cohort.refresh_from_db()
    return cohort
