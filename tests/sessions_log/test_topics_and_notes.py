"""The mentee of each half chooses its topic; private notes are for the pair alone."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sessions_log import selectors
from sessions_log.models import SessionNote
from sessions_log.services import half_set_topic, note_save
from tests.factories import (
    OfferedSkillFactory,
    SessionFactory,
    SessionNoteFactory,
    SkillFactory,
    UserFactory,
    WantedSkillFactory,
)
from tests.sessions_log.conftest import in_days

pytestmark = pytest.mark.django_db

SECRET = "I worry my manager will restructure the team"


@pytest.fixture
def session(pair):
    return SessionFactory(partnership=pair, start=in_days(2))  # Ana mentors the first half, Ben the second


def test_suggestions_are_the_mentees_wanted_skills_the_partner_offers(ana, ben):
    sql, speaking, cooking = (
        SkillFactory(),
        SkillFactory(),
        SkillFactory(),
    )
    for skill in (sql, speaking, cooking):
        WantedSkillFactory(user=ben, skill=skill)
    OfferedSkillFactory(user=ana, skill=sql)
    OfferedSkillFactory(user=ana, skill=speaking)
    assert set(selectors.topic_suggestions(ben, ana)) == {speaking, sql}


def test_without_a_match_all_wanted_skills_are_suggested(ana, ben):
    cooking = SkillFactory()
    WantedSkillFactory(user=ben, skill=cooking)
    assert selectors.topic_suggestions(ben, ana) == [cooking]


def test_mentee_sets_the_topic_of_their_half(session, ben):
    half = session.halves.get(order=1)  # Ben is mentee
    half_set_topic(half=half, by=ben, topic="Window functions")
    half.refresh_from_db()
    assert half.topic_label == "Window functions"
    session.refresh_from_db()
    assert session.sequence == 1


def test_the_mentor_cannot_set_the_topic(session, ana):
    half = session.halves.get(order=1)
    with pytest.raises(ValidationError, match="Only the mentee"):
        half_set_topic(half=half, by=ana, topic="What I want to teach")
    half.refresh_from_db()
    assert half.topic == ""


def test_topic_page_through_the_form_with_a_suggested_skill(session, ana, ben, client_for):
    sql = SkillFactory(name="Window functions in SQL")
    WantedSkillFactory(user=ben, skill=sql)
    OfferedSkillFactory(user=ana, skill=sql)
    url = reverse("sessions_log:half_topic", args=[session.pk, 1])
    page = client_for(ben).get(url)
    assert page.status_code == 200 and "Window functions in SQL" in page.text
    assert client_for(ben).post(url, {"topic_skill": "", "topic": ""}).status_code == 400
    assert client_for(ben).post(url, {"topic_skill": sql.pk, "topic": ""}).status_code == 302
    assert session.halves.get(order=1).topic_skill == sql


def test_topic_page_turns_the_mentor_away(session, ana, client_for):
    url = reverse("sessions_log:half_topic", args=[session.pk, 1])
    response = client_for(ana).post(url, {"topic": "Mine"}, follow=True)
    assert "Only the mentee" in response.text
    assert session.halves.get(order=1).topic == ""


def test_topic_cannot_change_on_a_cancelled_session(pair, ben):
    session = SessionFactory(partnership=pair, start=in_days(2), status="cancelled")
    with pytest.raises(ValidationError, match="no longer change"):
        half_set_topic(half=session.halves.get(order=1), by=ben, topic="x")


# --- Notes ----------------------------------------------------------------------------------------


def test_both_partners_read_the_pairs_notes(session, ana, ben, client_for):
    note_save(session=session, author=ana, text=SECRET)
    assert SECRET in client_for(ben).get(session.get_absolute_url()).text
    assert SECRET in client_for(ana).get(session.get_absolute_url()).text


def test_saving_an_empty_note_deletes_it(session, ana):
    note_save(session=session, author=ana, text=SECRET)
    assert note_save(session=session, author=ana, text="  ") is None
    assert not SessionNote.objects.exists()


def test_outsider_cannot_write_a_note(session):
    with pytest.raises(ValidationError):
        note_save(session=session, author=UserFactory(), text="hello")
    assert not SessionNote.objects.exists()


def test_note_page_saves_my_note(session, ben, client_for):
    url = reverse("sessions_log:note_edit", args=[session.pk])
    assert client_for(ben).post(url, {"text": "Bring the Q3 numbers"}).status_code == 302
    assert SessionNote.objects.get().author == ben


def test_too_long_note_is_refused(session, ben, client_for):
    url = reverse("sessions_log:note_edit", args=[session.pk])
    assert client_for(ben).post(url, {"text": "x" * 5001}).status_code == 400
    assert not SessionNote.objects.exists()


@pytest.mark.parametrize("role", ["employee", "program_admin", "leader", "superuser", "other_pair"])
def test_nobody_else_reads_notes_through_the_app(request, session, role, client_for, other_pair, django_user_model):
    SessionNoteFactory(session=session, author=session.partnership.member_a, text=SECRET)
    if role == "superuser":
        user = django_user_model.objects.create_superuser(email="root@northwind.example", password="x" * 12)
    elif role == "other_pair":
        user = other_pair.member_a
    else:
        user = request.getfixturevalue(role)
    client = client_for(user)
    urls = [
        session.get_absolute_url(),
        reverse("sessions_log:note_edit", args=[session.pk]),
        reverse("sessions_log:partnership_sessions", args=[session.partnership_id]),
        reverse("sessions_log:session_ics", args=[session.pk]),
        reverse("sessions_log:cohort_overview", args=[session.partnership.cohort_id]),
        reverse("home"),
    ]
    for url in urls:
        response = client.get(url)
        assert SECRET not in response.content.decode(), url


def test_django_admin_never_shows_the_text_of_a_note(session, client, django_user_model):
    note = SessionNoteFactory(session=session, author=session.partnership.member_a, text=SECRET)
    superuser = django_user_model.objects.create_superuser(email="root@northwind.example", password="x" * 12)
    client.force_login(superuser)
    pages = [
        "/django-admin/sessions_log/sessionnote/",
        f"/django-admin/sessions_log/sessionnote/{note.pk}/change/",
        f"/django-admin/sessions_log/sessionnote/{note.pk}/delete/",
        f"/django-admin/sessions_log/session/{session.pk}/change/",
        f"/django-admin/sessions_log/session/{session.pk}/delete/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.content.decode(), url
    assert client.get("/django-admin/sessions_log/sessionnote/add/").status_code == 403


def test_the_notes_card_says_the_partner_reads_them(session, ana, client_for):
    """Before: "Private notes" read as if only the writer saw them, while the partner reads them too."""
    page = client_for(ana).get(session.get_absolute_url()).text
    assert "Private notes" not in page
    assert "Notes for the two of you" in page and "sees yours" in page
