"""Starting and running a match: a run's life from queued to its saved proposal.

Every service is keyword-only and runs in one transaction; a refusal is a ValidationError written for the program
admin who asked (field errors as a dict), and a refused call writes nothing.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from accounts.models import User
from matching import selectors
from matching.engine import InputError, MatchResult, breakdown, solve
from matching.models import (
    LOST_AFTER,
    MATCHING_IN_PROGRESS,
    STALE_AFTER,
    MatchPair,
    MatchRun,
    MatchRunKind,
    MatchRunStatus,
    MatchUnmatched,
)
from matching.scoring import describe
from matching.services.failures import failure_told
from matching.services.guards import (
    RECIPROCITY_PROBLEMS,
    TEMPORARY_ERRORS,
    check_cohort_status,
    lock_cohort,
    pair_key,
)
from matching.services.publishing import mark_lost_runs
from mentoring.core.tasks import ring
from mentoring.programs.models import Cohort

# Up to this many people a run finishes within the request (well under a second); larger cohorts run as a
# Celery task with a progress bar.
INLINE_MAX_PEOPLE = 300


logger = logging.getLogger(__name__)


@transaction.atomic
def match_run_create(
    *, cohort: Cohort, started_by: User | None, kind: str = MatchRunKind.FULL, context: dict | None = None
) -> MatchRun:
    """A queued run for the cohort's free participants (approved, without an active partnership in it)."""
    _refuse_while_publishing(cohort)
    cohort = lock_cohort(cohort)
    check_cohort_status(cohort, kind)
    mark_lost_runs(cohort)
    busy = cohort.match_runs.in_progress().first()
    if busy is not None:
        raise ValidationError(_busy_message(busy), code="busy")
    count = selectors.free_participants(cohort).count()
    if count < 2:
        raise ValidationError(
            f"Matching needs at least two approved participants without a partner; {cohort.name} has {count}.",
            code="too_few",
        )
    number = (cohort.match_runs.aggregate(n=Max("number"))["n"] or 0) + 1
    return MatchRun.objects.create(
        cohort=cohort,
        number=number,
        kind=kind,
        created_by=started_by,
        candidate_count=count,
        stage="Waiting to start",
        parameters={"context": context or {}},
    )


def _busy_message(run: MatchRun) -> str:
    return f"Run #{run.number} is still {run.get_status_display().lower()}: wait for it to finish."


def _refuse_while_publishing(cohort: Cohort) -> None:
    """Before taking any lock: a publishing task holds the cohort's row for the whole publication (seconds), so a
    run being published is refused at once, without waiting for it. The checks under the lock still decide."""
    publishing = cohort.match_runs.filter(
        status=MatchRunStatus.PUBLISHING, publish_requested_at__gte=timezone.now() - LOST_AFTER
    ).first()
    if publishing is not None:
        raise ValidationError(_busy_message(publishing), code="busy")


def launch(run: MatchRun) -> None:
    """Inside the creating transaction: a large run is queued once that transaction commits."""
    if run.candidate_count > INLINE_MAX_PEOPLE:
        run_id = run.pk
        ring("matching.tasks.run_match", run_id=run_id)


def finish_inline(run: MatchRun) -> MatchRun:
    if run.candidate_count <= INLINE_MAX_PEOPLE:
        match_run_execute(run_id=run.pk)
        run.refresh_from_db()
    return run


def match_run_start(*, cohort: Cohort, started_by: User) -> MatchRun:
    """Run matching for a cohort in matching. Small cohorts are matched at once; large ones by a Celery task
    queued when this commits (the run page shows its progress)."""
    with transaction.atomic():
        run = match_run_create(cohort=cohort, started_by=started_by, kind=MatchRunKind.FULL)
        launch(run)
    return finish_inline(run)


def match_run_rerun(*, run: MatchRun, started_by: User) -> MatchRun:
    """A new run of the same kind for the same cohort; it keeps every lock and exclusion."""
    with transaction.atomic():
        new = match_run_create(
            cohort=run.cohort, started_by=started_by, kind=run.kind, context=run.parameters.get("context") or {}
        )
        launch(new)
    return finish_inline(new)


def _progress(run_id: int, percent: int, stage: str) -> None:
    MatchRun.objects.filter(pk=run_id, status=MatchRunStatus.RUNNING).update(
        progress=percent, stage=stage, heartbeat_at=timezone.now()
    )


