"""The sign-up page: allauth's, made safe against a double submit. (Its own module beside views.py, which is past
the size where a module splits by topic.)"""

from allauth.account import views as allauth_views
from django.db import IntegrityError, transaction


class SignupView(allauth_views.SignupView):
    """Anyone. Two sign-ups with one address at once both find it free, and the second one's insert meets the
    first's. That one is checked again, so it gets the answer any later sign-up gets (the address is taken), never a
    server error."""

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except IntegrityError:
            self._cached_form = None  # allauth keeps the form it checked; check a new one
            again = self.get_form()
            if again.is_valid():  # enumeration prevention: allauth answers as for a new account, and e-mails the owner
                return super().form_valid(again)
            return self.form_invalid(again)
