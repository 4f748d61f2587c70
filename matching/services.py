"""Writes for matching: start and run a match, change its proposal, publish it, re-match after a pair ends.

Every service is keyword-only and runs in one transaction; a refusal is a ValidationError written for the program
admin who asked (field errors as a dict), and a refused call writes nothing.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import replace

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from matching import selectors
from matching.engine import InputError, MatchResult, breakdown, solve
from matching.models import (
    IN_PROGRESS,
    LOST_AFTER,
    MATCHING_IN_PROGRESS,
    MatchPair,
    MatchRun,
    MatchRunKind,
    MatchRunStatus,
    MatchUnmatched,
    PairRule,
    PairRuleKind,
)
from matching.scoring import describe, skill_key
from mentoring.emails import queue_email
from mentoring.models import Cohort, CohortStatus, Partnership
from mentoring.partnership_services import partnership_create, partnership_end
from mentoring.services import cohort_activate

# Up to this many people a run finishes within the request (well under a second); larger cohorts run as a
# Celery task with a progress bar.
INLINE_MAX_PEOPLE = 300
# Errors worth retrying: the database went away for a moment. Anything else is a bug or bad data.
TEMPORARY_ERRORS = (OperationalError, InterfaceError)
REASON_MAX = 300
# What the engine says about a pair that only fails reciprocity: a hand-made pair may still be published.
RECIPROCITY_PROBLEMS = ("not reciprocal", "neither ")

logger = logging.getLogger(__name__)

STATUS_FOR_KIND = {MatchRunKind.FULL: CohortStatus.MATCHING, MatchRunKind.REMATCH: CohortStatus.ACTIVE}


def _lock_cohort(cohort: Cohort) -> Cohort:
    return Cohort.objects.select_for_update().select_related("program").get(pk=cohort.pk)


def _check_cohort_status(cohort: Cohort, kind: str) -> None:
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


# --- Starting and running ------------------------------------------------------------------------------------


def _mark_lost_runs(cohort: Cohort) -> None:
    """Runs whose worker was lost (LOST_AFTER): one queued or running fails (a redelivered task may still claim a
    running one); one publishing goes back to its proposal. Called when someone starts a run or publishes."""
    cutoff = timezone.now() - LOST_AFTER
    MatchRun.objects.filter(cohort=cohort).filter(
        Q(status=MatchRunStatus.RUNNING, started_at__lt=cutoff) | Q(status=MatchRunStatus.QUEUED, created_at__lt=cutoff)
    ).update(
        status=MatchRunStatus.FAILED,
        finished_at=timezone.now(),
        error="The run was lost: no worker finished it in time. Run matching again.",
    )
    # A publishing task that committed is published; one that did not published nothing, so its proposal is back.
    lost = MatchRun.objects.filter(cohort=cohort, status=MatchRunStatus.PUBLISHING, publish_requested_at__lt=cutoff)
    for run_id in lost.values_list("pk", flat=True):
        match_run_publish_fail(
            run_id=run_id, message="No worker finished publishing in time. Publish again: nothing is published twice."
        )


@transaction.atomic
def match_run_create(
    *, cohort: Cohort, started_by: User | None, kind: str = MatchRunKind.FULL, context: dict | None = None
) -> MatchRun:
    """A queued run for the cohort's free participants (approved, without an active partnership in it)."""
    _refuse_while_publishing(cohort)
    cohort = _lock_cohort(cohort)
    _check_cohort_status(cohort, kind)
    _mark_lost_runs(cohort)
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


def _launch(run: MatchRun) -> None:
    """Inside the creating transaction: a large run is queued once that transaction commits."""
    if run.candidate_count > INLINE_MAX_PEOPLE:
        from matching.tasks import run_match

        run_id = run.pk
        transaction.on_commit(lambda: run_match.delay(run_id))


def _finish_inline(run: MatchRun) -> MatchRun:
    if run.candidate_count <= INLINE_MAX_PEOPLE:
        match_run_execute(run_id=run.pk)
        run.refresh_from_db()
    return run


def match_run_start(*, cohort: Cohort, started_by: User) -> MatchRun:
    """Run matching for a cohort in matching. Small cohorts are matched at once; large ones by a Celery task
    queued when this commits (the run page shows its progress)."""
    with transaction.atomic():
        run = match_run_create(cohort=cohort, started_by=started_by, kind=MatchRunKind.FULL)
        _launch(run)
    return _finish_inline(run)


