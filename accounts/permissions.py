"""Who may use what. Views declare their rule with one of these decorators."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from accounts.models import User


def is_program_admin(user: User) -> bool:
    return user.is_authenticated and user.is_active and (user.is_program_admin or user.is_superuser)


def is_leader(user: User) -> bool:
    return user.is_authenticated and user.is_active and (user.is_leader or user.is_superuser)


def _role_required(check, view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not check(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def program_admin_required(view):
    """Signed-in program admins (or superusers); anyone else signed in gets 403."""
    return _role_required(is_program_admin, view)


def leader_required(view):
    """Signed-in leaders (or superusers); anyone else signed in gets 403."""
    return _role_required(is_leader, view)


employee_required = login_required
"""Any signed-in person: every user is an employee."""
