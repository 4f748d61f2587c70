"""Committing an import: only on confirmation, all-or-nothing, and a second run changes nothing."""

import pytest
from allauth.account.models import EmailAddress

from accounts import importing
from accounts.models import EmployeeImport, OfferedSkill, Skill, SkillProfile, User, WantedSkill
from tests.accounts.import_helpers import HEADER, make_csv, person
from tests.factories import OfferedSkillFactory, SkillProfileFactory, UserFactory, WantedSkillFactory

pytestmark = pytest.mark.django_db

ANA = "ana@northwind.example"
BEN = "ben@northwind.example"


def upload(rows, header=None, by=None) -> EmployeeImport:
    return importing.employee_import_upload(file_name="people.csv", data=make_csv(rows, header=header), uploaded_by=by)


def commit(employee_import, by=None):
    return importing.employee_import_commit(employee_import=employee_import, committed_by=by)


def snapshot_of_everything():
    return (
        sorted(User.objects.values_list("email", "full_name", "timezone", "password")),
        sorted(
            SkillProfile.objects.values_list(
                "user__email", "department", "job_title", "seniority", "manager__email", "updated_at"
            )
        ),
        sorted(OfferedSkill.objects.values_list("id", "user__email", "skill__name", "level")),
        sorted(WantedSkill.objects.values_list("id", "user__email", "skill__name", "current_level", "target_level")),
        sorted(EmailAddress.objects.values_list("email", "verified", "primary")),
    )


def test_upload_writes_nothing_but_the_upload_itself(program_admin):
    before = snapshot_of_everything()
    employee_import = upload([person(ANA), person(BEN)], by=program_admin)
    assert employee_import.status == EmployeeImport.Status.PREVIEWED
    assert (employee_import.create_count, employee_import.update_count, employee_import.row_count) == (2, 0, 2)
    assert snapshot_of_everything() == before


def test_commit_creates_people_with_profiles_skills_and_a_verified_address_but_no_password(program_admin):
    employee_import = upload(
        [
            person(ANA, manager_email=BEN, offered_skills="SQL:4; Power BI:3", wanted_skills="Negotiation:1"),
            person(BEN, full_name="Ben Okafor", seniority="7", timezone="Europe/London"),
        ]
    )
    result = commit(employee_import, by=program_admin)
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)

    ana = User.objects.get(email=ANA)
    assert not ana.has_usable_password()
    assert ana.profile.manager.email == BEN  # a manager further down the file
    assert sorted(ana.offered_skills.values_list("skill__name", "level")) == [("Power BI", 3), ("SQL", 4)]
    assert list(ana.wanted_skills.values_list("skill__name", "current_level", "target_level")) == [
        ("Negotiation", 1, 2)
    ]
    assert EmailAddress.objects.filter(user=ana, email=ANA, verified=True, primary=True).exists()
    ben = User.objects.get(email=BEN)
    assert (ben.full_name, ben.timezone, ben.profile.seniority) == ("Ben Okafor", "Europe/London", 7)

    employee_import.refresh_from_db()
    assert employee_import.status == EmployeeImport.Status.COMMITTED
    assert (employee_import.created, employee_import.updated, employee_import.committed_by) == (2, 0, program_admin)


def test_importing_the_same_file_again_changes_nothing(program_admin):
    rows = [person(ANA, manager_email=BEN), person(BEN, offered_skills="Coaching:5", wanted_skills="")]
    commit(upload(rows))
    before = snapshot_of_everything()

    again = upload(rows)
    assert (again.create_count, again.update_count, again.unchanged_count) == (0, 0, 2)
    result = commit(again)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert snapshot_of_everything() == before


def test_existing_person_is_updated_and_their_skill_lists_replaced():
    ana = UserFactory(email=ANA, full_name="Ana", timezone="Europe/Lisbon")
    SkillProfileFactory(user=ana, department="Finance", job_title="Analyst", seniority=2, bio="Kept.")
    python, sql = Skill.objects.get(name="Python"), Skill.objects.get(name="SQL")
    kept = OfferedSkillFactory(user=ana, skill=python, level=3, note="Kept note")
    OfferedSkillFactory(user=ana, skill=sql, level=2)
    WantedSkillFactory(user=ana, skill=Skill.objects.get(name="Coaching"), current_level=1, target_level=2)

    result = commit(
        upload(
            [
                person(
                    ANA,
                    full_name="Ana Costa",
                    department="Data",
                    offered_skills="Python:5; Tableau:2",
                    wanted_skills="",
                )
            ]
        )
    )
    assert (result.created, result.updated) == (0, 1)
    ana.refresh_from_db()
    assert (ana.full_name, ana.timezone) == ("Ana Costa", "Europe/Berlin")
    assert (ana.profile.department, ana.profile.bio) == ("Data", "Kept.")
    assert sorted(ana.offered_skills.values_list("skill__name", "level")) == [("Python", 5), ("Tableau", 2)]
    assert OfferedSkill.objects.get(pk=kept.pk).note == "Kept note"  # same skill: the entry is kept, level changed
    assert not ana.wanted_skills.exists()  # an empty cell empties the list
    assert ana.has_usable_password()  # existing people keep their password


