"""Cohorts in the database for the matching pages and services: people with profiles, skills and approvals."""

from __future__ import annotations

from accounts.models import OfferedSkill, Skill, SkillCategory, SkillProfile, User, WantedSkill
from matching import services
from matching.models import MatchRun
from mentoring.programs.models import Cohort, Enrollment
from tests.factories import CohortFactory, EnrollmentFactory, UserFactory


def skill(name: str) -> Skill:
    found = Skill.objects.filter(name__iexact=name).first()
    if found:
        return found
    category, _ = SkillCategory.objects.get_or_create(name="Matching tests")
    return Skill.objects.create(name=name, category=category)


def add_person(
    cohort: Cohort,
    name: str,
    *,
    offers: dict[str, int] | None = None,
    wants: dict[str, int] | None = None,
    department: str = "Finance",
    seniority: int | None = 3,
    timezone: str = "Europe/Berlin",
    manager: User | None = None,
    status: str = "approved",
) -> User:
    """A participant of ``cohort`` (approved by default) who offers {skill: level} and wants {skill: current}."""
    user = UserFactory(full_name=name, timezone=timezone)
    SkillProfile.objects.create(user=user, department=department, seniority=seniority, manager=manager)
    for skill_name, level in (offers or {}).items():
        OfferedSkill.objects.create(user=user, skill=skill(skill_name), level=level)
    for skill_name, current in (wants or {}).items():
        WantedSkill.objects.create(user=user, skill=skill(skill_name), current_level=current, target_level=current + 1)
    EnrollmentFactory(cohort=cohort, user=user, status=status)
    return user


def matching_cohort(**fields) -> Cohort:
    return CohortFactory(**{"status": "matching", **fields})


def four_people(cohort: Cohort) -> dict[str, User]:
    """Ana and Ben teach each other (Finance/Sales), so do Chloé and Dan (Engineering/Marketing); Eve wants
    what nobody offers. The engine pairs Ana-Ben and Chloé-Dan and leaves Eve unmatched."""
    return {
        "ana": add_person(cohort, "Ana Costa", offers={"SQL": 4}, wants={"Negotiation": 1}, department="Finance"),
        "ben": add_person(
            cohort, "Ben Okafor", offers={"Negotiation": 5}, wants={"SQL": 1}, department="Sales", seniority=7
        ),
        "chloe": add_person(
            cohort, "Chloé Martin", offers={"Python": 4}, wants={"Storytelling": 1}, department="Engineering"
        ),
        "dan": add_person(
            cohort, "Dan Brown", offers={"Storytelling": 4}, wants={"Python": 2}, department="Marketing", seniority=6
        ),
        "eve": add_person(cohort, "Eve Adams", offers={"SQL": 3}, wants={"Tableau": 1}, department="Sales"),
    }


def approved_ids(cohort: Cohort) -> set[int]:
    return set(Enrollment.objects.filter(cohort=cohort, status="approved").values_list("user_id", flat=True))


def publish_now(run: MatchRun, admin: User, base_url: str = "https://twoway.example/") -> MatchRun:
    """What the publish button and its Celery task do, one after the other: claim the run, then publish it."""
    services.match_run_publish_request(run=run, published_by=admin)
    services.match_run_publish_execute(run_id=run.pk, base_url=base_url)
    return MatchRun.objects.get(pk=run.pk)
