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
        model = "programs.Program"

    name = factory.Sequence(lambda n: f"Two-way mentoring {n}")
    purpose = "Colleagues teach each other what they know best."
    confidentiality_statement = "What is said in a session stays between the two partners."


class CohortFactory(factory.django.DjangoModelFactory):
    """An enrolling cohort whose enrollment window contains today."""

    class Meta:
        model = "programs.Cohort"

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
        model = "programs.Enrollment"

    cohort = factory.SubFactory(CohortFactory)
    user = factory.SubFactory(UserFactory)
    status = "applied"
    goals = "Learn how the other half of the company works."
    availability = "Tuesday mornings, twice a month."
    confidentiality_accepted_at = factory.LazyFunction(lambda: _now())
    waitlisted_at = factory.LazyAttribute(lambda o: _now() if o.status == "waitlisted" else None)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programs.Invitation"

    cohort = factory.SubFactory(CohortFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@northwind.example")


def _today():
    from django.utils import timezone

    return timezone.localdate()


def _now():
    from django.utils import timezone

    return timezone.now()


# --- Partnerships, agreements and goals (mentoring) ------------------------------------------------


class ActiveCohortFactory(CohortFactory):
    """A cohort that started a month ago and runs for five more months."""

    status = "active"
    enrollment_opens_on = factory.LazyFunction(lambda: _today() - datetime.timedelta(days=60))
    enrollment_closes_on = factory.LazyFunction(lambda: _today() - datetime.timedelta(days=40))
    starts_on = factory.LazyFunction(lambda: _today() - datetime.timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: _today() + datetime.timedelta(days=150))


class PartnershipFactory(factory.django.DjangoModelFactory):
    """An active pair in an active cohort, both approved-enrolled.

    Pass the two people in any order: they are stored with the lower id as member A (and the
    `a_teaches_b` / `b_teaches_a` lists follow them). `enroll=False` skips creating enrollments.
    """

    class Meta:
        model = "partnerships.Partnership"
        skip_postgeneration_save = True

    cohort = factory.SubFactory(ActiveCohortFactory)
    member_a = factory.SubFactory(UserFactory)
    member_b = factory.SubFactory(UserFactory)
    score = 0.8
    a_teaches_b = factory.LazyFunction(lambda: ["SQL"])
    b_teaches_a = factory.LazyFunction(lambda: ["Negotiation"])
    explanation = "Each of you can teach the other something they asked to learn."

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if kwargs["member_a"].pk > kwargs["member_b"].pk:
            kwargs["member_a"], kwargs["member_b"] = kwargs["member_b"], kwargs["member_a"]
            kwargs["a_teaches_b"], kwargs["b_teaches_a"] = kwargs["b_teaches_a"], kwargs["a_teaches_b"]
        return super()._create(model_class, *args, **kwargs)

    @factory.post_generation
    def enroll(obj, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        from mentoring.programs.models import Enrollment

        for member in obj.members:
            Enrollment.objects.get_or_create(
                cohort=obj.cohort,
                user=member,
                defaults={"status": "approved", "confidentiality_accepted_at": _now()},
            )


class AgreementFactory(factory.django.DjangoModelFactory):
    """A complete agreement in version 1. `signed_by=[user, ...]` signs the current version for them."""

    class Meta:
        model = "partnerships.Agreement"
        skip_postgeneration_save = True

    partnership = factory.SubFactory(PartnershipFactory)
    cadence = factory.LazyAttribute(lambda o: o.partnership.cohort.cadence)
    outcomes_a = "Get comfortable with the other side's tools."
    outcomes_b = "Understand how the other team decides."
    channel = "Teams chat"
    response_time = "one_day"
    boundaries = "No talk about salaries."
    confidentiality = factory.LazyAttribute(lambda o: o.partnership.cohort.program.confidentiality_statement)
    version = 1

    @factory.post_generation
    def snapshot(obj, create, extracted, **kwargs):
        if create:
            from mentoring.partnerships.models import AgreementVersion

            AgreementVersion.objects.create(agreement=obj, number=obj.version, snapshot=obj.snapshot())

    @factory.post_generation
    def signed_by(obj, create, extracted, **kwargs):
        if create and extracted:
            from mentoring.partnerships.models import AgreementSignature

            for user in extracted:
                AgreementSignature.objects.create(agreement=obj, user=user, version=obj.version)


class GoalFactory(factory.django.DjangoModelFactory):
    """An open goal owned by member A of its partnership unless `owner` is given."""

    class Meta:
        model = "partnerships.Goal"

    partnership = factory.SubFactory(PartnershipFactory)
    owner = factory.LazyAttribute(lambda o: o.partnership.member_a)
    title = factory.Sequence(lambda n: f"Goal {n}: run my own analysis")
    progress = 20


# --- Sessions, halves, notes and check-ins (sessions_log) ------------------------------------------


class SessionFactory(factory.django.DjangoModelFactory):
    """An accepted session tomorrow with its two equal halves; member A mentors first unless told otherwise.

    `held=True` makes it a held session three days ago. `halves=(m1, m2)` sets the logged minutes of the halves
    (held sessions default to the planned minutes); `halves__first_mentor=user` picks who mentors first.
    """

    class Meta:
        model = "sessions_log.Session"
        skip_postgeneration_save = True

    class Params:
        held = factory.Trait(
            status="held",
            start=factory.LazyFunction(lambda: _now().replace(second=0, microsecond=0) - datetime.timedelta(days=3)),
        )

    partnership = factory.SubFactory(PartnershipFactory)
    proposed_by = factory.LazyAttribute(lambda o: o.partnership.member_a)
    start = factory.LazyFunction(lambda: _now().replace(second=0, microsecond=0) + datetime.timedelta(days=1))
    end = factory.LazyAttribute(
        lambda o: o.start + datetime.timedelta(minutes=o.partnership.cohort.session_length_minutes)
    )
    location = "Room 4.12"
    status = "accepted"

    @factory.post_generation
    def halves(obj, create, extracted, first_mentor=None, **kwargs):
        if not create:
            return
        from sessions_log.models import SessionHalf

        first = first_mentor or obj.partnership.member_a
        second = obj.partnership.partner_of(first)
        planned = obj.duration_minutes // 2
        actual = list(extracted) if extracted else ([planned, planned] if obj.status == "held" else [None, None])
        SessionHalf.objects.bulk_create(
            [
                SessionHalf(
                    session=obj, order=1, mentor=first, mentee=second, planned_minutes=planned, actual_minutes=actual[0]
                ),
                SessionHalf(
                    session=obj, order=2, mentor=second, mentee=first, planned_minutes=planned, actual_minutes=actual[1]
                ),
            ]
        )


class SessionNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "sessions_log.SessionNote"

    session = factory.SubFactory(SessionFactory)
    author = factory.LazyAttribute(lambda o: o.session.partnership.member_a)
    text = factory.Sequence(lambda n: f"Private note {n}: we talked about pivot tables")


class CheckInFactory(factory.django.DjangoModelFactory):
    """Member A's check-in on a held session, unless `author` is given."""

    class Meta:
        model = "sessions_log.CheckIn"

    session = factory.SubFactory(SessionFactory, held=True)
    author = factory.LazyAttribute(lambda o: o.session.partnership.member_a)
    usefulness = 4
    learned = "How to read a pivot table."
    taught = "How to open a negotiation."
    next_time = "Bring real examples."


# --- Surveys (mentoring assessments) --------------------------------------------------------------------


class AssessmentFactory(factory.django.DjangoModelFactory):
    """A mid-point survey of an active cohort, open since yesterday for two weeks."""

    class Meta:
        model = "surveys.Assessment"

    cohort = factory.SubFactory(ActiveCohortFactory)
    kind = "midpoint"
    opens_on = factory.LazyFunction(lambda: _today() - datetime.timedelta(days=1))
    closes_on = factory.LazyFunction(lambda: _today() + datetime.timedelta(days=12))


class AssessmentResponseFactory(factory.django.DjangoModelFactory):
    """Answers to a survey (no skill ratings unless `ratings=[(skill, start, level), ...]`)."""

    class Meta:
        model = "surveys.AssessmentResponse"
        skip_postgeneration_save = True

    assessment = factory.SubFactory(AssessmentFactory)
    respondent = factory.SubFactory(UserFactory)
    nps = 9
    met_as_agreed = 4
    learned_used = 4
    taught_used = 3
    two_way_better = 5
    comment = ""

    @factory.post_generation
    def ratings(obj, create, extracted, **kwargs):
        if create and extracted:
            from mentoring.surveys.models import AssessmentSkillRating

            AssessmentSkillRating.objects.bulk_create(
                [AssessmentSkillRating(response=obj, skill=s, start_level=a, level=b) for s, a, b in extracted]
            )


# --- The outbox (notifications) -------------------------------------------------------------------------------


class MessageFactory(factory.django.DjangoModelFactory):
    """An e-mail waiting in the outbox, as message_queue writes it (rung for by nobody: tests send it)."""

    class Meta:
        model = "notifications.Message"

    kind = "profile_reminder"
    address = factory.Sequence(lambda n: f"reader{n}@northwind.example")
    subject = "[Twoway] Hello"
    body = "Hello in text"
    html = "<p>Hello in HTML</p>"
    message_id_header = factory.Sequence(lambda n: f"<message-{n}@northwind.example>")


class FailedMessageFactory(MessageFactory):
    state = "failed"
    attempts = 8
    last_error = "SMTPRecipientsRefused: {'x@northwind.example': (550, b'No such user')}"