def match_run_rerun(*, run: MatchRun, started_by: User) -> MatchRun:
    """A new run of the same kind for the same cohort; it keeps every lock and exclusion."""
    with transaction.atomic():
        new = match_run_create(
            cohort=run.cohort, started_by=started_by, kind=run.kind, context=run.parameters.get("context") or {}
        )
        _launch(new)
    return _finish_inline(new)


def _progress(run_id: int, percent: int, stage: str) -> None:
    MatchRun.objects.filter(pk=run_id, status=MatchRunStatus.RUNNING).update(progress=percent, stage=stage)


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
    claimed = (
        MatchRun.objects.filter(pk=run_id)
        .filter(Q(status=MatchRunStatus.QUEUED) | Q(status=MatchRunStatus.RUNNING, started_at__lt=now - LOST_AFTER))
        .update(status=MatchRunStatus.RUNNING, started_at=now, progress=5, stage="Loading the participants")
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
        match_run_fail(run_id=run_id, message=f"Unexpected error ({type(error).__name__}); the team has been told.")
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
    lock_keys = {_key(user_of[a], user_of[b]) for a, b in inputs.locked}
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


# --- Changing a proposal -------------------------------------------------------------------------------------


def not_editable_message(run: MatchRun) -> str:
    if run.status == MatchRunStatus.PUBLISHED:
        return f"Run #{run.number} is published: its pairs are partnerships now."
    if run.status == MatchRunStatus.SUPERSEDED:
        return f"Run #{run.number} was replaced by a later run: work on the newest proposal instead."
    if run.status == MatchRunStatus.FAILED:
        return f"Run #{run.number} failed, so it has no proposal: run matching again."
    if run.status == MatchRunStatus.PUBLISHING:
        return f"Run #{run.number} is being published: its proposal can no longer change."
    return f"Run #{run.number} is still {run.get_status_display().lower()}: wait for its proposal."


def _lock_proposal(run: MatchRun) -> MatchRun:
    # Read first without a lock: a run being published is refused at once, not after its task's transaction ends.
    for query in (MatchRun.objects, MatchRun.objects.select_for_update(of=("self",))):
        run = query.select_related("cohort", "cohort__program").get(pk=run.pk)
        if run.status != MatchRunStatus.DONE:
            raise ValidationError(not_editable_message(run), code="not_editable")
    return run


def _pair_in(run: MatchRun, pair: MatchPair) -> MatchPair:
    found = MatchPair.objects.select_related("user_a", "user_b").filter(pk=pair.pk, run=run).first()
    if found is None:
        raise ValidationError("That pair is no longer in this proposal.", code="gone")
    return found


def _log(run: MatchRun, by: User, text: str) -> None:
    run.changes = [*run.changes, {"at": timezone.now().isoformat(), "by": by.display_name, "text": text}]


def _refresh_totals(run: MatchRun) -> None:
    """Totals and 'matched for' per skill follow the admin's changes (the engine counts skills the same way)."""
    rows = list(run.pairs.values_list("score", "a_teaches_b", "b_teaches_a"))
    taught = Counter(skill_key(skill) for _, ab, ba in rows for skill in [*ab, *ba])
    run.total_score = sum(score for score, _, _ in rows)
    run.matched_people = 2 * len(rows)
    run.unmatched_count = run.unmatched.count()
    run.supply_demand = [
        {
            **row,
            "matched_for": taught[skill_key(row["skill"])],
            "unmet": max(0, row["wanted_by"] - taught[skill_key(row["skill"])]),
        }
        for row in run.supply_demand
    ]
    run.save(update_fields=["total_score", "matched_people", "unmatched_count", "supply_demand", "changes"])


def _key(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _set_rule(cohort: Cohort, a: int, b: int, kind: str, by: User, reason: str) -> PairRule:
    low, high = _key(a, b)
    rule, _ = PairRule.objects.update_or_create(
        cohort=cohort,
        user_a_id=low,
        user_b_id=high,
        defaults={"kind": kind, "created_by": by, "reason": reason[:REASON_MAX], "created_at": timezone.now()},
    )
    return rule


def _unpair(run: MatchRun, pair: MatchPair, by: User, why: str) -> None:
    a, b = pair.user_a.display_name, pair.user_b.display_name
    pair.delete()
    reason = f"{a} and {b} were paired in this proposal ({pair.score} points); {why}"
    MatchUnmatched.objects.bulk_create(
        [
            MatchUnmatched(
                run=run,
                user_id=user_id,
                reason=reason,
                suggestions=[
                    "Pair them by hand with someone else who is unmatched, or re-run matching: every later run "
                    "keeps the exclusion."
                ],
                from_broken_pair=True,
            )
            for user_id in (pair.user_a_id, pair.user_b_id)
        ]
    )


@transaction.atomic
def match_pair_lock(*, pair: MatchPair, by: User) -> MatchPair:
    """Keep this pair as it is in every later run of the cohort."""
    run = _lock_proposal(pair.run)
    pair = _pair_in(run, pair)
    if pair.is_locked:
        raise ValidationError("This pair is already locked.", code="no_change")
    other = (
        PairRule.objects.filter(cohort=run.cohort, kind=PairRuleKind.LOCK)
        .filter(Q(user_a__in=[pair.user_a, pair.user_b]) | Q(user_b__in=[pair.user_a, pair.user_b]))
        .select_related("user_a", "user_b")
        .first()
    )
    if other is not None:
        raise ValidationError(
            f"{other.user_a} and {other.user_b} are locked together already: remove that lock first.", code="locked"
        )
    _set_rule(run.cohort, pair.user_a_id, pair.user_b_id, PairRuleKind.LOCK, by, f"Locked on run #{run.number}")
    pair.is_locked = True
    pair.save(update_fields=["is_locked"])
    _log(run, by, f"Locked {pair.user_a} ⇄ {pair.user_b}")
    run.save(update_fields=["changes"])
    return pair


@transaction.atomic
def match_pair_unlock(*, pair: MatchPair, by: User) -> MatchPair:
    run = _lock_proposal(pair.run)
    pair = _pair_in(run, pair)
    if not pair.is_locked:
        raise ValidationError("This pair is not locked.", code="no_change")
    PairRule.objects.filter(cohort=run.cohort, kind=PairRuleKind.LOCK, user_a=pair.user_a, user_b=pair.user_b).delete()
    pair.is_locked = False
    pair.save(update_fields=["is_locked"])
    _log(run, by, f"Unlocked {pair.user_a} ⇄ {pair.user_b}")
    run.save(update_fields=["changes"])
    return pair


@transaction.atomic
def match_pair_break(*, pair: MatchPair, by: User) -> None:
    """Take the pair out of the proposal; later runs will not pair these two again (an exclusion)."""
    run = _lock_proposal(pair.run)
    pair = _pair_in(run, pair)
    _set_rule(run.cohort, pair.user_a_id, pair.user_b_id, PairRuleKind.EXCLUDE, by, f"Pair broken on run #{run.number}")
    _unpair(run, pair, by, f"{by.display_name} broke the pair, and later runs will not pair them again.")
    _log(run, by, f"Broke {pair.user_a} ⇄ {pair.user_b}")
    _refresh_totals(run)


def _run_people(run: MatchRun, users: list[User]) -> dict[int, MatchPair | None]:
    """For each user the run considered: their pair in the proposal, or None when unmatched."""
    ids = [u.pk for u in users]
    found: dict[int, MatchPair | None] = {}
    for pair in run.pairs.filter(Q(user_a__in=ids) | Q(user_b__in=ids)).select_related("user_a", "user_b"):
        found[pair.user_a_id] = found[pair.user_b_id] = pair
    for user_id in run.unmatched.filter(user__in=ids).values_list("user_id", flat=True):
        found[user_id] = None
    return found


def _check_two(run: MatchRun, first: User, second: User) -> dict[int, MatchPair | None]:
    if first.pk == second.pk:
        raise ValidationError({"second": "Choose two different people."}, code="same_person")
    found = _run_people(run, [first, second])
    errors = {}
    for field, person in (("first", first), ("second", second)):
        if person.pk not in found:
            errors[field] = (
                f"{person.display_name} was not among the people run #{run.number} matched "
                f"(approved participants of {run.cohort.name} without a partner)."
            )
    if errors:
        raise ValidationError(errors, code="not_in_run")
    return found


@transaction.atomic
def match_pair_exclude(*, run: MatchRun, first: User, second: User, by: User, reason: str = "") -> PairRule:
    """Never pair these two in this cohort; if the proposal pairs them, the pair is broken."""
    run = _lock_proposal(run)
    found = _check_two(run, first, second)
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"Keep the reason under {REASON_MAX} characters."}, code="too_long")
    low, high = _key(first.pk, second.pk)
    if PairRule.objects.filter(cohort=run.cohort, user_a_id=low, user_b_id=high, kind=PairRuleKind.EXCLUDE).exists():
        raise ValidationError(f"{first} and {second} are already excluded from being paired.", code="no_change")
    rule = _set_rule(run.cohort, first.pk, second.pk, PairRuleKind.EXCLUDE, by, reason or "Excluded by an admin")
    pair, other = found[first.pk], found[second.pk]
    if pair is not None and other is not None and pair.pk == other.pk:
        _unpair(run, pair, by, f"{by.display_name} excluded them from being paired.")
    _log(run, by, f"Excluded {first} ⇄ {second} from being paired")
    _refresh_totals(run)
    return rule


