"""The alumni network: inviting new alumni, joining, leaving, and calls for volunteers."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from mentoring.community import selectors
from mentoring.community.models import (
    ACTIVITY_FIELDS,
    AlumniMember,
    InviteStatus,
    VolunteerCall,
    VolunteerInvite,
)
from mentoring.core.db import unique_or
from mentoring.notifications.services import absolute_link, message_draft, messages_queue
from mentoring.programs.models import Cohort, EnrollmentStatus

VOLUNTEER_FIELDS = tuple(ACTIVITY_FIELDS.values())


def alumni_invite_after_closing(*, cohort: Cohort, base_url: str) -> int:
    """E-mail the cohort's alumni who are not in the network yet an invitation to join it, once per cohort (the
    outbox key). Returns how many were written. Three queries, whatever the cohort's size."""
    people = list(
        User.objects.filter(
            enrollments__cohort=cohort, enrollments__status=EnrollmentStatus.ALUMNI, alumni_member__isnull=True
        ).order_by("pk")
    )
    link = absolute_link(base_url, reverse("community:alumni_join"))
    created = messages_queue(
        message_draft(
            kind="alumni_invitation",
            to=person.email,
            recipient=person,
            timezone=person.timezone,
            context={"user": person, "cohort": cohort, "program": cohort.program, "link": link},
            key=f"alumni_invitation:{cohort.pk}:{person.pk}",
        )
        for person in people
    )
    return len(created)


def _volunteering(data: dict) -> dict[str, bool]:
    return {name: bool(data.get(name)) for name in VOLUNTEER_FIELDS}


@transaction.atomic
def alumni_join(*, user: User, data: dict) -> AlumniMember:
    """Join the network (only people who took part in a closed cohort). Joining twice is refused kindly."""
    if not selectors.is_alumnus(user):
        raise ValidationError("The alumni network is for people who took part in a cohort that has closed.")
    already = ValidationError("You are already in the alumni network.")
    if AlumniMember.objects.filter(user=user).exists():
        raise already
    with unique_or(already):
        return AlumniMember.objects.create(user=user, **_volunteering(data))


@transaction.atomic
def alumni_update(*, member: AlumniMember, data: dict) -> AlumniMember:
    for name, value in _volunteering(data).items():
        setattr(member, name, value)
    member.save(update_fields=list(VOLUNTEER_FIELDS))
    return member


@transaction.atomic
def alumni_leave(*, user: User) -> bool:
    """One click: the person leaves the directory at once; invitations to volunteer they did not answer go too.
    Leaving when not a member (a second click) changes nothing."""
    deleted, _ = AlumniMember.objects.filter(user=user).delete()
    VolunteerInvite.objects.filter(user=user, status=InviteStatus.INVITED).delete()
    return bool(deleted)


@transaction.atomic
def volunteer_call_create(
    *, activity: str, title: str, details: str, happens_on: datetime.date, created_by: User
) -> VolunteerCall:
    call = VolunteerCall(activity=activity, title=title, details=details, happens_on=happens_on, created_by=created_by)
    call.full_clean()
    call.save()
    return call


@transaction.atomic
def volunteer_call_invite(*, call: VolunteerCall, users: list[User], base_url: str) -> list[VolunteerInvite]:
    """Invite members of the network (anyone else is refused) and e-mail each once. People already invited are
    skipped, so a double submit invites nobody twice. Returns the new invitations."""
    member_ids = set(AlumniMember.objects.filter(user__in=users).values_list("user_id", flat=True))
    outsiders = [user.display_name for user in users if user.pk not in member_ids]
    if outsiders:
        raise ValidationError({"people": f"Not in the alumni network: {', '.join(outsiders)}."})
    invited = set(VolunteerInvite.objects.filter(call=call).values_list("user_id", flat=True))
    fresh = [user for user in users if user.pk not in invited]
    # ON CONFLICT DO NOTHING: an invitation a concurrent submit wrote stays one row (and its e-mail one message).
    VolunteerInvite.objects.bulk_create(
        [VolunteerInvite(call=call, user=user) for user in fresh], ignore_conflicts=True
    )
    new = list(VolunteerInvite.objects.filter(call=call, user__in=fresh).select_related("user"))
    link = absolute_link(base_url, reverse("community:alumni_directory"))
    messages_queue(
        message_draft(
            kind="volunteer_call",
            to=invite.user.email,
            recipient=invite.user,
            timezone=invite.user.timezone,
            context={"user": invite.user, "call": call, "link": link},
            key=f"volunteer_call:{call.pk}:{invite.user_id}",
        )
        for invite in new
    )
    return new


@transaction.atomic
def volunteer_invite_answer(*, invite: VolunteerInvite, accept: bool) -> VolunteerInvite:
    """The invited member says yes or no; they may change their mind until the day has passed."""
    if invite.call.happens_on < timezone.localdate():
        raise ValidationError("This day has passed.")
    invite.status = InviteStatus.ACCEPTED if accept else InviteStatus.DECLINED
    invite.answered_at = timezone.now()
    invite.save(update_fields=["status", "answered_at"])
    return invite
