from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.http import Http404
from django.utils.html import strip_tags
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.models import User
from mentoring.core.security import security_event
from mentoring.notifications.services import Content, Draft, messages_queue


def email_domain_allowed(email: str) -> bool:
    allowed = settings.ALLOWED_SIGNUP_DOMAINS
    if not allowed:
        return True
    domain = email.rsplit("@", 1)[-1].lower()
    return domain in allowed


def domain_error_message() -> str:
    domains = ", ".join(f"@{d}" for d in settings.ALLOWED_SIGNUP_DOMAINS)
    return f"Sign up with your company e-mail address ({domains}). Other addresses cannot join this program."


# A page that asked a visitor to sign in first (an invitation link) leaves its path here, so that whichever way they
# sign in (the sign-in form, a new account, a first password chosen through a reset e-mail), they come back to it.
AFTER_SIGN_IN_SESSION_KEY = "after_sign_in"


class AccountAdapter(DefaultAccountAdapter):
    def validation_error(self, code, *args):
        if code == "too_many_login_attempts":
            security_event("sign_in.locked_out", allauth_context.request)
        return super().validation_error(code, *args)

    def get_login_redirect_url(self, request) -> str:
        path = request.session.pop(AFTER_SIGN_IN_SESSION_KEY, "")
        if path and url_has_allowed_host_and_scheme(path, allowed_hosts=None) and path.startswith("/"):
            return path
        return super().get_login_redirect_url(request)

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        if not email_domain_allowed(email):
            raise forms.ValidationError(domain_error_message())
        return email.lower()

    def send_mail(self, template_prefix, email, context):
        # Rendered now by allauth (the request is here), written to the outbox and sent by a worker, so sign-up never
        # waits on SMTP and a broker that is down loses nothing.
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        if message.content_subtype == "html":  # allauth sends an HTML-only template as the body itself
            body, html = strip_tags(message.body), message.body
        else:
            body = message.body
            html = next((part for part, mimetype in message.alternatives if mimetype == "text/html"), "")
        user = context.get("user")
        messages_queue(
            [
                Draft(
                    kind="account_" + template_prefix.rsplit("/", 1)[-1],
                    to=email,
                    content=Content(subject=str(message.subject), body=body, html=html),
                    recipient_id=user.pk if isinstance(user, User) else None,
                    from_email=message.from_email,
                )
            ]
        )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_provider(self, request, provider, client_id=None):
        """A provider switches on only when its environment variables are set (see settings): the login and
        callback URLs of one that is not set up are not here (404), rather than a SocialApp.DoesNotExist (500)."""
        from allauth.socialaccount.models import SocialApp  # models load after the provider registry

        try:
            return super().get_provider(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist:
            raise Http404("This sign-in provider is not set up.") from None

    def is_open_for_signup(self, request, sociallogin) -> bool:
        email = (sociallogin.user.email or "").lower()
        return bool(email) and email_domain_allowed(email)