@transaction.atomic
def match_pair_manual(*, run: MatchRun, first: User, second: User, by: User) -> tuple[MatchPair, list[str]]:
    """Pair two unmatched people by hand. Hard rules are refused; a pair that is not reciprocal is made as a
    one-way pairing, with a warning. The pair is locked, so later runs keep it. Returns (pair, warnings)."""
    run = _lock_proposal(run)
    found = _check_two(run, first, second)
    errors = {}
    for field, person in (("first", first), ("second", second)):
        pair = found[person.pk]
        if pair is not None:
            partner = pair.user_b if pair.user_a_id == person.pk else pair.user_a
            errors[field] = f"{person} is already paired with {partner} in this proposal: break that pair first."
    if errors:
        raise ValidationError(errors, code="already_paired")
    cohort = run.cohort
    inputs = selectors.match_inputs(cohort, user_ids=[first.pk, second.pk])
    for field, person in (("first", first), ("second", second)):
        if person.pk not in inputs.name_of:
            raise ValidationError(
                {field: f"{person} is no longer an approved participant of {cohort.name}."}, code="not_enrolled"
            )
    rules = selectors.cohort_rules(cohort)
    p = next(c for c in inputs.candidates if c.id == inputs.name_of[first.pk])
    q = next(c for c in inputs.candidates if c.id == inputs.name_of[second.pk])
    result = breakdown(p, q, rules, excluded={tuple(sorted(x)) for x in inputs.excluded})
    hard = [m for m in result.blocked if not m.startswith(RECIPROCITY_PROBLEMS)]
    if hard:
        hint = " Remove the exclusion first if it no longer applies." if inputs.excluded else ""
        raise ValidationError(f"{first} and {second} cannot be paired: {'; '.join(hard)}.{hint}", code="hard_rule")
    if not result.a_teaches_b and not result.b_teaches_a:
        raise ValidationError(
            f"Neither {first} nor {second} can teach the other anything they want to learn, so they would have "
            "nothing to work on. Ask them to update their skill profiles, or choose someone else.",
            code="nothing_to_teach",
        )
    engine_pair = solve([p, q], rules, locked=[(p.id, q.id)], excluded=inputs.excluded, allow_one_way_locks=True)
    flags = list(engine_pair.pairs[0].flags)
    one_way = not (result.a_teaches_b and result.b_teaches_a)
    warnings = []
    if one_way:
        teacher, learner, lessons = (
            (first, second, result.a_teaches_b) if result.a_teaches_b else (second, first, result.b_teaches_a)
        )
        warnings.append(
            f"{first} ⇄ {second} is not reciprocal: only {teacher} teaches {learner} "
            f"({', '.join(x.skill for x in lessons)}). It will be published as a one-way pairing."
        )
    ab = [x.skill for x in result.a_teaches_b]
    ba = [x.skill for x in result.b_teaches_a]
    ua, ub = first.pk, second.pk
    if ua > ub:
        ua, ub, ab, ba = ub, ua, ba, ab
    how = "as a one-way pairing" if one_way else "by hand"
    pair = MatchPair.objects.create(
        run=run,
        user_a_id=ua,
        user_b_id=ub,
        score=result.total,
        a_teaches_b=ab,
        b_teaches_a=ba,
        explanation=f"{describe(replace(result, blocked=()))} Paired {how} by a program admin.",
        flags=flags,
        is_locked=True,
        is_manual=True,
        is_one_way=one_way,
    )
    run.unmatched.filter(user__in=[first, second]).delete()
    _set_rule(cohort, first.pk, second.pk, PairRuleKind.LOCK, by, f"Paired by hand on run #{run.number}")
    _log(run, by, f"Paired {first} ⇄ {second} by hand" + (" (one-way)" if one_way else ""))
    _refresh_totals(run)
    return pair, warnings


