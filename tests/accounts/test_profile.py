import pytest
from django.urls import reverse

from accounts.models import OfferedSkill, Skill, SkillProfile, WantedSkill
from tests.factories import OfferedSkillFactory, SkillProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:profile_edit")


def skill(name: str) -> Skill:
    return Skill.objects.get(name=name)


def profile_data(*, offered=(), wanted=(), **overrides) -> dict:
    """POST data for the profile page: offered = [(skill, level)], wanted = [(skill, current, target)]."""
    data = {
        "profile-full_name": "Ana Costa",
        "profile-job_title": "Data Analyst",
        "profile-department": "Finance",
        "profile-seniority": "2",
        "profile-manager_email": "",
        "profile-timezone": "Europe/Lisbon",
        "profile-location": "Lisbon",
        "profile-languages": "Portuguese, English",
        "profile-bio": "I build dashboards.",
        "profile-goals": "Speak up in meetings.",
        "profile-meeting_mode": "remote",
        "profile-preferred_weekdays": ["1", "3"],
        "profile-preferred_times": ["morning"],
        "offered-TOTAL_FORMS": str(len(offered)),
        "offered-INITIAL_FORMS": "0",
        "wanted-TOTAL_FORMS": str(len(wanted)),
        "wanted-INITIAL_FORMS": "0",
    }
    for i, (s, level) in enumerate(offered):
        data[f"offered-{i}-skill"] = str(s.pk)
        data[f"offered-{i}-level"] = str(level)
    for i, (s, current, target) in enumerate(wanted):
        data[f"wanted-{i}-skill"] = str(s.pk)
        data[f"wanted-{i}-current_level"] = str(current)
        data[f"wanted-{i}-target_level"] = str(target)
    data.update(overrides)
    return data


def nothing_saved(user) -> bool:
    return (
        not SkillProfile.objects.filter(user=user).exists()
        and not OfferedSkill.objects.filter(user=user).exists()
        and not WantedSkill.objects.filter(user=user).exists()
    )


def test_employee_saves_a_complete_profile(client_for, employee):
    data = profile_data(offered=[(skill("SQL"), 4), (skill("Power BI"), 3)], wanted=[(skill("Negotiation"), 1, 3)])
    response = client_for(employee).post(URL, data)
    assert response.status_code == 302
    profile = SkillProfile.objects.get(user=employee)
    assert profile.department == "Finance"
    assert profile.preferred_weekdays == [1, 3]
    assert sorted(employee.offered_skills.values_list("skill__name", "level")) == [("Power BI", 3), ("SQL", 4)]
    assert list(employee.wanted_skills.values_list("skill__name", "current_level", "target_level")) == [
        ("Negotiation", 1, 3)
    ]
    employee.refresh_from_db()
    assert employee.timezone == "Europe/Lisbon"
    assert employee.full_name == "Ana Costa"
    page = client_for(employee).get(reverse("accounts:profile"))
    assert "SQL" in page.text and "Negotiation" in page.text


def test_profile_page_shows_completeness(client_for, employee):
    page = client_for(employee).get(reverse("accounts:profile"))
    assert page.status_code == 200
    assert "complete" in page.text
    assert "at least one skill you offer" in page.text


def test_duplicate_offered_skill_is_a_field_error(client_for, employee):
    data = profile_data(offered=[(skill("SQL"), 4), (skill("SQL"), 3)])
    response = client_for(employee).post(URL, data)
    assert response.status_code == 400
    assert "SQL is already in this list." in response.text
    assert nothing_saved(employee)


def test_duplicate_wanted_skill_is_a_field_error(client_for, employee):
    data = profile_data(wanted=[(skill("SQL"), 1, 2), (skill("SQL"), 2, 4)])
    response = client_for(employee).post(URL, data)
    assert response.status_code == 400
    assert "SQL is already in this list." in response.text
    assert nothing_saved(employee)


def test_same_skill_offered_and_wanted_is_a_field_error(client_for, employee):
    data = profile_data(offered=[(skill("SQL"), 4)], wanted=[(skill("SQL"), 1, 3)])
    response = client_for(employee).post(URL, data)
    assert response.status_code == 400
    assert "You also offer SQL" in response.text
    assert nothing_saved(employee)


def test_target_not_above_current_is_a_field_error(client_for, employee):
    data = profile_data(wanted=[(skill("SQL"), 3, 3)])
    response = client_for(employee).post(URL, data)
    assert response.status_code == 400
    assert "Aim above your current level" in response.text
    assert nothing_saved(employee)


def test_more_than_ten_offered_skills_is_refused(client_for, employee):
    eleven = list(Skill.objects.order_by("name")[:11])
    data = profile_data(offered=[(s, 3) for s in eleven])
    response = client_for(employee).post(URL, data)
    assert response.status_code == 400
    assert "Please submit at most 10 forms." in response.text
    assert nothing_saved(employee)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("profile-seniority", "9", "Select a valid choice"),
        ("profile-timezone", "Mars/Base", "Select a valid choice"),
        ("profile-full_name", "   ", "This field is required"),
        ("profile-manager_email", "nobody@northwind.example", "Nobody with the e-mail"),
        ("profile-manager_email", "not-an-email", "Enter a valid email address"),
        ("offered-0-level", "7", "Select a valid choice"),
        ("offered-0-skill", "999999", "Select a valid choice"),
        ("profile-preferred_weekdays", ["9"], "Select a valid choice"),
    ],
)
def test_bad_input_is_a_field_error_and_saves_nothing(client_for, employee, field, value, message):
    data = profile_data(offered=[(skill("SQL"), 4)], **{field: value})
    response = client_for(employee).post(URL, data)
    assert response.status_code == 400
    assert message in response.text
    assert nothing_saved(employee)


