"""Reads for matching: a cohort as engine inputs (a fixed number of queries, whatever its size) and the pages."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import OfferedSkill, User, WantedSkill
from matching.engine import Candidate, Rules
from matching.models import MatchPair, MatchRun, MatchRunStatus, MatchUnmatched, PairRule, PairRuleKind
from mentoring.partnerships.models import Partnership, PartnershipStatus
from mentoring.programs import readiness
from mentoring.programs.models import Cohort, Enrollment, EnrollmentStatus

UNKNOWN_SENIORITY = 4  # a person without a seniority band counts as the middle band (no reverse-mentoring bonus)


def cohort_rules(cohort: Cohort) -> Rules:
    """The cohort's rules as the engine reads them. Time zones are compared at the cohort's start, middle and end,
    so a pair stays within the time-zone limit for the whole cohort, whatever daylight-saving time does."""
    middle = cohort.starts_on + (cohort.ends_on - cohort.starts_on) / 2
    noon = datetime.time(12, tzinfo=datetime.UTC)
    return Rules(
        reciprocity_required=cohort.reciprocity_required,
        same_department=cohort.same_department,
        reverse_mentoring_weight=cohort.reverse_mentoring_weight,
        max_timezone_gap_hours=cohort.max_timezone_gap_hours,
        avoid_manager_pairs=cohort.avoid_manager_pairs,
        timezone_reference=tuple(
            datetime.datetime.combine(day, noon) for day in (cohort.starts_on, middle, cohort.ends_on)
        ),
    )


def rules_snapshot(cohort: Cohort) -> dict:
    return {
        "reciprocity_required": cohort.reciprocity_required,
        "same_department": cohort.same_department,
        "reverse_mentoring_weight": str(cohort.reverse_mentoring_weight),
        "max_timezone_gap_hours": cohort.max_timezone_gap_hours,
        "avoid_manager_pairs": cohort.avoid_manager_pairs,
    }


def free_participants(cohort: Cohort) -> QuerySet[Enrollment]:
    """Approved participants without an active partnership in the cohort, and whom no readiness gate holds back
    (e.g. required training not completed: mentoring.programs.readiness): the people a run pairs."""
    paired = Partnership.objects.filter(cohort=cohort, status=PartnershipStatus.ACTIVE).filter(
        Q(member_a=OuterRef("user_id")) | Q(member_b=OuterRef("user_id"))
    )
    people = Enrollment.objects.filter(cohort=cohort, status=EnrollmentStatus.APPROVED).exclude(Exists(paired))
    held_back = readiness.not_ready(cohort)
    return people if held_back is None else people.exclude(held_back)


def candidate_names(people: Iterable[tuple[int, str, str]]) -> dict[int, str]:
    """Engine ids are the people's names, so explanations and reasons read naturally; a name two people share
    gets their e-mail address added. ``people`` is (user id, display name, e-mail)."""
    people = list(people)
    counts = Counter(name.casefold() for _, name, _ in people)
    return {pk: (f"{name} ({email})" if counts[name.casefold()] > 1 else name) for pk, name, email in people}


def display_name(full_name: str, email: str) -> str:
    return full_name.strip() or email.split("@")[0]


@dataclass
class MatchInputs:
    """A cohort's free participants as engine Candidates, with the pair rules that apply to them."""

    candidates: list[Candidate]
    user_of: dict[str, int]  # engine id -> user id
    name_of: dict[int, str]  # user id -> engine id
    locked: list[tuple[str, str]] = field(default_factory=list)
    excluded: list[tuple[str, str]] = field(default_factory=list)
    lock_rules: list[tuple[int, int]] = field(default_factory=list)  # user ids (a < b) of the locks above
    without_seniority: int = 0