@transaction.atomic
def pair_rule_create(*, cohort: Cohort, first: User, second: User, kind: str, by: User, reason: str = "") -> PairRule:
    """Lock two participants together, or exclude them from being paired, before (or between) runs.

    Hard rules are checked when a run uses the lock: one that no longer holds is left out, with the reason."""
    if first.pk == second.pk:
        raise ValidationError({"second": "Choose two different people."}, code="same_person")
    if kind not in PairRuleKind.values:
        raise ValidationError("Choose a lock or an exclusion.", code="invalid")
    approved = set(cohort.enrollments.approved().filter(user__in=[first, second]).values_list("user_id", flat=True))
    for field, person in (("first", first), ("second", second)):
        if person.pk not in approved:
            raise ValidationError(
                {field: f"{person} is not an approved participant of {cohort.name}."}, code="not_enrolled"
            )
    if kind == PairRuleKind.LOCK:
        low, high = _key(first.pk, second.pk)
        other = (
            PairRule.objects.filter(cohort=cohort, kind=PairRuleKind.LOCK)
            .filter(Q(user_a__in=[low, high]) | Q(user_b__in=[low, high]))
            .exclude(user_a_id=low, user_b_id=high)
            .select_related("user_a", "user_b")
            .first()
        )
        if other is not None:
            raise ValidationError(
                f"{other.user_a} and {other.user_b} are locked together already: remove that lock first.",
                code="locked",
            )
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"Keep the reason under {REASON_MAX} characters."}, code="too_long")
    return _set_rule(cohort, first.pk, second.pk, kind, by, reason)


