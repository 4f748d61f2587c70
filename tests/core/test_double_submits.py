"""Double submits are harmless: the same create sent twice at once (a double click, two tabs, two admins) gives
one row and a field error or the first result, never a server error; goals and invitations are kept once."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import OfferedSkill, Skill
from accounts.services import skill_create
from mentoring.partnerships.models import Goal
from mentoring.partnerships.services import goal_create
from mentoring.programs import services as program_services
from mentoring.programs.models import Cohort, Program
from tests.accounts.test_profile import profile_data
from tests.conftest import run_together
from tests.factories import PartnershipFactory, ProgramFactory, SkillCategoryFactory, UserFactory


@pytest.fixture
def postgres_only():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers, so the two submits cannot race there; PostgreSQL shows the race")


RULES = {"session_length_minutes": 60, "cadence": "biweekly", "reminder_lead_hours": [24], "checkin_due_days": 3}
COHORT = {
    "name": "Twin",
    "enrollment_opens_on": "2027-01-01",
    "enrollment_closes_on": "2027-01-10",
    "starts_on": "2027-01-15",
    "ends_on": "2027-06-30",
    "capacity": 10,
}


@pytest.mark.django_db(transaction=True)
def test_the_same_program_created_twice_at_once_is_one_program_and_one_field_error(postgres_only):
    data = {"name": "Reverse mentoring 2028", "purpose": "p", "confidentiality_statement": "c", **RULES}
    _, refusals = run_together([lambda: program_services.program_create(created_by=None, data=data)] * 2)
    assert Program.objects.count() == 1
    assert len(refusals) == 1 and refusals[0].message_dict["name"] == [
        "A program called “Reverse mentoring 2028” already exists."
    ]


@pytest.mark.django_db(transaction=True)
def test_the_same_cohort_created_twice_at_once_is_one_cohort_and_one_field_error(postgres_only):
    program = ProgramFactory()
    data = {
        "name": "Spring",
        "enrollment_opens_on": "2027-01-01",
        "enrollment_closes_on": "2027-01-10",
        "starts_on": "2027-01-15",
        "ends_on": "2027-06-30",
        "capacity": 10,
    }
    _, refusals = run_together([lambda: program_services.cohort_create(program=program, data=data)] * 2)
    assert Cohort.objects.filter(program=program).count() == 1
    assert len(refusals) == 1 and "already has a cohort" in " ".join(refusals[0].messages)


@pytest.mark.django_db(transaction=True)
def test_the_same_skill_created_twice_at_once_is_one_skill_and_one_field_error(postgres_only):
    category = SkillCategoryFactory()
    _, refusals = run_together([lambda: skill_create(name="Prompt writing", category=category)] * 2)
    assert Skill.objects.filter(name__iexact="Prompt writing").count() == 1
    assert len(refusals) == 1 and refusals[0].message_dict["name"] == [
        "A skill called “Prompt writing” already exists."
    ]


@pytest.mark.django_db(transaction=True)
def test_the_same_skill_added_to_a_profile_from_two_tabs_at_once_is_never_a_500(postgres_only):
    person = UserFactory()
    sql = Skill.objects.get(name="SQL")
    clients = [Client(raise_request_exception=False) for _ in range(2)]
    for client in clients:
        client.force_login(person)
    data = profile_data(offered=[(sql, 4)])
    responses, _ = run_together([lambda c=c: c.post(reverse("accounts:profile_edit"), data) for c in clients])
    assert sorted(r.status_code for r in responses) == [302, 400]  # one saved, the other told why
    assert OfferedSkill.objects.filter(user=person, skill=sql).count() == 1


@pytest.mark.django_db
def test_a_double_click_on_save_goal_keeps_one_goal():
    """Before: two identical goals from one double click."""
    partnership = PartnershipFactory()
    owner = partnership.member_a
    first = goal_create(partnership=partnership, owner=owner, title="Run my own analysis")
    second = goal_create(partnership=partnership, owner=owner, title="run my own analysis ")
    assert first.pk == second.pk
    assert Goal.objects.filter(partnership=partnership, owner=owner).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["program", "cohort", "skill"])
def test_a_name_taken_between_the_two_uniqueness_checks_is_still_the_name_fields_error(
    postgres_only, kind, monkeypatch
):
    """Each model checks its name itself (a message for the field), then Django checks the unique constraint. Before:
    a twin committed between the two checks made the constraint's refusal, which names no field (flaky above)."""
    from django.db.models import QuerySet

    program, category = ProgramFactory(), SkillCategoryFactory()
    model, create_twin, create = {
        "program": (
            Program,
            lambda: Program.objects.create(name="Twin", purpose="p", confidentiality_statement="c"),
            lambda: program_services.program_create(
                created_by=None, data={"name": "Twin", "purpose": "p", "confidentiality_statement": "c", **RULES}
            ),
        ),
        "cohort": (
            Cohort,
            lambda: Cohort.objects.create(program=program, **COHORT),
            lambda: program_services.cohort_create(program=program, data=COHORT),
        ),
        "skill": (
            Skill,
            lambda: Skill.objects.create(name="Twin", category=category),
            lambda: skill_create(name="Twin", category=category),
        ),
    }[kind]
    original, twins = QuerySet.exists, []

    def exists_then_a_twin_commits(queryset):
        found = original(queryset)
        if queryset.model is model and not twins:
            run_together([lambda: twins.append(create_twin())])  # another connection, committed
        return found

    monkeypatch.setattr(QuerySet, "exists", exists_then_a_twin_commits)
    with pytest.raises(ValidationError) as refused:
        create()
    assert twins and list(refused.value.message_dict) == ["name"]