def match_run_fail(*, run_id: int, message: str) -> None:
    MatchRun.objects.filter(pk=run_id, status__in=MATCHING_IN_PROGRESS).update(
        status=MatchRunStatus.FAILED, error=message, finished_at=timezone.now(), stage="Failed"
    )


def match_run_requeue(*, run_id: int) -> None:
    """Put a run whose worker hit a temporary error back in the queue, for the retry to claim."""
    MatchRun.objects.filter(pk=run_id, status=MatchRunStatus.RUNNING).update(
        status=MatchRunStatus.QUEUED, stage="Waiting to retry"
    )


def match_run_execute(*, run_id: int) -> MatchRun | None:
    """Claim the run (exactly once: only a queued run, or one whose worker was lost, is claimed) and match.

    Returns None when the run was not claimed. Temporary database errors propagate (the task retries them); bad
    data fails the run with the engine's message, which names the person and the field.
    """
    now = timezone.now()
    stale = now - STALE_AFTER
    lost_worker = Q(status=MatchRunStatus.RUNNING) & (
        Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, started_at__lt=stale)
    )
    claimed = (
        MatchRun.objects.filter(pk=run_id)
        .filter(Q(status=MatchRunStatus.QUEUED) | lost_worker)
        .update(
            status=MatchRunStatus.RUNNING,
            started_at=now,
            heartbeat_at=now,
            progress=5,
            stage="Loading the participants",
        )
    )
    if not claimed:
        return None
    run = MatchRun.objects.select_related("cohort").get(pk=run_id)
    try:
        _execute(run)
    except InputError as error:
        match_run_fail(run_id=run_id, message=f"The engine refused this cohort's data: {error}")
    except TEMPORARY_ERRORS:
        raise
    except Exception as error:
        with transaction.atomic():
            match_run_fail(run_id=run_id, message=failure_told(run_id=run_id, stage="matching", error=error))
        raise
    return MatchRun.objects.get(pk=run_id)


def _usable_locks(inputs: selectors.MatchInputs, rules) -> tuple[list[tuple[str, str]], list[str]]:
    """Locks that still hold; a lock a hard rule now forbids (a profile changed) is left out, with the reason."""
    people = {c.id: c for c in inputs.candidates}
    excluded = {tuple(sorted(pair)) for pair in inputs.excluded}
    usable, ignored = [], []
    for a, b in inputs.locked:
        problems = [
            m
            for m in breakdown(people[a], people[b], rules, excluded=excluded).blocked
            if not m.startswith(RECIPROCITY_PROBLEMS)
        ]
        if problems:
            ignored.append(f"The lock {a} ⇄ {b} was not applied: {'; '.join(problems)}.")
        else:
            usable.append((a, b))
    return usable, ignored


# Where each engine stage sits on the progress bar (loading is 5-25 %, saving 85-100 %).
STAGE_SPAN = {
    "scoring": (25, 55, "Scoring every possible pair"),
    "solving": (55, 75, "Finding the best pairs"),
    "report": (75, 85, "Explaining who is unmatched"),
}


class _ProgressReporter:
    """Turns the engine's progress(stage, share) calls into a few row updates (not one per chunk)."""

    def __init__(self, run_id: int):
        self.run_id, self.last = run_id, -1

    def __call__(self, stage: str, share: float) -> None:
        low, high, text = STAGE_SPAN.get(stage, (25, 85, "Matching"))
        percent = int(low + (high - low) * max(0.0, min(1.0, share)))
        if percent - self.last >= 3 or (share in (0.0, 1.0) and percent != self.last):
            self.last = percent
            _progress(self.run_id, percent, text)


def _execute(run: MatchRun) -> None:
    started = time.perf_counter()
    cohort = run.cohort
    inputs = selectors.match_inputs(cohort)
    rules = selectors.cohort_rules(cohort)
    loaded = time.perf_counter()
    _progress(run.pk, 25, f"Scoring and solving for {len(inputs.candidates):,} people")
    locked, ignored = _usable_locks(inputs, rules)
    result = solve(
        inputs.candidates,
        rules,
        locked=locked,
        excluded=inputs.excluded,
        allow_one_way_locks=True,
        progress=_ProgressReporter(run.pk),
    )
    solved = time.perf_counter()
    _progress(run.pk, 85, f"Saving {len(result.pairs):,} pairs")
    with transaction.atomic():
        run = MatchRun.objects.select_for_update(of=("self",)).select_related("cohort").get(pk=run.pk)
        if run.status != MatchRunStatus.RUNNING:
            return  # marked lost meanwhile; its result is no longer wanted
        _save_result(run, inputs, result, ignored, timings={"load": loaded - started, "engine": solved - loaded})
        saved = time.perf_counter()
        run.timings = {**run.timings, "save": saved - solved, "total": saved - started}
        run.save(update_fields=["timings"])