@transaction.atomic
def pair_rule_delete(*, rule: PairRule, by: User) -> None:
    """Forget a lock or an exclusion: later runs are free to pair (or part) these two again."""
    rule = PairRule.objects.select_for_update().get(pk=rule.pk)
    if rule.kind == PairRuleKind.LOCK:
        MatchPair.objects.filter(
            run__cohort_id=rule.cohort_id,
            run__status=MatchRunStatus.DONE,
            user_a_id=rule.user_a_id,
            user_b_id=rule.user_b_id,
        ).update(is_locked=False)
    rule.delete()


# --- Publishing ----------------------------------------------------------------------------------------------


def _notify(partnership: Partnership, base_url: str) -> None:
    """Tell both partners who their partner is and why, with a link to their pair's page."""
    link = base_url.rstrip("/") + reverse("partnerships:detail", args=[partnership.pk])
    for user in partnership.members:
        partner = partnership.partner_of(user)
        context = {
            "user": user,
            "partner": partner,
            "partnership": partnership,
            "cohort": partnership.cohort,
            "teaches": partnership.teaches(user),
            "learns": partnership.teaches(partner),
            "link": link,
        }
        queue_email("match_published", to=user.email, context=context)


def _check_publishable(run: MatchRun, cohort: Cohort) -> None:
    """The newest proposal of a cohort in the right status, with pairs. Checked when publishing is asked for and
    again by the task, under the cohort's lock."""
    later = (
        cohort.match_runs.filter(number__gt=run.number)
        .filter(status__in=[*IN_PROGRESS, MatchRunStatus.DONE, MatchRunStatus.PUBLISHED])
        .order_by("-number")
        .first()
    )
    if later is not None:
        raise ValidationError(
            f"Run #{later.number} is newer than run #{run.number}: publish the newest proposal.", code="not_latest"
        )
    _check_cohort_status(cohort, run.kind)
    if not run.pairs.exists():
        raise ValidationError("This proposal has no pairs to publish.", code="empty")


