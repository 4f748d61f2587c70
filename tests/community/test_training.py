"""Training modules (safe Markdown, acknowledgement or quiz), required modules before matching, resources."""

import pytest
from django.urls import reverse

from matching.selectors import free_participants
from mentoring.community.markdown import render_markdown
from mentoring.community.models import CohortModule, ModuleCompletion, Resource, TrainingModule
from mentoring.community.services import training as services
from mentoring.notifications.models import Message
from tests.factories import (
    CohortFactory,
    EnrollmentFactory,
    LeaderFactory,
    PartnershipFactory,
    ProgramAdminFactory,
    SkillFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("markdown", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ("[click](javascript:alert(1))", 'href="javascript'),
        ("[click](JaVaScRiPt:alert(1))", "href="),
        ('<a href="https://x.example" onclick="steal()">x</a>', "<a "),
        ("<img src=x onerror=alert(1)>", "<img"),
        ("<iframe src='https://evil.example'></iframe>", "<iframe"),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", 'href="data:'),
    ],
)
def test_markdown_renders_script_javascript_links_and_raw_html_inert(markdown, forbidden):
    # Typed HTML comes out as text (&lt;...), never as a tag; a dangerous link loses its href.
    assert forbidden.lower() not in render_markdown(markdown).lower()


def test_the_sanitiser_strips_what_the_renderer_might_let_through():
    from mentoring.community.markdown import sanitise

    html = sanitise('<a href="javascript:x()" onclick="y()">a</a><script>z()</script><img src=x onerror=z()>')
    assert "javascript" not in html and "onclick" not in html and "<script" not in html and "<img" not in html


def test_markdown_keeps_what_a_module_needs():
    html = render_markdown("## Steps\n\n- **one**\n- [two](https://example.org)")
    assert "<h2>Steps</h2>" in html and "<strong>one</strong>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">two</a>' in html


def test_the_default_modules_are_shipped():
    titles = set(TrainingModule.objects.values_list("title", flat=True))
    assert {
        "How two-way mentoring works",
        "Leading your half as the mentor",
        "Being a good mentee: bring your questions",
        "Confidentiality",
    } <= titles


def test_an_employee_acknowledges_a_module_once(client_for, employee):
    module = TrainingModule.objects.get(slug="how-two-way-mentoring-works")
    client = client_for(employee)
    url = module.get_absolute_url()
    assert client.post(url, {}).status_code == 200  # the box is not ticked: field error, nothing written
    assert not ModuleCompletion.objects.exists()
    client.post(url, {"read": "on"})
    client.post(url, {"read": "on"})  # a double submit
    assert ModuleCompletion.objects.filter(module=module, user=employee).count() == 1


def test_a_quiz_is_passed_only_with_every_answer_right(client_for, employee):
    module = TrainingModule.objects.get(slug="confidentiality")
    client = client_for(employee)
    wrong = client.post(module.get_absolute_url(), {"q0": 0, "q1": 0})
    assert "question 2" in wrong.content.decode()
    assert not ModuleCompletion.objects.exists()
    garbage = client.post(module.get_absolute_url(), {"q0": "nine", "q1": 77})
    assert set(garbage.context["form"].errors) == {"q0", "q1"}
    client.post(module.get_absolute_url(), {"q0": 0, "q1": 1})
    assert ModuleCompletion.objects.filter(module=module, user=employee).exists()


def test_a_program_admin_writes_a_module_with_a_quiz(client_for, program_admin):
    client = client_for(program_admin)
    response = client.post(
        reverse("community:module_create"),
        {"title": "Giving feedback", "summary": "", "body": "Be kind.", "quiz": "Best time? | Soon | Never | Later",
         "is_published": "on"},
    )  # fmt: skip
    module = TrainingModule.objects.get(title="Giving feedback")
    assert response.url == module.get_absolute_url()
    assert module.quiz == [{"question": "Best time?", "options": ["Later", "Never", "Soon"], "answer": 2}]


def test_a_module_with_a_bad_quiz_line_or_a_taken_title_writes_nothing(client_for, program_admin):
    client = client_for(program_admin)
    before = TrainingModule.objects.count()
    bad = client.post(reverse("community:module_create"), {"title": "X", "body": "Y", "quiz": "Only a question?"})
    assert "Line 1" in bad.content.decode()
    taken = client.post(reverse("community:module_create"), {"title": "Confidentiality", "body": "Y"})
    assert "title" in taken.context["form"].errors
    assert TrainingModule.objects.count() == before


def test_matching_leaves_out_people_who_did_not_complete_the_required_modules():
    cohort = CohortFactory()
    ready, not_ready = (EnrollmentFactory(cohort=cohort, status="approved") for _ in range(2))
    module = TrainingModule.objects.get(slug="confidentiality")
    services.cohort_modules_set(cohort=cohort, modules=[module])
    ModuleCompletion.objects.create(module=module, user=ready.user)
    assert list(free_participants(cohort)) == [ready]
    # Another cohort that requires nothing matches everyone.
    other = CohortFactory()
    EnrollmentFactory(cohort=other, status="approved", user=not_ready.user)
    assert free_participants(other).count() == 1


def test_required_modules_do_not_change_once_matching_started():
    cohort = CohortFactory(status="matching")
    with pytest.raises(Exception, match="until matching starts"):
        services.cohort_modules_set(cohort=cohort, modules=list(TrainingModule.objects.all()[:1]))
    assert not CohortModule.objects.exists()


