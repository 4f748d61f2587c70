"""factory_boy factories shared by every test module."""

import datetime

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


# --- Programs, cohorts and enrollments (mentoring) -------------------------------------------------


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "mentoring.Program"

    name = factory.Sequence(lambda n: f"Two-way mentoring {n}")
    purpose = "Colleagues teach each other what they know best."
    confidentiality_statement = "What is said in a session stays between the two partners."


class CohortFactory(factory.django.DjangoModelFactory):
    """An enrolling cohort whose enrollment window contains today."""

    class Meta:
        model = "mentoring.Cohort"

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")
    status = "enrolling"
    enrollment_opens_on = factory.LazyFunction(lambda: _today() - datetime.timedelta(days=7))
    enrollment_closes_on = factory.LazyFunction(lambda: _today() + datetime.timedelta(days=14))
    starts_on = factory.LazyFunction(lambda: _today() + datetime.timedelta(days=21))
    ends_on = factory.LazyFunction(lambda: _today() + datetime.timedelta(days=21 + 180))
    capacity = 20


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "mentoring.Enrollment"

    cohort = factory.SubFactory(CohortFactory)
    user = factory.SubFactory(UserFactory)
    status = "applied"
    goals = "Learn how the other half of the company works."
    availability = "Tuesday mornings, twice a month."
    confidentiality_accepted_at = factory.LazyFunction(lambda: _now())
    waitlisted_at = factory.LazyAttribute(lambda o: _now() if o.status == "waitlisted" else None)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "mentoring.Invitation"

    cohort = factory.SubFactory(CohortFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@northwind.example")


def _today():
    from django.utils import timezone

    return timezone.localdate()


def _now():
    from django.utils import timezone

    return timezone.now()
