"""Who the program admins are, for the outbox's "admins" audience (see mentoring.notifications.kinds)."""

from django.db.models import Q

from accounts.models import User
from accounts.permissions import is_program_admin
from mentoring.notifications.kinds import ADMINS, register_audience

register_audience(
    ADMINS,
    includes=is_program_admin,
    members=lambda: User.objects.filter(Q(is_program_admin=True) | Q(is_superuser=True), is_active=True).order_by("pk"),
)