ONE_WAY_NOTE = "Locked as a one-way pairing by a program admin."


def _save_result(
    run: MatchRun, inputs: selectors.MatchInputs, result: MatchResult, ignored: list[str], *, timings: dict
) -> None:
    user_of = inputs.user_of
    lock_keys = {pair_key(user_of[a], user_of[b]) for a, b in inputs.locked}
    pairs = []
    for p in result.pairs:
        ua, ub, ab, ba = user_of[p.a], user_of[p.b], list(p.a_teaches_b), list(p.b_teaches_a)
        if ua > ub:
            ua, ub, ab, ba = ub, ua, ba, ab
        explanation = p.explanation
        if p.breakdown.blocked:  # a locked pair that is not reciprocal: say so, not "not allowed"
            explanation = f"{describe(replace(p.breakdown, blocked=()))} {ONE_WAY_NOTE}"
        pairs.append(
            MatchPair(
                run=run,
                user_a_id=ua,
                user_b_id=ub,
                score=p.score,
                a_teaches_b=ab,
                b_teaches_a=ba,
                explanation=explanation,
                flags=list(p.flags),
                is_locked=p.locked and (ua, ub) in lock_keys,
                is_one_way=not (ab and ba),
            )
        )
    MatchPair.objects.bulk_create(pairs, batch_size=500)
    MatchUnmatched.objects.bulk_create(
        [
            MatchUnmatched(
                run=run,
                user_id=user_of[u.id],
                reason=u.reason,
                suggestions=list(u.suggestions),
                fallbacks=[
                    {
                        "kind": f.kind,
                        "partner_ids": [user_of[x] for x in f.partners],
                        "partners": list(f.partners),
                        "learns": list(f.learns),
                        "teaches": list(f.teaches),
                        "points": f.points,
                        "description": f.description,
                    }
                    for f in u.fallbacks
                ],
                allowed_partners=u.allowed_partners,
            )
            for u in result.unmatched
        ],
        batch_size=500,
    )
    names = inputs.name_of
    cohort = run.cohort
    run.parameters = {
        **run.parameters,
        "rules": selectors.rules_snapshot(cohort),
        "candidates": len(inputs.candidates),
        "locked": [[a, b, f"{names[a]} ⇄ {names[b]}"] for a, b in sorted(inputs.lock_rules)],
        "excluded": sorted([inputs.user_of[a], inputs.user_of[b]] for a, b in inputs.excluded),
        "ignored_locks": ignored,
        "without_seniority": inputs.without_seniority,
    }
    report = result.solver
    run.candidate_count = len(inputs.candidates)
    run.total_score = result.total_score
    run.matched_people = result.matched_people
    run.unmatched_count = len(result.unmatched)
    run.supply_demand = [
        {
            "skill": s.skill,
            "offered_by": s.offered_by,
            "wanted_by": s.wanted_by,
            "matched_for": s.matched_for,
            "unmet": max(0, s.unmet),
        }
        for s in result.supply_demand
    ]
    run.solver = {
        "method": report.method,
        "allowed_pairs": report.allowed_pairs,
        "certified_ratio": report.certified_ratio,
        "cardinality_proven": report.cardinality_proven,
        "matchable_people_bound": report.matchable_people_bound,
    }
    run.timings = {**timings, **{f"engine_{k}": v for k, v in result.timings.items()}}
    run.status = MatchRunStatus.DONE
    run.progress = 100
    run.stage = "Proposal ready"
    run.finished_at = timezone.now()
    run.save()
    # The newest proposal replaces the ones before it (published runs stay what they are).
    MatchRun.objects.filter(cohort=cohort, status=MatchRunStatus.DONE, number__lt=run.number).update(
        status=MatchRunStatus.SUPERSEDED
    )
