"""Small helpers that the views of every app share: how a service's refusal reaches the person who asked.

Every page that changes something has one of two shapes, written once here:

- a button (`act`): run one service call, say what happened or why nothing did, redirect;
- a form page (`submit`): on a valid POST run one service call with the form's cleaned data; its refusal stands
  on the form next to the field it names, success is said and redirects; otherwise the view renders the page.

`success` is the text to say, or a function of what the service returned giving it (a function that says its own
messages, at another level, returns "" to add nothing). `then` is where to go: anything `redirect` accepts, or a
function of what the service returned giving it.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect

Said = str | Callable[[Any], str] | None
Where = Any  # a URL, a URL name, a model with get_absolute_url, or a function of the service's result giving one


def base_url(request) -> str:
    """The site's absolute root, for the links in the e-mails a service sends."""
    return request.build_absolute_uri("/")


def refusal(error: ValidationError) -> str:
    """A service's refusal as one message."""
    return " ".join(error.messages)


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's refusal next to the field it names, or at the top of the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _succeeded(request, result, *, success: Said, then: Where) -> HttpResponseRedirect:
    text = success(result) if callable(success) else success
    if text:
        messages.success(request, text)
    return redirect(then(result) if callable(then) else then)


def act(
    request, call: Callable[[], Any], *, success: Said, then: Where, refused_then: Where = None
) -> HttpResponseRedirect:
    """A button: run `call()` (one service call). Its refusal is said as an error and goes to `refused_then`
    (default: `then`, which must then be a place, not a function), with nothing changed; otherwise `success` is
    said and the person goes to `then`."""
    try:
        result = call()
    except ValidationError as error:
        messages.error(request, refusal(error))
        back = then if refused_then is None else refused_then
        if callable(back):
            raise TypeError("act(): a `then` that depends on the result needs a `refused_then`.") from error
        return redirect(back)
    return _succeeded(request, result, success=success, then=then)


def submit(request, form, call: Callable[[dict], Any], *, success: Said, then: Where) -> HttpResponse | None:
    """A form page's POST: when the form is valid, run `call(form.cleaned_data)` (one service call), say
    `success` and redirect to `then`. None means the view shows the page (again): a GET, an invalid form, or a
    refusal, which then stands on the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = call(form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    return _succeeded(request, result, success=success, then=then)
