"""Introductions, double opt-in: a partner asks, the other partner names a colleague and says why, the colleague
says yes or no, and only after a yes are the two e-mailed to each other."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Skill, User
from mentoring.community.models import (
    Introduction,
    IntroductionRequest,
    IntroductionSettings,
    IntroductionStatus,
)
from mentoring.core.db import unique_or
from mentoring.notifications.services import absolute_link, message_draft, messages_queue
from mentoring.partnerships.models import Partnership

ALREADY = "These two were introduced already (or asked to be)."


def accepts_introductions(user: User) -> bool:
    return not IntroductionSettings.objects.filter(user=user, introductions_off=True).exists()


@transaction.atomic
def introductions_set(*, user: User, off: bool) -> IntroductionSettings:
    row, _ = IntroductionSettings.objects.update_or_create(user=user, defaults={"introductions_off": off})
    return row


@transaction.atomic
def introduction_ask(*, partnership: Partnership, asker: User, topic: str, skill: Skill | None) -> IntroductionRequest:
    if not partnership.has_member(asker):
        raise ValidationError("Only the two partners ask each other for introductions.")
    request = IntroductionRequest(partnership=partnership, asker=asker, topic=topic, skill=skill)
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def introduction_make(
    *, request: IntroductionRequest, introducer: User, colleague: User, why: str, base_url: str
) -> Introduction:
    """The asker's partner names a colleague. Refused: introducing yourself or the asker to themselves, someone who
    turned introductions off, or the same two people twice. The colleague is asked first (one e-mail)."""
    partnership = request.partnership
    if not partnership.has_member(introducer) or introducer.pk == request.asker_id:
        raise ValidationError("Only the partner who was asked makes introductions.")
    if colleague.pk in (introducer.pk, request.asker_id):
        raise ValidationError({"colleague": "Choose someone other than the two of you."})
    if not colleague.is_active or not accepts_introductions(colleague):
        raise ValidationError({"colleague": f"{colleague.display_name} does not want to be introduced."})
    if Introduction.objects.filter(asker_id=request.asker_id, colleague=colleague).exists():
        raise ValidationError({"colleague": ALREADY})
    introduction = Introduction(
        request=request, asker_id=request.asker_id, introducer=introducer, colleague=colleague, why=why
    )
    introduction.full_clean(validate_constraints=False)
    with unique_or(ValidationError({"colleague": ALREADY})):
        introduction.save()
    messages_queue(
        [
            message_draft(
                kind="introduction_request",
                to=colleague.email,
                recipient=colleague,
                timezone=colleague.timezone,
                context={
                    "user": colleague,
                    "introduction": introduction,
                    "asker": request.asker,
                    "introducer": introducer,
                    "link": absolute_link(base_url, introduction.get_absolute_url()),
                },
                key=f"introduction_request:{introduction.pk}",
            )
        ]
    )
    return introduction


@transaction.atomic
def introduction_answer(*, introduction: Introduction, colleague: User, accept: bool, base_url: str) -> Introduction:
    """The colleague says yes (both are e-mailed, introducing each other) or no (nobody is told more)."""
    if introduction.colleague_id != colleague.pk:
        raise ValidationError("Only the colleague answers this introduction.")
    changed = Introduction.objects.filter(pk=introduction.pk, status=IntroductionStatus.PENDING).update(
        status=IntroductionStatus.ACCEPTED if accept else IntroductionStatus.DECLINED, answered_at=timezone.now()
    )
    if not changed:
        raise ValidationError("You answered this introduction already.")
    introduction.refresh_from_db()
    if accept:
        asker, introducer = introduction.asker, introduction.introducer
        link = absolute_link(base_url, introduction.get_absolute_url())
        messages_queue(
            message_draft(
                kind="introduction_made",
                to=person.email,
                recipient=person,
                timezone=person.timezone,
                context={
                    "user": person,
                    "other": other,
                    "introducer": introducer,
                    "introduction": introduction,
                    "topic": introduction.request.topic,
                    "link": link,
                },
                key=f"introduction_made:{introduction.pk}:{person.pk}",
            )
            for person, other in ((asker, colleague), (colleague, asker))
        )
    return introduction
