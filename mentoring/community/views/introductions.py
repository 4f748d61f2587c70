"""Introductions, double opt-in. A partner asks on the pair's page; the other partner names a colleague; the
colleague says yes or no. An introduction's text is for its three people only (404 for anyone else, program admins
and leaders included)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_POST

from accounts.permissions import employee_required
from mentoring.community import forms, selectors
from mentoring.community.permissions import introduction_or_404, request_to_answer_or_404
from mentoring.community.services import introductions as services
from mentoring.core.web import act, base_url, submit
from mentoring.partnerships.permissions import partnership_for_member_or_404


@employee_required
def introduction_ask(request, partnership_pk: int):
    partnership = partnership_for_member_or_404(request.user, partnership_pk)
    partner = partnership.partner_of(request.user)
    form = forms.IntroductionAskForm(request.POST or None)
    if done := submit(
        request,
        form,
        lambda data: services.introduction_ask(partnership=partnership, asker=request.user, **data),
        success=f"Asked. {partner.display_name} sees your question on your pair's page.",
        then="community:introductions",
    ):
        return done
    return render(
        request, "community/introduction_ask.html", {"form": form, "partnership": partnership, "partner": partner}
    )


@employee_required
def introduction_make(request, pk: int):
    """The asker's partner names a colleague and says why."""
    ask = request_to_answer_or_404(request.user, pk)
    form = forms.IntroductionMakeForm(
        request.POST or None, colleagues=selectors.introducible_colleagues(ask, request.user)
    )
    if done := submit(
        request,
        form,
        lambda data: services.introduction_make(
            request=ask, introducer=request.user, base_url=base_url(request), **data
        ),
        success=lambda i: f"{i.colleague.display_name} is asked first; {ask.asker.display_name} hears once they agree.",
        then="community:introductions",
    ):
        return done
    return render(request, "community/introduction_make.html", {"form": form, "ask": ask})


@employee_required
def introductions(request):
    """Everyone: the introductions they asked for, made, and were asked to accept; and their setting."""
    return render(
        request,
        "community/introductions.html",
        {
            "mine": selectors.my_introductions(request.user),
            "requests": selectors.my_requests(request.user),
            "introductions_off": not services.accepts_introductions(request.user),
        },
    )


@employee_required
def introduction_detail(request, pk: int):
    introduction = introduction_or_404(request.user, pk)
    return render(request, "community/introduction_detail.html", {"introduction": introduction})


@require_POST
@employee_required
def introduction_answer(request, pk: int, answer: str):
    introduction = introduction_or_404(request.user, pk)
    if introduction.colleague_id != request.user.pk or answer not in ("accept", "decline"):
        raise PermissionDenied
    return act(
        request,
        lambda: services.introduction_answer(
            introduction=introduction, colleague=request.user, accept=answer == "accept", base_url=base_url(request)
        ),
        success=lambda i: (
            f"Introduced: you and {i.asker.display_name} were e-mailed to each other."
            if i.status == "accepted"
            else "Declined. Nobody is told more than that."
        ),
        then=introduction.get_absolute_url(),
    )


@require_POST
@employee_required
def introductions_settings(request):
    form = forms.IntroductionSettingsForm(request.POST)
    form.is_valid()
    off = form.cleaned_data.get("introductions_off", False)
    return act(
        request,
        lambda: services.introductions_set(user=request.user, off=off),
        success="Nobody will introduce you now."
        if off
        else "Colleagues may introduce you again (you always say yes or no first).",
        then="community:introductions",
    )
