"""Changing a proposal before it is published: locks, breaks, exclusions, hand-made pairs and pair rules.

Every service is keyword-only and runs in one transaction; a refusal is a ValidationError written for the program
admin who asked (field errors as a dict), and a refused call writes nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from matching import selectors
from matching.engine import breakdown, solve
from matching.models import (
    MatchPair,
    MatchRun,
    MatchRunStatus,
    MatchUnmatched,
    PairRule,
    PairRuleKind,
)
from matching.scoring import describe, skill_key
from matching.services.guards import (
    REASON_MAX,
    RECIPROCITY_PROBLEMS,
    pair_key,
)
from mentoring.programs.models import Cohort


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


def set_rule(cohort: Cohort, a: int, b: int, kind: str, by: User, reason: str) -> PairRule:
    low, high = pair_key(a, b)
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
    set_rule(run.cohort, pair.user_a_id, pair.user_b_id, PairRuleKind.LOCK, by, f"Locked on run #{run.number}")
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
    set_rule(run.cohort, pair.user_a_id, pair.user_b_id, PairRuleKind.EXCLUDE, by, f"Pair broken on run #{run.number}")
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
    low, high = pair_key(first.pk, second.pk)
    if PairRule.objects.filter(cohort=run.cohort, user_a_id=low, user_b_id=high, kind=PairRuleKind.EXCLUDE).exists():
        raise ValidationError(f"{first} and {second} are already excluded from being paired.", code="no_change")
    rule = set_rule(run.cohort, first.pk, second.pk, PairRuleKind.EXCLUDE, by, reason or "Excluded by an admin")
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
    set_rule(cohort, first.pk, second.pk, PairRuleKind.LOCK, by, f"Paired by hand on run #{run.number}")
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
        low, high = pair_key(first.pk, second.pk)
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
    return set_rule(cohort, first.pk, second.pk, kind, by, reason)


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