def match_inputs(cohort: Cohort, *, user_ids: Iterable[int] | None = None) -> MatchInputs:
    """Four queries: the people with their profiles, what they offer, what they want, the cohort's pair rules.

    ``user_ids`` restricts the people (e.g. the two of a hand-made pair); by default, the free participants.
    """
    if user_ids is None:
        people = free_participants(cohort)
    else:
        people = Enrollment.objects.filter(cohort=cohort, status=EnrollmentStatus.APPROVED, user_id__in=list(user_ids))
    people_ids = people.values("user_id")
    rows = list(
        people.order_by("user_id").values_list(
            "user_id",
            "user__full_name",
            "user__email",
            "user__timezone",
            "user__profile__department",
            "user__profile__seniority",
            "user__profile__manager_id",
            "user__profile__meeting_mode",
        )
    )
    offers: dict[int, dict[str, int]] = defaultdict(dict)
    for user_id, skill, level in OfferedSkill.objects.filter(user_id__in=people_ids).values_list(
        "user_id", "skill__name", "level"
    ):
        offers[user_id][skill] = level
    wants: dict[int, dict[str, int]] = defaultdict(dict)
    for user_id, skill, current in WantedSkill.objects.filter(user_id__in=people_ids).values_list(
        "user_id", "skill__name", "current_level"
    ):
        wants[user_id][skill] = current

    name_of = candidate_names((row[0], display_name(row[1], row[2]), row[2]) for row in rows)
    candidates = []
    without_seniority = 0
    for user_id, _full, _email, tz, department, seniority, manager_id, mode in rows:
        if seniority is None:
            without_seniority += 1
        candidates.append(
            Candidate(
                id=name_of[user_id],
                department=department or "",
                seniority=seniority or UNKNOWN_SENIORITY,
                timezone=tz or "UTC",
                manager=name_of.get(manager_id),
                offers=offers.get(user_id, {}),
                wants=wants.get(user_id, {}),
                meeting_mode=mode or "either",
            )
        )
    inputs = MatchInputs(
        candidates=candidates,
        user_of={name: pk for pk, name in name_of.items()},
        name_of=name_of,
        without_seniority=without_seniority,
    )
    for a, b, kind in PairRule.objects.filter(cohort=cohort).values_list("user_a_id", "user_b_id", "kind"):
        if a in name_of and b in name_of:
            if kind == PairRuleKind.LOCK:
                inputs.locked.append((name_of[a], name_of[b]))
                inputs.lock_rules.append((a, b))
            else:
                inputs.excluded.append((name_of[a], name_of[b]))
    return inputs


# --- Pages ---------------------------------------------------------------------------------------------------


def run_for_page(cohort_pk: int, number: int) -> MatchRun | None:
    """Run #number of a cohort (its address names both: run numbers count within a cohort)."""
    run = (
        MatchRun.objects.select_related("cohort", "cohort__program", "created_by", "published_by")
        .filter(cohort_id=cohort_pk, number=number)
        .first()
    )
    if run is not None and run.is_publishing:
        _show_publish_progress(run)
    return run


def publish_progress_key(run_id: int) -> str:
    return f"matching:publish-progress:{run_id}"


