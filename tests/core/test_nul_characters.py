"""A NUL character (%00) in a query string or a posted form answers 400 before any view runs. PostgreSQL refuses
NUL in text, so one that reached a database filter was a 500 (an outside sweep found `/me/manage/people/?q=%00`).
Run these on PostgreSQL too: DATABASE_URL=postgres://... (see README)."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from mentoring.programs.models import Program

pytestmark = pytest.mark.django_db

REFUSAL = "A NUL character (%00) cannot be part of a link or a form."


@pytest.fixture
def admin(client_for, program_admin):
    client = client_for(program_admin)
    client.raise_request_exception = False  # a 500 shows as a status here, not as an exception
    return client


@pytest.mark.parametrize("query", ["q=%00", "q=Ana%00Costa", "%00=1", "q=Ana&page=%00"])
def test_a_nul_in_the_people_search_is_a_clear_400(admin, query):
    response = admin.get(f"{reverse('accounts:people')}?{query}")
    assert response.status_code == 400
    assert response.content.decode() == REFUSAL


def test_the_people_search_still_works(admin, program_admin):
    response = admin.get(f"{reverse('accounts:people')}?q={program_admin.full_name.split()[0]}")
    assert response.status_code == 200
    assert program_admin.email in response.content.decode()


def test_a_nul_in_a_posted_form_is_a_400_and_changes_nothing(admin):
    body = urlencode({"name": "Reverse\x00mentoring", "purpose": "x"})
    response = admin.post(reverse("programs:program_create"), body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert response.content.decode() == REFUSAL
    assert not Program.objects.exists()


def test_a_nul_in_a_multipart_form_is_refused_by_the_form_field(admin):
    """Multipart bodies are left unread by the middleware (uploads are size-checked by their view first)."""
    response = admin.post(reverse("programs:program_create"), {"name": "Reverse\x00mentoring", "purpose": "x"})
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.context["form"].errors["name"]
    assert not Program.objects.exists()


def test_a_nul_in_a_page_anyone_can_reach_is_a_400(client):
    client.raise_request_exception = False
    assert client.get("/accounts/login/?next=%00").status_code == 400
