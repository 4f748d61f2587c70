"""Forms for the pair's agreement, goals and ending a partnership. Rules live in partnership_services."""

from django import forms

from accounts.models import Skill, User
from mentoring.partnerships.models import GOALS_PER_PERSON_MAX, GoalOutcome, ResponseTime
from mentoring.programs.models import Cadence


class AgreementForm(forms.Form):
    cadence = forms.ChoiceField(label="How often you meet", choices=Cadence.choices)
    outcomes = forms.CharField(
        label="Your desired outcomes",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you want to get out of this partnership. Your partner writes their own.",
    )
    channel = forms.CharField(
        label="Communication channel",
        max_length=120,
        help_text="Where you reach each other between sessions, e.g. Teams chat or e-mail.",
    )
    response_time = forms.ChoiceField(label="We answer each other", choices=ResponseTime.choices)
    boundaries = forms.CharField(
        label="Boundaries (topics off limits)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Topics either of you would rather not discuss. Leave empty if there are none.",
    )
    confidentiality = forms.CharField(
        label="Confidentiality pledge", max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    accept_pledge = forms.BooleanField(
        label="I accept this agreement and its confidentiality pledge, and sign it",
        help_text="Saving signs this version for you; your partner is asked to sign it too.",
    )
    # The version the form was opened on: without it, a partner's change made meanwhile could be overwritten.
    # A hidden field's error would show nowhere, so a missing version is the form's own error (see clean).
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("base_version") is None and "base_version" not in self.errors:
            raise forms.ValidationError("This page is out of date: reload it and edit again.", code="stale")
        return cleaned


class AgreementSignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    accept_pledge = forms.BooleanField(label="I accept this agreement and its confidentiality pledge")


class GoalForm(forms.Form):
    title = forms.CharField(max_length=200, help_text="e.g. Build my first Power BI dashboard on my own.")
    skill = forms.ModelChoiceField(
        label="Linked skill",
        queryset=Skill.objects.none(),
        required=False,
        empty_label="No linked skill",
        help_text="One of the skills you want to learn, if the goal is about one.",
    )
    notes = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only you and your partner see these.",
    )
    progress = forms.IntegerField(label="Progress (%)", min_value=0, max_value=100, initial=0)

    def __init__(self, *args, owner: User, existing_count: int | None = None, **kwargs):
        """``existing_count`` is how many goals the owner already has (given when creating a goal)."""
        super().__init__(*args, **kwargs)
        self.existing_count = existing_count
        self.fields["skill"].queryset = Skill.objects.filter(wanted_by__user=owner).order_by("name")

    def clean(self):
        cleaned = super().clean()
        if self.existing_count is not None and self.existing_count >= GOALS_PER_PERSON_MAX:
            raise forms.ValidationError(
                f"You already have {GOALS_PER_PERSON_MAX} goals for this partnership: finish or change one instead."
            )
        return cleaned


class GoalProgressForm(forms.Form):
    progress = forms.IntegerField(label="Progress (%)", min_value=0, max_value=100)


class GoalCloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Final outcome", choices=GoalOutcome.choices, widget=forms.RadioSelect, help_text="How did it go?"
    )


class PartnershipEndForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Your partner and the program team see this reason.",
    )