def test_own_email_as_manager_is_refused(client_for, employee):
    response = client_for(employee).post(URL, profile_data(**{"profile-manager_email": employee.email}))
    assert response.status_code == 400
    assert "You cannot be your own manager." in response.text


def test_manager_is_linked_by_email(client_for, employee):
    boss = UserFactory(email="boss@northwind.example")
    client_for(employee).post(URL, profile_data(**{"profile-manager_email": "BOSS@northwind.example"}))
    assert SkillProfile.objects.get(user=employee).manager == boss


def test_retired_skill_cannot_be_newly_chosen(client_for, employee):
    sql = skill("SQL")
    sql.is_retired = True
    sql.save()
    response = client_for(employee).post(URL, profile_data(offered=[(sql, 4)]))
    assert response.status_code == 400
    assert nothing_saved(employee)


def test_existing_rows_can_be_edited_and_removed(client_for, employee):
    SkillProfileFactory(user=employee)
    sql = OfferedSkillFactory(user=employee, skill=skill("SQL"), level=2)
    excel = OfferedSkillFactory(user=employee, skill=skill("Excel modelling"), level=3)
    data = profile_data()
    data.update(
        {
            "offered-TOTAL_FORMS": "2",
            "offered-INITIAL_FORMS": "2",
            "offered-0-id": str(sql.pk),
            "offered-0-skill": str(sql.skill_id),
            "offered-0-level": "5",
            "offered-1-id": str(excel.pk),
            "offered-1-skill": str(excel.skill_id),
            "offered-1-level": "3",
            "offered-1-DELETE": "on",
        }
    )
    response = client_for(employee).post(URL, data)
    assert response.status_code == 302
    assert list(employee.offered_skills.values_list("skill__name", "level")) == [("SQL", 5)]


def test_a_skill_can_move_from_offered_to_wanted_in_one_save(client_for, employee):
    SkillProfileFactory(user=employee)
    sql = OfferedSkillFactory(user=employee, skill=skill("SQL"), level=2)
    data = profile_data(wanted=[(skill("SQL"), 2, 4)])
    data.update(
        {
            "offered-TOTAL_FORMS": "1",
            "offered-INITIAL_FORMS": "1",
            "offered-0-id": str(sql.pk),
            "offered-0-skill": str(sql.skill_id),
            "offered-0-level": "2",
            "offered-0-DELETE": "on",
        }
    )
    assert client_for(employee).post(URL, data).status_code == 302
    assert not employee.offered_skills.exists()
    assert employee.wanted_skills.get().skill == sql.skill


def test_someone_cannot_edit_another_persons_rows(client_for, employee):
    other_offer = OfferedSkillFactory(skill=skill("SQL"), level=2)
    data = profile_data()
    data.update(
        {
            "offered-TOTAL_FORMS": "1",
            "offered-INITIAL_FORMS": "1",
            "offered-0-id": str(other_offer.pk),
            "offered-0-skill": str(other_offer.skill_id),
            "offered-0-level": "5",
        }
    )
    client_for(employee).post(URL, data)
    other_offer.refresh_from_db()
    assert other_offer.level == 2
    assert other_offer.user != employee
    assert not employee.offered_skills.exists()


def test_anonymous_visitor_is_sent_to_login(client):
    for name in ("accounts:profile", "accounts:profile_edit"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


def test_profile_page_names_the_seniority_band(client_for, employee):
    SkillProfileFactory(user=employee, seniority=2)
    assert "band 2 · Associate" in client_for(employee).get(reverse("accounts:profile")).text


def test_a_new_skill_row_asks_to_choose_a_level_and_is_not_marked_required(client_for, employee):
    page = client_for(employee).get(URL).text
    offered_row = (
        page.split('data-formset="offered"')[1].split('class="row g-2 py-2 skill-row"')[1].split("</select>")[:2]
    )
    assert '<option value="" selected>Choose a skill…</option>' in offered_row[0]
    assert '<option value="" selected>Choose a level…</option>' in offered_row[1]
    assert "---------" not in page
    skill_rows = page.split('data-formset="offered"')[1].split("data-empty-row")[0]
    assert "asteriskField" not in skill_rows  # a blank row may stay blank


def test_a_blank_skill_row_is_skipped_but_a_chosen_skill_still_needs_its_levels(client_for, employee):
    blank = {"offered-1-skill": "", "offered-1-level": "", "offered-1-note": ""}
    data = profile_data(offered=[(skill("SQL"), 4)], **blank, **{"offered-TOTAL_FORMS": "2"})
    assert client_for(employee).post(URL, data).status_code == 302
    assert list(employee.offered_skills.values_list("skill__name", "level")) == [("SQL", 4)]

    for row in (
        {"offered-0-skill": str(skill("Python").pk), "offered-0-level": ""},
        {"wanted-0-skill": str(skill("Negotiation").pk), "wanted-0-current_level": "1", "wanted-0-target_level": ""},
        {"offered-0-skill": "", "offered-0-level": "3"},
    ):
        other = UserFactory()
        data = profile_data(**{"offered-TOTAL_FORMS": "1", "wanted-TOTAL_FORMS": "1", **row})
        response = client_for(other).post(URL, data)
        assert response.status_code == 400 and "This field is required." in response.text, row
        assert nothing_saved(other)


def test_a_persons_time_zone_does_not_outlive_their_request(client_for, settings):
    """Before: the zone stayed active on the thread, so the next thing it ran saw another day."""
    from django.utils import timezone as django_timezone

    person = UserFactory(timezone="Pacific/Kiritimati")
    client_for(person).get(reverse("home"))
    assert django_timezone.get_current_timezone_name() == settings.TIME_ZONE
