"""factory_boy factories shared by every test module."""

import factory
from allauth.account.models import EmailAddress

from accounts.models import OfferedSkill, Skill, SkillCategory, SkillProfile, User, WantedSkill

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@northwind.example")
    full_name = factory.Faker("name")
    timezone = "Europe/Berlin"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            EmailAddress.objects.create(user=obj, email=obj.email, verified=extracted is not False, primary=True)


class ProgramAdminFactory(UserFactory):
    is_program_admin = True


class LeaderFactory(UserFactory):
    is_leader = True


class SkillCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SkillCategory
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Category {n}")


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill

    name = factory.Sequence(lambda n: f"Test skill {n}")
    category = factory.SubFactory(SkillCategoryFactory)


class SkillProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SkillProfile
        django_get_or_create = ["user"]

    user = factory.SubFactory(UserFactory)
    job_title = "Analyst"
    department = "Finance"
    seniority = 3
    location = "Berlin"
    bio = "I like numbers."
    preferred_weekdays = [1, 3]


class OfferedSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfferedSkill

    user = factory.SubFactory(UserFactory)
    skill = factory.SubFactory(SkillFactory)
    level = 4


class WantedSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WantedSkill

    user = factory.SubFactory(UserFactory)
    skill = factory.SubFactory(SkillFactory)
    current_level = 1
    target_level = 3
