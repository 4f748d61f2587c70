"""Forms for the fit check and a program admin's actions on a pair. Rules live in mentoring.followup.services."""

import uuid

from django import forms

from mentoring.followup.models import FitAnswer
from mentoring.followup.services import NUDGE_MAX, WORDS_MAX
from mentoring.partnerships.services.pairs import END_REASON_MAX


class FitCheckForm(forms.Form):
    answer = forms.ChoiceField(
        label="Shall we go on?",
        choices=FitAnswer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose yes, not sure or no."},
    )
    words = forms.CharField(
        label="Anything you would like to add (optional)",
        max_length=WORDS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    share_words = forms.BooleanField(
        label="Share my words with the program admin",
        required=False,
        help_text="Otherwise the program admin sees only your answer.",
    )


class OnceForm(forms.Form):
    """A button of the at-risk list: its one-time token makes a second click of the same form do nothing."""

    once = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("once", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)

    def clean_once(self) -> str:
        return self.cleaned_data["once"].strip()


class NudgeForm(OnceForm):
    text = forms.CharField(
        label="Message to both partners",
        max_length=NUDGE_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Both partners receive it by e-mail, signed with your name.",
    )


class EndPairForm(OnceForm):
    reason = forms.CharField(
        label="Reason",
        max_length=END_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Both partners are e-mailed this reason, and their pair's page shows it.",
    )
