"""Requests refused before any view runs, and the headers every answer carries."""

from django.contrib.auth import SESSION_KEY
from django.http import HttpResponseBadRequest
from django.http.request import QueryDict
from django.utils.cache import patch_cache_control

NUL = "\x00"
NUL_REFUSAL = "A NUL character (%00) cannot be part of a link or a form."


class RefuseNulCharactersMiddleware:
    """A NUL character in a query string or in a posted form answers 400.

    PostgreSQL refuses NUL in text, so one that reached a database filter was a 500 (`/me/manage/people/?q=%00`).
    No browser form can type one, so the request is refused whole, with a clear reason, rather than quietly changed;
    and one check here covers every parameter of every view, including those that read `request.GET` directly.
    Only URL-encoded bodies are read: a multipart body (a file upload) is left unread for its view, which checks its
    size first, and its text fields go through Django form fields, which refuse NUL themselves.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        form = request.POST if request.content_type == "application/x-www-form-urlencoded" else QueryDict()
        if _has_nul(request.GET) or _has_nul(form):
            return HttpResponseBadRequest(NUL_REFUSAL, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _has_nul(data: QueryDict) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in data.lists())


PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


class PrivateResponsesMiddleware:
    """What a signed-in person sees is kept by nobody's cache: ``Cache-Control: private, no-store`` on every answer to
    a signed-in request (pages, CSV and Excel downloads, calendar files), so a shared computer's back button or a
    proxy never shows it to the next person. Every answer also carries a ``Permissions-Policy`` that turns off the
    browser features Twoway never uses.

    It reads only what the request already loaded: a session nobody opened is not opened here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.accessed and session.get(SESSION_KEY):
            patch_cache_control(response, private=True, no_store=True)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
