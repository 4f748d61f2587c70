from django.conf import settings

from accounts.permissions import is_leader, is_program_admin


def site(request):
    """Navigation flags: templates ask these, never the role fields directly.

    ``signup_domains`` are the e-mail domains allowed to sign up (empty: any), so pages can name them.
    """
    user = getattr(request, "user", None)
    return {
        "site_name": "Twoway",
        "nav_is_program_admin": bool(user and is_program_admin(user)),
        "nav_is_leader": bool(user and is_leader(user)),
        "signup_domains": settings.ALLOWED_SIGNUP_DOMAINS,
    }
