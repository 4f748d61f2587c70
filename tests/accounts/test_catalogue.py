import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import OfferedSkill, Skill, SkillCategory, WantedSkill
from accounts.services import skill_create, skill_merge
from tests.factories import OfferedSkillFactory, SkillFactory, UserFactory, WantedSkillFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client_for, program_admin):
    return client_for(program_admin)


def test_admin_adds_a_skill(admin_client):
    category = SkillCategory.objects.get(name="Technical")
    response = admin_client.post(
        reverse("accounts:skill_create"), {"name": "  Rust  ", "category": category.pk, "description": "Systems"}
    )
    assert response.status_code == 302
    assert Skill.objects.get(name="Rust").category == category


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "python", "category": "CATEGORY"}, "already exists"),
        ({"name": "", "category": "CATEGORY"}, "This field is required"),
        ({"name": "Rust", "category": "99999"}, "Select a valid choice"),
        ({"name": "x" * 81, "category": "CATEGORY"}, "at most 80 characters"),
    ],
)
def test_adding_a_bad_skill_shows_a_field_error(admin_client, data, message):
    category = SkillCategory.objects.first()
    data = {k: (str(category.pk) if v == "CATEGORY" else v) for k, v in data.items()}
    before = Skill.objects.count()
    response = admin_client.post(reverse("accounts:skill_create"), data)
    assert response.status_code == 200
    assert message in response.text
    assert Skill.objects.count() == before


def test_admin_renames_a_skill_and_profiles_follow(admin_client):
    offer = OfferedSkillFactory(skill=Skill.objects.get(name="Excel modelling"))
    response = admin_client.post(
        reverse("accounts:skill_edit", args=[offer.skill_id]),
        {"name": "Spreadsheet modelling", "category": offer.skill.category_id, "description": ""},
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.skill.name == "Spreadsheet modelling"


def test_renaming_onto_an_existing_name_is_refused(admin_client):
    excel = Skill.objects.get(name="Excel modelling")
    response = admin_client.post(
        reverse("accounts:skill_edit", args=[excel.pk]), {"name": "SQL", "category": excel.category_id}
    )
    assert response.status_code == 200
    assert "already exists" in response.text
    excel.refresh_from_db()
    assert excel.name == "Excel modelling"


def test_merge_keeps_every_profile_entry():
    source, target = SkillFactory(name="MS Excel"), SkillFactory(name="Excel")
    only_source = OfferedSkillFactory(skill=source, level=3)
    only_target = OfferedSkillFactory(skill=target, level=2)
    both = UserFactory()
    OfferedSkillFactory(user=both, skill=source, level=5, note="macros")
    OfferedSkillFactory(user=both, skill=target, level=2, note="pivots")
    wanter = WantedSkillFactory(skill=source, current_level=1, target_level=2)
    wants_both = UserFactory()
    WantedSkillFactory(user=wants_both, skill=source, current_level=2, target_level=5)
    WantedSkillFactory(user=wants_both, skill=target, current_level=1, target_level=3)

    result = skill_merge(source=source, target=target)

    assert not Skill.objects.filter(pk=source.pk).exists()
    offers = {o.user_id: o for o in OfferedSkill.objects.filter(skill=target)}
    assert set(offers) == {only_source.user_id, only_target.user_id, both.pk}
    assert offers[only_source.user_id].level == 3
    assert offers[both.pk].level == 5
    assert offers[both.pk].note == "pivots; macros"
    wants = {w.user_id: w for w in WantedSkill.objects.filter(skill=target)}
    assert set(wants) == {wanter.user_id, wants_both.pk}
    assert (wants[wants_both.pk].current_level, wants[wants_both.pk].target_level) == (1, 5)
    assert (result.moved_offered, result.combined_offered, result.moved_wanted, result.combined_wanted) == (1, 1, 1, 1)


def test_merge_reports_people_who_now_offer_and_want_the_same_skill(admin_client):
    source, target = SkillFactory(name="MS Excel"), SkillFactory(name="Excel")
    person = UserFactory(email="clash@northwind.example")
    OfferedSkillFactory(user=person, skill=source)
    WantedSkillFactory(user=person, skill=target)
    response = admin_client.post(
        reverse("accounts:skill_merge"), {"source": source.pk, "target": target.pk}, follow=True
    )
    assert "clash@northwind.example" in response.text
    assert person.offered_skills.get().skill == target
    assert person.wanted_skills.get().skill == target


def test_merging_a_skill_into_itself_is_a_field_error(admin_client):
    skill = SkillFactory()
    response = admin_client.post(reverse("accounts:skill_merge"), {"source": skill.pk, "target": skill.pk})
    assert response.status_code == 400
    assert "Choose two different skills." in response.text
    assert Skill.objects.filter(pk=skill.pk).exists()


def test_retire_and_restore(admin_client):
    skill = SkillFactory()
    admin_client.post(reverse("accounts:skill_retire", args=[skill.pk]), {"retire": "1"})
    skill.refresh_from_db()
    assert skill.is_retired
    admin_client.post(reverse("accounts:skill_retire", args=[skill.pk]), {"retire": "0"})
    skill.refresh_from_db()
    assert not skill.is_retired


def test_retire_is_post_only(admin_client):
    skill = SkillFactory()
    assert admin_client.get(reverse("accounts:skill_retire", args=[skill.pk])).status_code == 405


def test_add_category_and_refuse_a_duplicate(admin_client):
    admin_client.post(reverse("accounts:category_create"), {"name": "Sustainability"})
    assert SkillCategory.objects.filter(name="Sustainability").exists()
    response = admin_client.post(reverse("accounts:category_create"), {"name": "Sustainability"}, follow=True)
    assert "already exists" in response.text
    assert SkillCategory.objects.filter(name="Sustainability").count() == 1


def test_unknown_skill_is_404(admin_client):
    assert admin_client.get(reverse("accounts:skill_edit", args=[987654])).status_code == 404


def test_catalogue_page_costs_the_same_queries_for_ten_times_the_usage(admin_client, django_assert_num_queries):
    sql = Skill.objects.get(name="SQL")
    OfferedSkillFactory.create_batch(2, skill=sql)
    # session + user, categories, skills with usage counts (prefetch), the merge form's two skill lists
    with django_assert_num_queries(6):
        page = admin_client.get(reverse("accounts:catalogue"))
    assert page.status_code == 200
    OfferedSkillFactory.create_batch(20, skill=sql)
    with django_assert_num_queries(6):
        admin_client.get(reverse("accounts:catalogue"))


def test_a_name_taken_between_the_two_uniqueness_checks_is_still_the_name_fields_error(monkeypatch):
    """Before: the friendly check ran first, then the constraint's own; a skill saved by another request in between
    came back as a nameless "A skill with this name already exists." (tests/core/test_double_submits.py failed
    about one run in five on PostgreSQL)."""
    SkillFactory(name="Prompt writing")
    monkeypatch.setattr(Skill.objects, "filter", lambda *args, **kwargs: Skill.objects.none())  # it was not there yet
    with pytest.raises(ValidationError) as refused:
        skill_create(name="prompt writing", category=SkillCategory.objects.first())
    assert refused.value.message_dict == {"name": ["A skill called “prompt writing” already exists."]}