def _refuse_unless_proposal(run: MatchRun) -> None:
    who = f" by {run.published_by}" if run.published_by else ""
    if run.status == MatchRunStatus.PUBLISHED:
        raise ValidationError(
            f"Run #{run.number} is already published{who} on {run.published_at:%d %b %Y}.", code="published"
        )
    if run.status == MatchRunStatus.PUBLISHING:
        raise ValidationError(
            f"Run #{run.number} is already being published{who}; nothing is published twice.", code="publishing"
        )
    if run.status != MatchRunStatus.DONE:
        raise ValidationError(not_editable_message(run), code="not_ready")


@transaction.atomic
def match_run_publish_request(*, run: MatchRun, published_by: User) -> MatchRun:
    """Check that the proposal can be published and claim it (`done → publishing` in one conditional UPDATE: a
    second click, tab or admin finds it claimed and is refused). From then on the proposal can't change. Nothing
    is published yet: match_run_publish_execute does that, in the task match_run_publish_start queues."""
    # Read first without a lock: a second click is refused at once, not after the first one's task has finished
    # (it holds the cohort's row while it publishes). A publication whose worker was lost goes on to the locks.
    current = MatchRun.objects.get(pk=run.pk)
    if not current.publish_looks_lost:
        _refuse_unless_proposal(current)
    cohort = _lock_cohort(run.cohort)
    _mark_lost_runs(cohort)
    run = MatchRun.objects.select_for_update().get(pk=run.pk)
    _refuse_unless_proposal(run)
    _check_publishable(run, cohort)
    claimed = MatchRun.objects.filter(pk=run.pk, status=MatchRunStatus.DONE).update(
        status=MatchRunStatus.PUBLISHING,
        published_by=published_by,
        publish_requested_at=timezone.now(),
        publish_error="",
        progress=0,
        stage="Waiting for a worker",
    )
    if not claimed:  # another request claimed it between our checks and this UPDATE
        raise ValidationError(f"Run #{run.number} is already being published.", code="publishing")
    return MatchRun.objects.get(pk=run.pk)


def match_run_publish_start(*, run: MatchRun, published_by: User, base_url: str = "") -> MatchRun:
    """Publish a proposal: claim it, and queue the Celery task that publishes it once this commits (the run page
    shows its progress). With eager Celery (tests, `make run`) the task has finished when this returns."""
    with transaction.atomic():
        run = match_run_publish_request(run=run, published_by=published_by)
        run_id = run.pk
        from matching.tasks import publish_run

        transaction.on_commit(lambda: publish_run.delay(run_id, base_url))
    run.refresh_from_db()
    return run


def match_run_publish_execute(*, run_id: int, base_url: str = "") -> MatchRun | None:
    """What the task does: claim the run being published (`publishing → published`, one conditional UPDATE in the
    same transaction as the partnerships, so a duplicate or retried task finds nothing to claim) and publish it.

    All or nothing: a refusal (a pair can no longer be made, the cohort left matching) or an unexpected error rolls
    the whole publication back, and the run returns to its editable proposal with the reason. Temporary database
    errors propagate for the task to retry. Returns None when there was nothing to claim.
    """
    try:
        with transaction.atomic():
            cohort_id = MatchRun.objects.filter(pk=run_id).values_list("cohort_id", flat=True).first()
            if cohort_id is None:
                return None
            # The cohort first, then the run: the order match_run_publish_request locks them in.
            cohort = Cohort.objects.select_for_update().select_related("program").get(pk=cohort_id)
            claimed = MatchRun.objects.filter(pk=run_id, status=MatchRunStatus.PUBLISHING).update(
                status=MatchRunStatus.PUBLISHED, published_at=timezone.now(), progress=100, stage="Published"
            )
            if not claimed:
                return None
            run = MatchRun.objects.select_related("published_by").get(pk=run_id)
            _publish(run, cohort, base_url=base_url or settings.SITE_URL)
    except ValidationError as error:
        match_run_publish_fail(run_id=run_id, message=" ".join(error.messages))
    except TEMPORARY_ERRORS:
        raise
    except Exception as error:
        match_run_publish_fail(
            run_id=run_id, message=f"Unexpected error ({type(error).__name__}); the team has been told. Publish again."
        )
        raise
    else:
        _forget_publish_progress(run_id)
    return MatchRun.objects.get(pk=run_id)


