"""Following up pairs: a partner's fit check, and the program admins' at-risk list with its actions.

The fit check is for the pair's two partners (`employee_required`; anyone else gets a 404). The at-risk list and
its actions are for program admins and superusers (`program_admin_required`; anyone else signed in gets a 403,
anonymous visitors go to sign in). See mentoring.followup.permissions.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.permissions import employee_required, program_admin_required
from mentoring.core.web import act, base_url, submit
from mentoring.followup import selectors, services
from mentoring.followup.forms import EndPairForm, FitCheckForm, NudgeForm, OnceForm
from mentoring.followup.permissions import (
    can_answer_fit_check,
    can_follow_up_cohort,
    fit_check_partnership_or_404,
    followup_cohort_or_404,
    followup_partnership_or_404,
)


def _status(request) -> int:
    """A form page shown again after a POST was refused (field errors): 400, as the console's forms answer."""
    return 400 if request.method == "POST" else 200


def _at_risk_url(partnership) -> str:
    return reverse("followup:at_risk", args=[partnership.cohort_id])


@employee_required
def fit_check(request, pk: int):
    """The two partners, each their own answer, once the pair has held a session."""
    partnership = fit_check_partnership_or_404(request.user, pk)
    if not can_answer_fit_check(request.user, partnership):
        raise PermissionDenied
    state = selectors.fit_check_state(partnership, request.user)
    mine = state.mine
    initial = {"answer": mine.answer, "words": mine.words, "share_words": mine.share_words} if mine else None
    form = FitCheckForm(request.POST if request.method == "POST" else None, initial=initial)
    if done := submit(
        request,
        form,
        lambda data: services.fit_check_answer(
            partnership=partnership,
            author=request.user,
            answer=data["answer"],
            words=data["words"],
            share_words=data["share_words"],
        ),
        success="Thank you. Your answer stays between you and the program admin.",
        then=reverse("partnerships:detail", args=[partnership.pk]),
    ):
        return done
    return render(
        request,
        "followup/fit_check.html",
        {"form": form, "state": state, "partnership": partnership, "partner": partnership.partner_of(request.user)},
        status=_status(request),
    )


@program_admin_required
def at_risk(request, cohort_pk: int):
    """Program admins: the cohort's pairs at risk, why and since when, the actions on each and their history."""
    cohort = followup_cohort_or_404(cohort_pk)
    if not can_follow_up_cohort(request.user, cohort):
        raise PermissionDenied
    page = selectors.cohort_at_risk_page(cohort, page=request.GET.get("page"))
    return render(request, "followup/at_risk.html", {"cohort": cohort, "page": page, "button_form": OnceForm()})


def _admin_pair(request, pk: int):
    partnership = followup_partnership_or_404(pk)
    if not can_follow_up_cohort(request.user, partnership.cohort):
        raise PermissionDenied
    return partnership


@program_admin_required
def nudge(request, pk: int):
    """Program admins: write to both partners, from a text they may change."""
    partnership = _admin_pair(request, pk)
    form = NudgeForm(
        request.POST if request.method == "POST" else None, initial={"text": services.nudge_text(partnership)}
    )
    if done := submit(
        request,
        form,
        lambda data: services.nudge_send(
            partnership=partnership, by=request.user, text=data["text"], once=data["once"], base_url=base_url(request)
        ),
        success=f"Nudge sent to {partnership.member_a.display_name} and {partnership.member_b.display_name}.",
        then=_at_risk_url(partnership),
    ):
        return done
    return render(request, "followup/nudge.html", {"form": form, "partnership": partnership}, status=_status(request))


def _button(request, pk: int, call, success: str):
    partnership = _admin_pair(request, pk)
    form = OnceForm(request.POST)
    if not form.is_valid():
        return redirect(_at_risk_url(partnership))
    return act(
        request,
        lambda: call(
            partnership=partnership, by=request.user, once=form.cleaned_data["once"], base_url=base_url(request)
        ),
        success=success,
        then=_at_risk_url(partnership),
    )


@require_POST
@program_admin_required
def checkin_request(request, pk: int):
    """Program admins: ask both partners how their pair is going."""
    return _button(request, pk, services.checkin_request_send, "Both partners were asked how it is going.")


@require_POST
@program_admin_required
def rematch_offer(request, pk: int):
    """Program admins: offer both partners a new partner each, in the same kind words to both."""
    return _button(request, pk, services.rematch_offer_send, "Both partners were offered a new partner.")


@program_admin_required
def end_pair(request, pk: int):
    """Program admins: end the pair; both partners are e-mailed the reason."""
    partnership = _admin_pair(request, pk)
    form = EndPairForm(request.POST if request.method == "POST" else None)
    if done := submit(
        request,
        form,
        lambda data: services.pair_end_with_notice(
            partnership=partnership,
            by=request.user,
            reason=data["reason"],
            once=data["once"],
            base_url=base_url(request),
        ),
        success=f"The pair of {partnership} ended; both partners were e-mailed.",
        then=_at_risk_url(partnership),
    ):
        return done
    return render(request, "followup/end.html", {"form": form, "partnership": partnership}, status=_status(request))
