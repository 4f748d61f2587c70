import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import OfferedSkill, Skill, SkillProfile, User, WantedSkill, validate_timezone
from tests.factories import (
    OfferedSkillFactory,
    SkillCategoryFactory,
    SkillFactory,
    SkillProfileFactory,
    UserFactory,
    WantedSkillFactory,
)

pytestmark = pytest.mark.django_db


def test_user_logs_in_with_email_and_has_no_username():
    user = User.objects.create_user(email="Ana@Northwind.example", password="x" * 12)
    assert user.email == "ana@northwind.example"
    assert User.USERNAME_FIELD == "email"
    assert not hasattr(user, "username")


def test_user_email_is_unique_regardless_of_case():
    User.objects.create_user(email="ana@northwind.example")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="ANA@northwind.example")


def test_roles_are_additive():
    user = UserFactory(is_program_admin=True, is_leader=True)
    assert user.role_names == ["Employee", "Program admin", "Leader"]
    assert UserFactory().role_names == ["Employee"]


def test_skill_name_is_unique_regardless_of_case():
    category = SkillCategoryFactory()
    Skill.objects.create(name="Kubernetes", category=category)
    with pytest.raises(IntegrityError), transaction.atomic():
        Skill.objects.create(name="kubernetes", category=category)


def test_skill_full_clean_reports_a_duplicate_name_on_the_name_field():
    SkillFactory(name="Kubernetes")
    with pytest.raises(ValidationError) as error:
        Skill(name="KUBERNETES", category=SkillCategoryFactory()).full_clean()
    assert "already exists" in str(error.value.message_dict["name"])


def test_default_catalogue_has_about_eighty_skills_in_about_ten_categories():
    skills = Skill.objects.select_related("category")
    assert 70 <= skills.count() <= 100
    assert len({s.category.name for s in skills}) == 10


def test_a_skill_is_offered_once_per_person():
    offer = OfferedSkillFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        OfferedSkill.objects.create(user=offer.user, skill=offer.skill, level=2)


@pytest.mark.parametrize("level", [0, 6])
def test_offered_level_must_be_one_to_five(level):
    with pytest.raises(IntegrityError), transaction.atomic():
        OfferedSkillFactory(level=level)


def test_wanted_target_must_be_above_current():
    with pytest.raises(IntegrityError), transaction.atomic():
        WantedSkillFactory(current_level=3, target_level=3)


def test_a_skill_is_wanted_once_per_person():
    want = WantedSkillFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        WantedSkill.objects.create(user=want.user, skill=want.skill, current_level=1, target_level=2)


def test_profile_seniority_band_is_one_to_eight():
    with pytest.raises(IntegrityError), transaction.atomic():
        SkillProfileFactory(seniority=9)


def test_nobody_is_their_own_manager():
    profile = SkillProfileFactory()
    profile.manager = profile.user
    with pytest.raises(ValidationError):
        profile.full_clean()


def test_time_zone_must_be_a_known_iana_name():
    validate_timezone("Europe/Berlin")
    with pytest.raises(ValidationError):
        validate_timezone("Mars/Olympus_Mons")


def test_completeness_lists_what_is_missing():
    profile = SkillProfile.objects.create(user=UserFactory())
    completeness = profile.completeness()
    assert completeness.percent == 0
    assert "job title" in completeness.missing
    assert "at least one skill you offer" in completeness.missing


def test_completeness_is_full_for_a_complete_profile():
    profile = SkillProfileFactory()
    OfferedSkillFactory(user=profile.user)
    WantedSkillFactory(user=profile.user)
    completeness = profile.completeness()
    assert completeness.missing == []
    assert completeness.percent == 100


def test_retiring_keeps_the_skill_on_profiles():
    offer = OfferedSkillFactory()
    offer.skill.is_retired = True
    offer.skill.save()
    assert OfferedSkill.objects.filter(pk=offer.pk).exists()
    assert offer.skill not in Skill.objects.active()