def _show_publish_progress(run: MatchRun) -> None:
    """A run being published counts its pairs in the cache (the task's transaction shows nothing to other
    connections until it commits): its progress and stage, as the progress bar shows them."""
    try:
        live = cache.get(publish_progress_key(run.pk))
    except Exception:  # no count to show: the bar waits at zero, the page still works
        live = None
    if live:
        done, total = live["done"], live["total"]
        run.progress = min(99, done * 100 // max(total, 1))  # 100 % is the commit, which the reload shows
        run.stage = f"Publishing… {done:,} of {total:,} pairs"
    else:
        run.progress = 0
        waiting = run.stage[:1].lower() + run.stage[1:] if run.stage else "waiting for a worker"
        run.stage = f"Publishing… 0 of {run.pair_count:,} pairs, {waiting}"


@dataclass
class ProposalPage:
    run: MatchRun
    pairs: list[MatchPair]
    unmatched: list[MatchUnmatched]
    people: list[User]  # everyone the run considered, by name: for the forms
    rules: list[PairRule]
    other_runs: list[MatchRun]
    names: dict[int, str]
    newest: bool  # no later run is queued, running, ready or published

    @property
    def unmatched_ids(self) -> set[int]:
        return {row.user_id for row in self.unmatched}

    @property
    def locks(self) -> list[PairRule]:
        return [r for r in self.rules if r.kind == PairRuleKind.LOCK]

    @property
    def exclusions(self) -> list[PairRule]:
        return [r for r in self.rules if r.kind == PairRuleKind.EXCLUDE]


def proposal_page(run: MatchRun) -> ProposalPage:
    """Four queries whatever the size: pairs, unmatched people, the cohort's pair rules, the cohort's other runs."""
    pairs = list(run.pairs.select_related("user_a", "user_b").order_by("-score", "pk"))
    unmatched = list(run.unmatched.select_related("user").order_by("user__full_name", "user__email"))
    rules = list(
        PairRule.objects.filter(cohort_id=run.cohort_id)
        .select_related("user_a", "user_b", "created_by")
        .order_by("kind", "created_at", "pk")
    )
    other_runs = list(
        MatchRun.objects.filter(cohort_id=run.cohort_id)
        .exclude(pk=run.pk)
        .order_by("-number")
        .only("pk", "number", "status", "cohort_id", "total_score", "matched_people", "created_at")
    )
    users = {p.user_a_id: p.user_a for p in pairs} | {p.user_b_id: p.user_b for p in pairs}
    users |= {u.user_id: u.user for u in unmatched}
    people = sorted(users.values(), key=lambda u: (u.display_name.casefold(), u.email))
    names = {pk: user.display_name for pk, user in users.items()}
    later = {
        MatchRunStatus.QUEUED,
        MatchRunStatus.RUNNING,
        MatchRunStatus.DONE,
        MatchRunStatus.PUBLISHING,
        MatchRunStatus.PUBLISHED,
    }
    newest = not any(r.number > run.number and r.status in later for r in other_runs)
    return ProposalPage(
        run=run,
        pairs=pairs,
        unmatched=unmatched,
        people=people,
        rules=rules,
        other_runs=other_runs,
        names=names,
        newest=newest,
    )


@dataclass
class CohortMatching:
    cohort: Cohort
    runs: list[MatchRun]
    rules: list[PairRule]
    partnerships: list[Partnership]
    free_people: list[User]

    @property
    def free_count(self) -> int:
        return len(self.free_people)

    @property
    def current(self) -> MatchRun | None:
        """The run an admin works on: the newest one that is in progress, ready or published."""
        for run in self.runs:
            if run.status != MatchRunStatus.FAILED:
                return run
        return None

    @property
    def in_progress(self) -> MatchRun | None:
        return next((r for r in self.runs if r.is_in_progress), None)


def cohort_matching(cohort: Cohort) -> CohortMatching:
    """The cohort's matching page: runs, pair rules, active partnerships and who is free. Five queries."""
    runs = list(cohort.match_runs.select_related("created_by", "published_by").order_by("-number"))
    rules = list(cohort.pair_rules.select_related("user_a", "user_b", "created_by").order_by("kind", "created_at"))
    partnerships = list(
        Partnership.objects.active()
        .filter(cohort=cohort)
        .select_related("member_a", "member_b")
        .order_by("member_a__full_name", "pk")
    )
    return CohortMatching(
        cohort=cohort,
        runs=runs,
        rules=rules,
        partnerships=partnerships,
        # named, not just counted, so an admin sees who is waiting for a partner
        free_people=[
            enrollment.user
            for enrollment in free_participants(cohort).select_related("user").order_by("user__full_name", "pk")
        ],
    )


@dataclass(frozen=True)
class PairDiff:
    names: str
    score: int


@dataclass
class RunComparison:
    first: MatchRun
    second: MatchRun
    only_first: list[PairDiff]
    only_second: list[PairDiff]
    both: int

    @property
    def score_change(self) -> int:
        return (self.second.total_score or 0) - (self.first.total_score or 0)

    @property
    def matched_change(self) -> int:
        return (self.second.matched_people or 0) - (self.first.matched_people or 0)


def compare_runs(first: MatchRun, second: MatchRun) -> RunComparison:
    """Which pairs changed between two runs of one cohort (a pair is the same two people). One query."""
    rows = MatchPair.objects.filter(run__in=[first, second]).select_related("user_a", "user_b")
    by_run: dict[int, dict[tuple[int, int], PairDiff]] = {first.pk: {}, second.pk: {}}
    for pair in rows:
        by_run[pair.run_id][(pair.user_a_id, pair.user_b_id)] = PairDiff(
            f"{pair.user_a.display_name} ⇄ {pair.user_b.display_name}", pair.score
        )
    a, b = by_run[first.pk], by_run[second.pk]

    def listed(keys):
        return sorted((d[k] for d, k in keys), key=lambda x: (-x.score, x.names))

    return RunComparison(
        first=first,
        second=second,
        only_first=listed((a, k) for k in a.keys() - b.keys()),
        only_second=listed((b, k) for k in b.keys() - a.keys()),
        both=len(a.keys() & b.keys()),
    )