def match_run_publish_fail(*, run_id: int, message: str) -> None:
    """Publishing published nothing (its transaction rolled back): the proposal is back, editable, with why."""
    MatchRun.objects.filter(pk=run_id, status=MatchRunStatus.PUBLISHING).update(
        status=MatchRunStatus.DONE,
        published_by=None,
        published_at=None,
        publish_error=message,
        progress=100,
        stage="Proposal ready",
    )
    _forget_publish_progress(run_id)


def match_run_publish_requeue(*, run_id: int) -> None:
    """The task hit a temporary error and will retry: the run stays claimed for publishing, nothing was written."""
    MatchRun.objects.filter(pk=run_id, status=MatchRunStatus.PUBLISHING).update(stage="Waiting to retry")
    _forget_publish_progress(run_id)


def _forget_publish_progress(run_id: int) -> None:
    try:
        cache.delete(selectors.publish_progress_key(run_id))
    except Exception:  # the count is only for the progress bar; the database is what counts
        logger.warning("Could not clear the publishing progress of run %s", run_id, exc_info=True)


class _PublishProgress:
    """Counts the pairs published so far into the cache, where the run page reads it: nothing of the publishing
    transaction is visible to other connections until it commits. One write per percent, not one per pair."""

    def __init__(self, run_id: int, total: int):
        self.key, self.total, self.last = selectors.publish_progress_key(run_id), total, -1
        self(0)

    def __call__(self, done: int) -> None:
        percent = done * 100 // max(self.total, 1)
        if percent == self.last and done != self.total:
            return
        self.last = percent
        try:
            cache.set(self.key, {"done": done, "total": self.total}, timeout=int(LOST_AFTER.total_seconds()))
        except Exception:  # a progress bar that stands still must not undo a publication
            logger.warning("Could not record the publishing progress (%s)", self.key, exc_info=True)


def _publish(run: MatchRun, cohort: Cohort, *, base_url: str) -> None:
    """Inside the publishing transaction: every pair becomes a partnership, both partners of each are told (after
    commit), older proposals are replaced and the cohort becomes active (a re-match leaves it active)."""
    _check_publishable(run, cohort)
    pairs = list(run.pairs.select_related("user_a", "user_b").order_by("-score", "pk"))
    progress = _PublishProgress(run.pk, len(pairs))
    for done, pair in enumerate(pairs, start=1):
        try:
            partnership = partnership_create(
                cohort=cohort,
                first=pair.user_a,
                second=pair.user_b,
                published_by=run.published_by,
                score=pair.score,
                first_teaches_second=pair.a_teaches_b,
                second_teaches_first=pair.b_teaches_a,
                explanation=pair.explanation,
                is_one_way=pair.is_one_way,
            )
        except ValidationError as error:
            raise ValidationError(
                f"{pair.user_a} ⇄ {pair.user_b}: {' '.join(error.messages)} Nothing was published: break that pair "
                "or run matching again.",
                code="pair_refused",
            ) from None
        _notify(partnership, base_url)
        progress(done)
    cohort.match_runs.filter(status=MatchRunStatus.DONE).exclude(pk=run.pk).update(status=MatchRunStatus.SUPERSEDED)
    if cohort.status == CohortStatus.MATCHING:
        cohort_activate(cohort=cohort)


# --- After publishing: end one pair and re-match its two people ---------------------------------------------


def partnership_end_and_rematch(*, partnership: Partnership, ended_by: User, reason: str) -> MatchRun:
    """End one partnership of an active cohort and match its two people again among the cohort's unmatched
    (approved, without an active partnership). Other pairs are not touched; the new proposal is reviewed and
    published like any other. The ended pair is excluded from being paired again."""
    with transaction.atomic():
        partnership = Partnership.objects.select_related("cohort", "member_a", "member_b").get(pk=partnership.pk)
        cohort = partnership.cohort
        _check_cohort_status(cohort, MatchRunKind.REMATCH)
        partnership = partnership_end(partnership=partnership, ended_by=ended_by, reason=reason)
        a, b = partnership.member_a, partnership.member_b
        _set_rule(cohort, a.pk, b.pk, PairRuleKind.EXCLUDE, ended_by, f"Partnership ended: {partnership.end_reason}")
        run = match_run_create(
            cohort=cohort,
            started_by=ended_by,
            kind=MatchRunKind.REMATCH,
            context={"ended": f"{a} ⇄ {b}", "reason": partnership.end_reason, "member_ids": [a.pk, b.pk]},
        )
        _launch(run)
    return _finish_inline(run)
