"""The two view bodies every app shares: a button (`act`) and a form page's POST (`submit`)."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError

from mentoring.core.web import act, submit


class NameForm(forms.Form):
    name = forms.CharField(max_length=10)


@pytest.fixture
def post(rf):
    def make(data=None):
        request = rf.post("/", data or {})
        request._messages = CookieStorage(request)
        return request

    return make


def _said(request) -> list[tuple[str, str]]:
    return [(m.level_tag, m.message) for m in get_messages(request)]


def _refuse(*_args):
    raise ValidationError("Not now: the cohort is closed.")


def test_act_says_success_and_redirects(post):
    request = post()
    response = act(request, lambda: 7, success=lambda n: f"{n} sent.", then="/done/")
    assert (response.status_code, response.url) == (302, "/done/")
    assert _said(request) == [("success", "7 sent.")]


def test_act_goes_where_the_result_says(post):
    request = post()
    response = act(request, lambda: "/runs/3/", success="Started.", then=lambda url: url, refused_then="/cohort/")
    assert response.url == "/runs/3/"


def test_act_says_the_refusal_and_goes_back(post):
    request = post()
    response = act(request, _refuse, success="Done.", then="/done/", refused_then="/back/")
    assert response.url == "/back/"
    assert _said(request) == [("error", "Not now: the cohort is closed.")]


def test_act_refused_without_a_refused_place_goes_to_then(post):
    request = post()
    assert act(request, _refuse, success="Done.", then="/done/").url == "/done/"


def test_act_needs_a_refused_place_when_then_depends_on_the_result(post):
    with pytest.raises(TypeError):
        act(post(), _refuse, success="Done.", then=lambda result: result)


def test_act_says_nothing_more_when_success_is_empty(post):
    request = post()
    act(request, lambda: None, success="", then="/done/")
    assert _said(request) == []


def test_submit_runs_the_service_with_the_cleaned_data(post):
    request = post({"name": " Ana "})
    called = []
    response = submit(request, NameForm(request.POST), called.append, success="Saved.", then="/done/")
    assert response.url == "/done/"
    assert called == [{"name": "Ana"}]
    assert _said(request) == [("success", "Saved.")]


def test_submit_leaves_an_invalid_form_to_the_page_and_calls_nothing(post):
    request = post({"name": "x" * 11})
    form = NameForm(request.POST)
    called = []
    assert submit(request, form, called.append, success="Saved.", then="/done/") is None
    assert called == []
    assert "name" in form.errors


def test_submit_puts_the_refusal_next_to_the_field_it_names(post):
    request = post({"name": "Ana"})
    form = NameForm(request.POST)

    def refuse(_data):
        raise ValidationError({"name": "Someone else has that name.", "other": "Try again later."})

    assert submit(request, form, refuse, success="Saved.", then="/done/") is None
    assert form.errors["name"] == ["Someone else has that name."]
    assert form.non_field_errors() == ["Try again later."]
    assert _said(request) == []


def test_submit_does_nothing_on_a_get(rf):
    request = rf.get("/")
    called = []
    assert submit(request, NameForm(), called.append, success="Saved.", then="/done/") is None
    assert called == []
