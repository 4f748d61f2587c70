"""Who may see and do what in the community: one function per object kind.

The directory, the stories and the resource library are for signed-in employees. A volunteer invitation is its
invitee's alone; everything else on the volunteer side is the program admins' (the views use
`accounts.permissions.program_admin_required`).
"""

from django.http import Http404

from accounts.models import User
from mentoring.community.models import VolunteerInvite


def own_volunteer_invite_or_404(user: User, pk: int) -> VolunteerInvite:
    invite = VolunteerInvite.objects.select_related("call").filter(pk=pk, user_id=user.pk).first()
    if invite is None:
        raise Http404("No such invitation.")
    return invite
