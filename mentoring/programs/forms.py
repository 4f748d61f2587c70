import re

from django import forms
from django.core.validators import validate_email

from accounts.models import User
from mentoring.core.dates import BoundedDateField
from mentoring.programs import selectors
from mentoring.programs.models import (
    MAX_TIMEZONE_GAP,
    SESSION_MINUTES_MAX,
    SESSION_MINUTES_MIN,
    Cohort,
    CohortRules,
    CohortStatus,
    Program,
    default_reminder_lead_hours,
)

MAX_INVITES_AT_ONCE = 200


class HoursListField(forms.CharField):
    """Whole hours typed as "24, 1", stored as [24, 1]."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(h) for h in value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        hours = []
        for part in re.split(r"[,;\s]+", text.strip()):
            if not part:
                continue
            part = part.lower().removesuffix("h").strip()
            if not part.isdigit():
                raise forms.ValidationError(
                    "“%(part)s” is not a whole number of hours. Write them like: 24, 1", params={"part": part}
                )
            hours.append(int(part))
        return hours


def _rules_widgets() -> dict:
    return {
        "same_department": forms.RadioSelect,
        "cadence": forms.RadioSelect,
    }


def _reminder_lead_hours_field() -> HoursListField:
    return HoursListField(
        label="Reminder lead times (hours before a session)",
        required=False,
        initial=default_reminder_lead_hours,
        help_text="Comma-separated, e.g. 24, 1. Leave empty for no reminders.",
    )


class _RulesFormMixin:
    """Programs and cohorts: rule fields with messages that say what the rule is, not just which bound was
    crossed, and names with single spaces."""

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def _tune_rule_fields(self) -> None:
        fields = self.fields
        if "session_length_minutes" in fields:
            fields["session_length_minutes"].widget.attrs.update(
                {"min": SESSION_MINUTES_MIN, "max": SESSION_MINUTES_MAX, "step": 2}
            )
            fields["session_length_minutes"].error_messages.update(
                {
                    "min_value": f"Sessions last at least {SESSION_MINUTES_MIN} minutes.",
                    "max_value": f"Sessions last at most {SESSION_MINUTES_MAX} minutes.",
                }
            )
        if "reverse_mentoring_weight" in fields:
            fields["reverse_mentoring_weight"].widget.attrs.update({"min": 0, "max": 1, "step": "0.05"})
            message = "Use a weight between 0 (ignore seniority) and 1 (strongly favour juniors teaching seniors)."
            fields["reverse_mentoring_weight"].error_messages.update({"min_value": message, "max_value": message})
        if "max_timezone_gap_hours" in fields:
            fields["max_timezone_gap_hours"].error_messages.update(
                {"max_value": f"No two places are more than {MAX_TIMEZONE_GAP} hours apart; use a smaller gap."}
            )


class ProgramForm(_RulesFormMixin, forms.ModelForm):
    reminder_lead_hours = _reminder_lead_hours_field()

    class Meta:
        model = Program
        fields = ["name", "purpose", "confidentiality_statement", *CohortRules.RULE_FIELDS]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "confidentiality_statement": forms.Textarea(attrs={"rows": 4}),
            **_rules_widgets(),
        }
        help_texts = {"session_length_minutes": "Default for new cohorts: 30 to 120 minutes, an even number."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._tune_rule_fields()


class CohortForm(_RulesFormMixin, forms.ModelForm):
    """Dates, capacity and rules of one cohort. Rules frozen by published matches are shown but disabled."""

    reminder_lead_hours = _reminder_lead_hours_field()

    class Meta:
        model = Cohort
        fields = list(selectors.COHORT_EDITABLE_FIELDS)
        widgets = _rules_widgets()

    DATE_FIELDS = ("enrollment_opens_on", "enrollment_closes_on", "starts_on", "ends_on")

    def __init__(self, *args, locked: frozenset[str] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self._tune_rule_fields()
        for name in self.DATE_FIELDS:
            # Within a few years of today; a saved cohort's own dates stay valid however old they are.
            field = self.fields[name]
            self.fields[name] = BoundedDateField(
                label=field.label,
                help_text=field.help_text,
                keep=getattr(self.instance, name) if self.instance.pk else None,
            )
        self.fields["capacity"].widget.attrs["min"] = 1
        self.fields["capacity"].error_messages["min_value"] = "A cohort needs at least one place."
        self.locked = locked
        for name in locked:
            self.fields[name].disabled = True
            self.fields[name].help_text = "Frozen: matches are published, so this can no longer change."

    @property
    def changes(self) -> dict:
        """Cleaned values of the fields that may change (disabled ones keep the stored value anyway)."""
        return {name: value for name, value in self.cleaned_data.items() if name not in self.locked}


class EnrollmentForm(forms.Form):
    goals = forms.CharField(
        label="Your goals for this program",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What would you like to learn, and what would you like to share?",
    )
    availability = forms.CharField(
        label="Your availability",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="When can you meet, and how often? e.g. Tuesday and Thursday mornings, twice a month.",
    )
    accept_confidentiality = forms.BooleanField(label="I accept the confidentiality statement above", required=False)

    def __init__(self, *args, needs_acceptance: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_acceptance = needs_acceptance
        if not needs_acceptance:
            del self.fields["accept_confidentiality"]

    def clean_goals(self) -> str:
        goals = self.cleaned_data["goals"].strip()
        if not goals:
            raise forms.ValidationError("Tell your future partner what you hope to get out of the program.")
        return goals

    def clean_availability(self) -> str:
        availability = self.cleaned_data["availability"].strip()
        if not availability:
            raise forms.ValidationError("Say roughly when you can meet.")
        return availability

    def clean_accept_confidentiality(self) -> bool:
        if not self.cleaned_data.get("accept_confidentiality"):
            raise forms.ValidationError("Please accept the confidentiality statement to take part.")
        return True

    @property
    def accepts_confidentiality(self) -> bool:
        return bool(self.cleaned_data.get("accept_confidentiality")) if self.needs_acceptance else True


# RFC 5321's limit, and the length the invitation's e-mail column holds.
EMAIL_MAX_LENGTH = 254


def _parse_emails(text: str, *, most: int, doing: str) -> list[str]:
    """Addresses separated by commas, semicolons, spaces or new lines, lower-cased; every bad one is named."""
    parts = [p for p in re.split(r"[,;\s]+", text) if p]
    if len(parts) > most:
        raise forms.ValidationError(f"{doing} at most {most} people at once.")
    bad = []
    for part in parts:
        try:
            validate_email(part)
        except forms.ValidationError:
            bad.append(f"“{part[:60]}{'…' if len(part) > 60 else ''}” is not a valid e-mail address.")
            continue
        if len(part) > EMAIL_MAX_LENGTH:
            bad.append(f"“{part[:60]}…” is longer than the {EMAIL_MAX_LENGTH} characters an e-mail address may have.")
    if bad:
        raise forms.ValidationError([forms.ValidationError(message, code="invalid") for message in bad])
    return list(dict.fromkeys(p.lower() for p in parts))


class InviteForm(forms.Form):
    emails = forms.CharField(
        label="E-mail addresses",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One or more, separated by commas or new lines. Each person gets their own link.",
    )

    def clean_emails(self) -> list[str]:
        emails = _parse_emails(self.cleaned_data["emails"], most=MAX_INVITES_AT_ONCE, doing="Invite")
        if not emails:
            raise forms.ValidationError("Enter at least one e-mail address.")
        return emails


class BulkEnrollForm(forms.Form):
    """Many people at once: typed addresses, a department, the last import, or any mix of them. ``expected`` is the
    fingerprint of the summary the admin confirms."""

    MAX_TYPED = 1000

    emails = forms.CharField(
        label="E-mail addresses",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One per line, or separated by commas. They must already have an account.",
    )
    department = forms.ChoiceField(label="Everyone in a department", required=False)
    last_import = forms.BooleanField(label="Everyone in the last employee import", required=False)
    expected = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, departments: list[str], last_import=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", "— none —"), *((name, name) for name in departments)]
        field = self.fields["last_import"]
        if last_import is None:
            field.disabled = True
            field.help_text = "No employee file has been imported yet."
        else:
            field.help_text = (
                f"{last_import.file_name}, imported {last_import.committed_at:%d %b %Y}: "
                f"{last_import.row_count} {'person' if last_import.row_count == 1 else 'people'}."
            )

    def clean_emails(self) -> list[str]:
        return _parse_emails(self.cleaned_data["emails"], most=self.MAX_TYPED, doing="Enroll")

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("emails") or cleaned.get("department") or cleaned.get("last_import")):
            raise forms.ValidationError(
                "Paste e-mail addresses, choose a department or tick the last import: nobody is chosen yet."
            )
        return cleaned


class AddPersonForm(forms.Form):
    email = forms.EmailField(label="E-mail address of the person", help_text="They must already have an account.")

    def clean_email(self) -> User:
        email = self.cleaned_data["email"].strip()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(
                f"Nobody with the e-mail {email} has an account yet: invite them instead, and they can sign up."
            )
        if not user.is_active:
            raise forms.ValidationError(f"{email} is deactivated and cannot join a cohort.")
        return user


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=CohortStatus.choices)


class CohortCloseForm(forms.Form):
    """Closing a cohort ends every pair and cannot be undone: the admin confirms it by typing the cohort's name
    (in any case; spaces around it do not count)."""

    name = forms.CharField(
        label="Type the cohort's name to confirm",
        max_length=200,
        error_messages={"required": "Type the cohort's name to confirm that it closes."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        self.fields["name"].help_text = f"The cohort is called “{cohort.name}”."

    def clean_name(self) -> str:
        typed = self.cleaned_data["name"]
        if typed.casefold() != self.cohort.name.strip().casefold():
            raise forms.ValidationError(f"That is not this cohort's name: type “{self.cohort.name}” to close it.")
        return typed


ENROLLMENT_ACTIONS = ("approve", "waitlist", "withdraw", "remind")
