"""Writes for following up pairs: a partner's fit check, a program admin's actions on a pair at risk, and the
automatic warning and ending of inactive pairs.

Every service is keyword-only and runs in one transaction; a refusal is a ValidationError written for the person
who asked (field errors as a dict), and a refused call writes nothing. A program admin's action carries the one-time
token of the form it came from (``once``): a second submit of the same form writes nothing and sends nothing.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.permissions import is_program_admin
from mentoring.core.db import unique_or
from mentoring.followup import selectors
from mentoring.followup.models import ActionKind, FitAnswer, FitCheck, FollowupAction
from mentoring.notifications.services import message_draft, messages_queue
from mentoring.partnerships.models import Partnership
from mentoring.partnerships.services import partnership_end, partnerships_end_by_program_team
from mentoring.partnerships.services.guards import lock_partnership, refuse_unless_active, refuse_unless_member
from sessions_log.models import Session, SessionStatus

WORDS_MAX = 2000
NUDGE_MAX = 2000
AUTO_END_REASON = "Nothing was scheduled, logged or answered for a long time, so the program team closed the pair."

_TWICE = ValidationError("This was already done: the same form was sent twice, and it counted once.", code="twice")


def _link(base_url: str, path: str) -> str:
    return (base_url or settings.SITE_URL).rstrip("/") + path


def _pair_link(base_url: str, partnership: Partnership) -> str:
    return _link(base_url, reverse("partnerships:detail", args=[partnership.pk]))


# --- The fit check -------------------------------------------------------------------------------------------


@transaction.atomic
def fit_check_answer(
    *, partnership: Partnership, author: User, answer: str, words: str = "", share_words: bool = False
) -> FitCheck:
    """A partner's private answer to "shall we go on?", once the pair has held a session. Answering again changes
    the answer (a double submit changes nothing more)."""
    partnership = lock_partnership(partnership)
    refuse_unless_member(partnership, author)
    refuse_unless_active(partnership)
    if not Session.objects.filter(partnership=partnership, status=SessionStatus.HELD).exists():
        raise ValidationError("The fit check opens after your first session together.", code="too_early")
    if answer not in FitAnswer.values:
        raise ValidationError({"answer": "Choose yes, not sure or no."}, code="invalid")
    words = (words or "").strip()
    if len(words) > WORDS_MAX:
        raise ValidationError({"words": f"Keep it under {WORDS_MAX} characters."}, code="too_long")
    now = timezone.now()
    check = FitCheck.objects.filter(partnership=partnership, author=author).first()
    if check is None:
        check = FitCheck(partnership=partnership, author=author, created_at=now)
    check.answer, check.words, check.share_words, check.updated_at = answer, words, bool(share_words and words), now
    # The pair's row lock puts the two partners (and two tabs) one after the other; the constraint is the backstop.
    with unique_or(_TWICE):
        check.save()
    return check


# --- A program admin's actions ------------------------------------------------------------------------------


def _admin_action(
    *, partnership: Partnership, by: User, kind: str, once: str, text: str = ""
) -> tuple[Partnership, FollowupAction]:
    """Lock the pair, check who asks and that the pair is active, and record the action once per form."""
    if not is_program_admin(by):
        raise ValidationError("Only program admins follow up pairs.", code="not_allowed")
    once = (once or "").strip()
    if not once or len(once) > 64:
        raise ValidationError("The form was out of date: open it again.", code="no_token")
    partnership = lock_partnership(partnership)
    refuse_unless_active(partnership)
    key = f"{kind}:{partnership.pk}:{once}"
    if FollowupAction.objects.filter(key=key).exists():
        raise _TWICE
    with unique_or(_TWICE):
        action = FollowupAction.objects.create(partnership=partnership, kind=kind, by=by, text=text, key=key)
    return partnership, action


def _tell_both(*, partnership: Partnership, kind: str, action: FollowupAction, context: dict) -> None:
    messages_queue(
        message_draft(
            kind=kind,
            to=member.email,
            recipient=member,
            timezone=member.timezone,
            key=f"{kind}:{action.pk}:{member.pk}",
            context={**context, "user": member, "partner": partnership.partner_of(member), "partnership": partnership},
        )
        for member in partnership.members
    )


def nudge_text(partnership: Partnership) -> str:
    """The nudge's starting text, which the program admin may change before sending."""
    return (
        f"Hello {partnership.member_a.display_name} and {partnership.member_b.display_name},\n\n"
        "It has been a while since we heard from your pair. A short session is enough to keep it going: "
        "pick a time on your pair's page, even 30 minutes.\n\n"
        "If something is in the way, tell us: we are glad to help."
    )


