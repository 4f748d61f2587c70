"""Forms for the proposal page and for ending a pair. The rules they enforce live in matching/services.py."""

from django import forms

from accounts.models import User

NOT_IN_RUN = "Choose someone this run considered: an approved participant of the cohort without a partner."


class TwoPeopleForm(forms.Form):
    """Two of the people a run considered; unmatched people are listed first."""

    first = forms.TypedChoiceField(label="First person", coerce=int, error_messages={"invalid_choice": NOT_IN_RUN})
    second = forms.TypedChoiceField(label="Second person", coerce=int, error_messages={"invalid_choice": NOT_IN_RUN})

    def __init__(self, *args, people: list[User], unmatched_ids: set[int], prefix: str, **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)
        self.people = {user.pk: user for user in people}
        unmatched = [(u.pk, u.display_name) for u in people if u.pk in unmatched_ids]
        paired = [(u.pk, u.display_name) for u in people if u.pk not in unmatched_ids]
        choices = [("", "Choose a person")]
        if unmatched:
            choices.append(("Unmatched", unmatched))
        if paired:
            choices.append(("Paired in this proposal", paired))
        for name in ("first", "second"):
            self.fields[name].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("first") and data.get("first") == data.get("second"):
            self.add_error("second", "Choose two different people.")
        return data

    def user(self, name: str) -> User:
        return self.people[self.cleaned_data[name]]


class ManualPairForm(TwoPeopleForm):
    pass


class ExcludeForm(TwoPeopleForm):
    reason = forms.CharField(
        label="Reason (optional)",
        max_length=300,
        required=False,
        help_text="e.g. They work on the same project every day.",
    )


class EndAndRematchForm(forms.Form):
    reason = forms.CharField(
        label="Why does this partnership end?",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the partnership; both partners can read it on their pair's page.",
        error_messages={"required": "Say briefly why the partnership ends."},
    )