def test_the_cohort_training_page_shows_who_completed_and_reminds_once_a_day(client_for, program_admin):
    cohort = CohortFactory()
    done = EnrollmentFactory(cohort=cohort, status="approved", user=UserFactory(full_name="Dana Done"))
    EnrollmentFactory(cohort=cohort, status="approved", user=UserFactory(full_name="Mo Missing"))
    module = TrainingModule.objects.get(slug="confidentiality")
    client = client_for(program_admin)
    client.post(reverse("community:cohort_training", args=[cohort.pk]), {"modules": [module.pk]})
    ModuleCompletion.objects.create(module=module, user=done.user)
    page = client.get(reverse("community:cohort_training", args=[cohort.pk])).content.decode()
    assert "Dana Done" in page and "Mo Missing" in page and "1 of 2 completed them all" in page
    remind = reverse("community:cohort_training_remind", args=[cohort.pk])
    client.post(remind)
    client.post(remind)
    reminders = Message.objects.filter(channel="email", kind="training_reminder")
    assert reminders.count() == 1 and "Mo" in reminders.get().body
    card = client.get(cohort.get_absolute_url()).content.decode()
    assert "1 required module: 1 approved participant completed it" in card


@pytest.mark.parametrize("count", [2, 20])
def test_the_cohort_training_page_costs_the_same_for_ten_times_the_people(django_assert_num_queries, client_for, count):
    cohort = CohortFactory()
    modules = list(TrainingModule.objects.all())
    for link in modules:
        CohortModule.objects.create(cohort=cohort, module=link)
    for _ in range(count):
        person = EnrollmentFactory(cohort=cohort, status="approved").user
        ModuleCompletion.objects.create(module=modules[0], user=person)
    client = client_for(ProgramAdminFactory())
    # session, user, the cohort, its required modules (for the form), the published modules (the form's choices),
    # the required modules with their module, the enrollments with their user, their completions
    with django_assert_num_queries(8):
        response = client.get(reverse("community:cohort_training", args=[cohort.pk]))
    assert len(response.context["progress"].rows) == count


@pytest.mark.parametrize("role", [UserFactory, LeaderFactory])
def test_training_completion_per_person_is_for_program_admins_only(client, role):
    cohort = CohortFactory()
    client.force_login(role())
    assert client.get(reverse("community:cohort_training", args=[cohort.pk])).status_code == 403
    assert client.post(reverse("community:cohort_training_remind", args=[cohort.pk])).status_code == 403
    assert client.get(reverse("community:module_create")).status_code == 403


def test_anonymous_visitors_sign_in_for_training_and_resources(client):
    for url in (reverse("community:training"), reverse("resources:library"), reverse("resources:review")):
        assert client.get(url).url.startswith(reverse("account_login"))


def test_an_unpublished_module_is_hidden_from_employees(client_for, employee):
    module = TrainingModule.objects.get(slug="confidentiality")
    module.is_published = False
    module.save()
    client = client_for(employee)
    assert client.get(module.get_absolute_url()).status_code == 403
    assert "Confidentiality" not in client.get(reverse("community:training")).content.decode()


def test_a_suggested_resource_shows_once_approved_and_on_the_pair_page(client_for, program_admin):
    sql = SkillFactory(name="Window functions")
    pair = PartnershipFactory(a_teaches_b=["Window functions"], b_teaches_a=["Storytelling"])
    suggester = client_for(UserFactory())
    suggester.post(
        reverse("resources:library"),
        {"skill": sql.pk, "title": "Window functions explained", "url": "https://example.org/w", "note": ""},
    )
    resource = Resource.objects.get()
    assert "Window functions explained" not in suggester.get(reverse("resources:library")).content.decode()
    suggester.force_login(program_admin)
    suggester.post(reverse("resources:decide", args=[resource.pk, "approve"]))
    again = suggester.post(reverse("resources:decide", args=[resource.pk, "decline"]), follow=True)
    assert "reviewed this suggestion already" in again.content.decode()
    suggester.force_login(pair.member_b)
    page = suggester.get(reverse("partnerships:detail", args=[pair.pk])).content.decode()
    assert "Window functions explained" in page and "For what you learn" in page


def test_a_resource_with_a_javascript_link_or_nothing_in_it_is_refused(client_for, employee):
    skill = SkillFactory()
    client = client_for(employee)
    bad = client.post(
        reverse("resources:library"), {"skill": skill.pk, "title": "x", "url": "javascript:alert(1)", "note": ""}
    )
    assert "url" in bad.context["form"].errors
    empty = client.post(reverse("resources:library"), {"skill": skill.pk, "title": "x", "url": "", "note": ""})
    assert "url" in empty.context["form"].errors
    assert not Resource.objects.exists()


@pytest.mark.parametrize("role", [UserFactory, LeaderFactory])
def test_only_program_admins_review_resources(client, role):
    resource = Resource.objects.create(skill=SkillFactory(), title="t", note="n")
    client.force_login(role())
    assert client.get(reverse("resources:review")).status_code == 403
    assert client.post(reverse("resources:decide", args=[resource.pk, "approve"])).status_code == 403
    resource.refresh_from_db()
    assert resource.status == "suggested"