@transaction.atomic
def nudge_send(*, partnership: Partnership, by: User, text: str, once: str, base_url: str = "") -> FollowupAction:
    """E-mail both partners the program admin's words."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write the message to send."}, code="required")
    if len(text) > NUDGE_MAX:
        raise ValidationError({"text": f"Keep the message under {NUDGE_MAX} characters."}, code="too_long")
    partnership, action = _admin_action(partnership=partnership, by=by, kind=ActionKind.NUDGE, once=once, text=text)
    _tell_both(
        partnership=partnership,
        kind="followup_nudge",
        action=action,
        context={"text": text, "sender": by, "link": _pair_link(base_url, partnership)},
    )
    return action


@transaction.atomic
def checkin_request_send(*, partnership: Partnership, by: User, once: str, base_url: str = "") -> FollowupAction:
    """Ask both partners how the pair is going: their fit check (or, before their first session, their page)."""
    partnership, action = _admin_action(partnership=partnership, by=by, kind=ActionKind.CHECKIN_REQUEST, once=once)
    held = Session.objects.filter(partnership=partnership, status=SessionStatus.HELD).exists()
    path = (
        reverse("followup:fit_check", args=[partnership.pk])
        if held
        else reverse("partnerships:detail", args=[partnership.pk])
    )
    _tell_both(
        partnership=partnership,
        kind="followup_checkin_request",
        action=action,
        context={"sender": by, "held": held, "link": _link(base_url, path)},
    )
    return action


@transaction.atomic
def rematch_offer_send(*, partnership: Partnership, by: User, once: str, base_url: str = "") -> FollowupAction:
    """Offer both partners a new partner each, in the same kind words to both: neither learns who answered no,
    and nobody is blamed. The pair goes on unless a partner takes the offer (on their fit check); the program
    admin then ends it and matches both again."""
    partnership, action = _admin_action(partnership=partnership, by=by, kind=ActionKind.REMATCH_OFFER, once=once)
    _tell_both(
        partnership=partnership,
        kind="followup_rematch_offer",
        action=action,
        context={
            "sender": by,
            "fit_check_link": _link(base_url, reverse("followup:fit_check", args=[partnership.pk])),
            "link": _pair_link(base_url, partnership),
        },
    )
    return action


@transaction.atomic
def pair_end_with_notice(
    *, partnership: Partnership, by: User, reason: str, once: str, base_url: str = ""
) -> FollowupAction:
    """End the pair for the program team (partnerships' own service: both partners are e-mailed the reason, their
    sessions still to come are cancelled) and record it."""
    partnership, action = _admin_action(
        partnership=partnership, by=by, kind=ActionKind.END, once=once, text=(reason or "").strip()
    )
    partnership_end(partnership=partnership, ended_by=by, reason=reason, base_url=base_url)
    return action


# --- Inactive pairs --------------------------------------------------------------------------------------------


def _stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%S")


@transaction.atomic
def inactive_pairs_sweep(*, now: datetime.datetime | None = None, base_url: str = "") -> dict[str, int]:
    """Beat: warn each pair inactive for its cohort's number of days, once per stretch of inactivity; end a pair
    warned at least 7 days ago when neither partner acted since (scheduled, answered or logged a session, filled a
    check-in or answered the fit check). Each warning and ending is keyed, so two beats at once act once.

    Queries: 5 when nobody is due (1), warned or ended, plus, for each pair ended, what ending a pair costs
    (partnerships' service and its receivers)."""
    now = now or timezone.now()
    base_url = base_url or settings.SITE_URL
    to_warn, to_end = [], []
    for partnership in selectors.auto_close_candidates(now=now):
        warned = partnership.last_warning
        if warned is None or warned < partnership.last_activity:
            to_warn.append(partnership)
        elif warned <= now - selectors.AUTO_CLOSE_NOTICE:
            to_end.append(partnership)
    warned_count = _warn(to_warn, now=now, base_url=base_url) if to_warn else 0
    ended_count = _end(to_end, now=now, base_url=base_url) if to_end else 0
    return {"warned": warned_count, "ended": ended_count}


def _record_once(actions: list[FollowupAction]) -> set[int]:
    """Write the actions whose key is new; returns the partnerships they are for. Queries: 2."""
    FollowupAction.objects.bulk_create(actions, ignore_conflicts=True)
    keys = {action.key: action for action in actions}
    written = FollowupAction.objects.filter(key__in=list(keys)).values_list("key", "pk", "created_at")
    new = set()
    for key, pk, created_at in written:
        action = keys[key]
        # A key another beat wrote earlier keeps its own time: this beat did not write it.
        if created_at == action.created_at:
            action.pk = pk
            new.add(action.partnership_id)
    return new


def _warn(partnerships: list[Partnership], *, now: datetime.datetime, base_url: str) -> int:
    actions = [
        FollowupAction(
            partnership=p,
            kind=ActionKind.AUTO_WARNING,
            text=f"No activity since {p.last_activity:%d %b %Y}; the pair ends on "
            f"{now + selectors.AUTO_CLOSE_NOTICE:%d %b %Y} unless either partner acts.",
            key=f"auto_warning:{p.pk}:{_stamp(p.last_activity)}",
            created_at=now,
        )
        for p in partnerships
    ]
    new = _record_once(actions)
    ends_on = now + selectors.AUTO_CLOSE_NOTICE
    messages_queue(
        message_draft(
            kind="followup_inactive_warning",
            to=member.email,
            recipient=member,
            timezone=member.timezone,
            key=f"followup_inactive_warning:{p.pk}:{_stamp(p.last_activity)}:{member.pk}",
            context={
                "user": member,
                "partner": p.partner_of(member),
                "partnership": p,
                "days": p.cohort.auto_close_inactive_days,
                "ends_on": ends_on,
                "link": _pair_link(base_url, p),
            },
        )
        for p in partnerships
        if p.pk in new
        for member in p.members
    )
    return len(new)


def _end(partnerships: list[Partnership], *, now: datetime.datetime, base_url: str) -> int:
    actions = [
        FollowupAction(
            partnership=p, kind=ActionKind.AUTO_END, text=AUTO_END_REASON, key=f"auto_end:{p.pk}", created_at=now
        )
        for p in partnerships
    ]
    new = _record_once(actions)
    ending = [p for p in partnerships if p.pk in new]
    partnerships_end_by_program_team(
        partnerships=Partnership.objects.filter(pk__in=[p.pk for p in ending]),
        reason=AUTO_END_REASON,
        base_url=base_url,
    )
    messages_queue(
        message_draft(
            kind="followup_inactive_ended",
            to=member.email,
            recipient=member,
            timezone=member.timezone,
            key=f"followup_inactive_ended:{p.pk}:{member.pk}",
            context={
                "user": member,
                "partner": p.partner_of(member),
                "partnership": p,
                "link": _pair_link(base_url, p),
            },
        )
        for p in ending
        for member in p.members
    )
    return len(ending)
