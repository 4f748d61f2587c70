"""Notifications for the person signed in: the bell's count, their list, their preferences; and the one-click
unsubscribe page of an e-mail, which needs no sign-in (its signed token is the authorization).

Who may use what: every view but ``unsubscribe`` is for a signed-in person (anonymous: the sign-in page), and reads
or marks only that person's own entries (someone else's: 404)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentoring.core.web import submit
from mentoring.notifications import kinds, preferences, selectors, services
from mentoring.notifications.forms import PreferencesForm

LIST_LENGTH = 50


@login_required
@require_GET
def bell(request):
    """Signed-in: the bell of the navigation, with the number of unread entries (loaded by htmx after the page)."""
    return render(request, "notifications/_bell.html", {"unread": selectors.unread_count(request.user)})


@login_required
@require_GET
def notification_list(request):
    """Signed-in: their last LIST_LENGTH notifications, unread ones marked."""
    entries = list(selectors.in_app_entries(request.user)[:LIST_LENGTH])
    return render(
        request,
        "notifications/list.html",
        {"entries": entries, "unread": sum(entry.read_at is None for entry in entries), "length": LIST_LENGTH},
    )


@login_required
@require_GET
def notification_open(request, pk: int):
    """Signed-in, their own entry (else 404): mark it read and go to the page it is about."""
    entry = get_object_or_404(selectors.in_app_entries(request.user), pk=pk)
    services.notification_mark_read(user=request.user, message_id=entry.pk)
    safe = entry.link and url_has_allowed_host_and_scheme(
        entry.link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(entry.link if safe else "notifications:list")


@login_required
@require_POST
def notification_read(request, pk: int):
    """Signed-in, their own entry (else 404): mark it read."""
    entry = get_object_or_404(selectors.in_app_entries(request.user), pk=pk)
    services.notification_mark_read(user=request.user, message_id=entry.pk)
    return redirect("notifications:list")


@login_required
@require_POST
def notifications_read_all(request):
    """Signed-in: mark all their entries read."""
    count = services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, f"{count} notification{'' if count == 1 else 's'} marked read.")
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences_edit(request):
    """Signed-in: how they get each kind of message they may see (program admins also see admins' kinds)."""
    shown = kinds.kinds_for(request.user)
    current = preferences.preferences_of(request.user)
    form = PreferencesForm(request.POST if request.method == "POST" else None, kinds=shown, current=current)
    done = submit(
        request,
        form,
        lambda data: preferences.preferences_save(user=request.user, choices=data),
        success="Your notification preferences are saved.",
        then="notifications:preferences",
    )
    if done:
        return done
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "participant_fields": form.kind_fields(kinds.PARTICIPANTS),
            "admin_fields": form.kind_fields(kinds.ADMINS),
            "fixed": [kind for kind in shown if not kind.can_turn_off],
            "cap": settings.NUDGE_EMAILS_PER_DAY,
        },
        status=400 if request.method == "POST" else 200,
    )


@csrf_exempt  # RFC 8058: a mail client POSTs "List-Unsubscribe=One-Click" without a CSRF token; the token decides
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """Anyone holding the signed link of one of their e-mails: GET asks to confirm, POST turns that kind off.
    A tampered or expired link, or a person who no longer exists, gets a page that says so (400 or 404)."""
    named = preferences.unsubscribe_read(token)
    if named is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    user_id, kind = named
    person = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if person is None:
        return render(request, "notifications/unsubscribe_invalid.html", {"gone": True}, status=404)
    if request.method == "POST":
        preferences.unsubscribe(user_id=user_id, kind=kind)
        return render(request, "notifications/unsubscribe.html", {"kind": kind, "person": person, "done": True})
    return render(request, "notifications/unsubscribe.html", {"kind": kind, "person": person, "token": token})
