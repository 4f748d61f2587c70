"""Security events as structured log lines a SIEM can ingest: one JSON object per line on the ``twoway.security``
logger (sign-in success and failure, sign-out, an account locked by the sign-in throttle, a permission refused).

Each line names the event, when, who (the user's id, or the login tried: never a password), from which address
(the client's, as the sign-in throttle sees it behind TRUSTED_PROXY_COUNT), and the path.
"""

from __future__ import annotations

import json
import logging

from allauth.core.internal.httpkit import get_client_ip
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

logger = logging.getLogger("twoway.security")


def client_address(request) -> str | None:
    if request is None:
        return None
    try:
        return get_client_ip(request)
    except (ImproperlyConfigured, ValueError):  # a forwarded header shorter than the trusted proxies
        return request.META.get("REMOTE_ADDR")


def security_event(event: str, request=None, *, user=None, **fields) -> dict:
    """Log one security event and return what was logged."""
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        user = candidate if getattr(candidate, "is_authenticated", False) else None
    record = {
        "event": event,
        "at": timezone.now().isoformat(),
        "user_id": getattr(user, "pk", None),
        "ip": client_address(request),
        "path": getattr(request, "path", None),
        **fields,
    }
    logger.info(json.dumps(record, sort_keys=True, default=str))
    return record


def _signed_in(sender, request, user, **kwargs) -> None:
    security_event("sign_in.success", request, user=user)


def _signed_out(sender, request, user, **kwargs) -> None:
    security_event("sign_out", request, user=user)


def _sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django's signal hides the password; only the login tried is kept.
    tried = credentials.get("email") or credentials.get("username") or credentials.get("login")
    security_event("sign_in.failure", request, login=tried)


def connect() -> None:
    user_logged_in.connect(_signed_in, dispatch_uid="twoway_security_signed_in")
    user_logged_out.connect(_signed_out, dispatch_uid="twoway_security_signed_out")
    user_login_failed.connect(_sign_in_failed, dispatch_uid="twoway_security_sign_in_failed")