def test_update_can_clear_a_manager_and_change_wanted_levels_of_many_people():
    boss = UserFactory(email=BEN)
    speaking = Skill.objects.get(name="Public speaking")
    emails = [f"p{i}@northwind.example" for i in range(30)]
    for email in emails:
        user = UserFactory(email=email, full_name="Old", timezone="UTC")
        SkillProfileFactory(user=user, manager=boss, seniority=2)
        WantedSkillFactory(user=user, skill=speaking, current_level=1, target_level=2)
    before = dict(SkillProfile.objects.filter(user__email__in=emails).values_list("user__email", "updated_at"))

    result = commit(upload([person(email, seniority="5", wanted_skills="Public speaking:3>5") for email in emails]))
    assert result.updated == 30
    profiles = SkillProfile.objects.filter(user__email__in=emails).select_related("user")
    assert {(p.manager_id, p.seniority, p.user.timezone) for p in profiles} == {(None, 5, "Europe/Berlin")}
    assert {p.user.full_name for p in profiles} == {email.split("@")[0].title() for email in emails}
    assert all(p.updated_at > before[p.user.email] for p in profiles)
    assert set(WantedSkill.objects.filter(user__email__in=emails).values_list("current_level", "target_level")) == {
        (3, 5)
    }


def test_skill_lists_are_left_alone_when_the_file_has_no_skill_columns():
    ana = UserFactory(email=ANA)
    OfferedSkillFactory(user=ana, skill=Skill.objects.get(name="Python"), level=3)
    WantedSkillFactory(user=ana, skill=Skill.objects.get(name="SQL"))
    commit(upload([person(ANA, department="Data")], header=HEADER[:7]))
    assert ana.offered_skills.count() == 1
    assert ana.wanted_skills.count() == 1
    assert SkillProfile.objects.get(user=ana).department == "Data"


def test_a_file_with_any_error_cannot_be_committed_and_writes_nothing():
    employee_import = upload([person(ANA), person(BEN, timezone="Mars/Olympus")])
    assert employee_import.status == EmployeeImport.Status.INVALID
    before = snapshot_of_everything()
    with pytest.raises(importing.ImportAlreadyHandled):
        commit(employee_import)
    assert snapshot_of_everything() == before


def test_confirmation_rechecks_and_refuses_when_the_catalogue_changed_meanwhile():
    employee_import = upload([person(ANA, offered_skills="Tableau:3")])
    Skill.objects.filter(name="Tableau").update(is_retired=True)
    with pytest.raises(importing.ImportInvalid):
        commit(employee_import)
    assert not User.objects.filter(email=ANA).exists()
    employee_import.refresh_from_db()
    assert employee_import.status == EmployeeImport.Status.INVALID
    assert "Tableau has been retired" in employee_import.errors[0]["message"]


def test_confirmation_uses_the_data_as_it_is_now():
    employee_import = upload([person(ANA, department="Sales")])
    UserFactory(email=ANA)  # signed up between preview and confirmation
    result = commit(employee_import)
    assert (result.created, result.updated) == (0, 1)
    assert User.objects.filter(email=ANA).count() == 1
    assert SkillProfile.objects.get(user__email=ANA).department == "Sales"


def test_a_failure_while_writing_leaves_nothing_behind(monkeypatch):
    employee_import = upload([person(ANA), person(BEN)])

    def broken_bulk_create(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(WantedSkill.objects, "bulk_create", broken_bulk_create)
    with pytest.raises(RuntimeError):
        commit(employee_import)
    assert not User.objects.filter(email__in=[ANA, BEN]).exists()
    assert not EmailAddress.objects.filter(email__in=[ANA, BEN]).exists()
    employee_import.refresh_from_db()
    assert employee_import.status == EmployeeImport.Status.PREVIEWED  # the claim was rolled back too


def test_an_import_is_committed_once_only():
    employee_import = upload([person(ANA)])
    commit(employee_import)
    with pytest.raises(importing.ImportAlreadyHandled):
        commit(EmployeeImport.objects.get(pk=employee_import.pk))
    assert User.objects.filter(email=ANA).count() == 1


def test_a_cancelled_import_cannot_be_committed():
    employee_import = upload([person(ANA)])
    importing.employee_import_cancel(employee_import=employee_import)
    with pytest.raises(importing.ImportAlreadyHandled):
        commit(employee_import)
    assert not User.objects.filter(email=ANA).exists()


@pytest.mark.parametrize("value", ["=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3", "@now"])
def test_formula_cells_are_stored_as_text_exactly(value):
    commit(upload([person(ANA, full_name=value, department=value, job_title=value)]))
    ana = User.objects.select_related("profile").get(email=ANA)
    assert (ana.full_name, ana.profile.department, ana.profile.job_title) == (value, value, value)


def test_commit_writes_in_bulk_not_row_by_row(django_assert_max_num_queries):
    employee_import = upload([person(f"p{i}@northwind.example") for i in range(100)])
    # claim; 6 checking queries; then one insert per batch of people, addresses, profiles, offered and
    # wanted skills (SQLite takes about 90 people per insert, PostgreSQL 500); the import row saved.
    # Row by row it would be over 500 queries.
    with django_assert_max_num_queries(20):
        commit(employee_import)
    assert User.objects.filter(email__endswith="@northwind.example", profile__isnull=False).count() == 100
