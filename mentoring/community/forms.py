"""Forms of the community pages: they clean what people type; the services decide."""

from django import forms

from accounts.models import User
from mentoring.community.models import Activity, AlumniMember
from mentoring.core.dates import BoundedDateField, meeting_window

SEARCH_MAX_CHARS = 80


class VolunteeringForm(forms.ModelForm):
    """What a member volunteers for (joining, or changing it later)."""

    class Meta:
        model = AlumniMember
        fields = ["hosts_workshops", "facilitates_circles", "matches_again", "speaks_at_events"]
        widgets = {name: forms.CheckboxInput(attrs={"class": "form-check-input"}) for name in fields}


class DirectorySearchForm(forms.Form):
    skill = forms.CharField(label="Skill", max_length=SEARCH_MAX_CHARS, required=False, strip=True)
    activity = forms.ChoiceField(
        label="Volunteers to",
        choices=[("", "Anything or nothing"), *Activity.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class VolunteerCallForm(forms.Form):
    activity = forms.ChoiceField(label="What for", choices=Activity.choices)
    title = forms.CharField(max_length=120, help_text="e.g. Lunch talk: what I learned from my partner")
    details = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), max_length=2000, help_text="What you ask, where, for how long."
    )
    happens_on = BoundedDateField(label="Date", window=meeting_window)


class VolunteerInviteForm(forms.Form):
    people = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        label="Invite these members",
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = candidates
        self.fields["people"].label_from_instance = lambda user: user.display_name


class StoryForm(forms.Form):
    title = forms.CharField(max_length=120, help_text="e.g. Spreadsheets for negotiation tips")
    learned_a = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    learned_b = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    quote = forms.CharField(
        max_length=300, required=False, help_text="Optional: one sentence from either of you, to quote."
    )
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=1_000_000)

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        a, b = partnership.member_a.display_name, partnership.member_b.display_name
        self.fields["learned_a"].label = f"What {a} learned from {b}"
        self.fields["learned_b"].label = f"What {b} learned from {a}"


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=1_000_000)


class ModuleForm(forms.Form):
    title = forms.CharField(max_length=120)
    summary = forms.CharField(max_length=300, required=False)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 14}),
        max_length=20000,
        help_text="Markdown: ## headings, - lists, **bold**, [links](https://…). HTML is shown as text.",
    )
    quiz = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        label="Quiz (optional)",
        help_text="One question per line: Question? | right answer | wrong answer | … Empty: people tick that they "
        "read it.",
    )
    is_published = forms.BooleanField(label="Published", required=False, initial=True)


class QuizForm(forms.Form):
    """One radio question per quiz question; the acknowledgement box when there is no quiz."""

    def __init__(self, *args, module, **kwargs):
        super().__init__(*args, **kwargs)
        self.module = module
        for number, question in enumerate(module.quiz):
            self.fields[f"q{number}"] = forms.TypedChoiceField(
                label=question["question"],
                choices=list(enumerate(question["options"])),
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )
        if not module.quiz:
            self.fields["read"] = forms.BooleanField(
                label="I have read this module", widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
            )

    @property
    def answers(self) -> list[int]:
        return [self.cleaned_data[f"q{number}"] for number in range(len(self.module.quiz))]


class CohortModulesForm(forms.Form):
    modules = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        label="Required before matching",
    )

    def __init__(self, *args, **kwargs):
        from mentoring.community.models import TrainingModule

        super().__init__(*args, **kwargs)
        self.fields["modules"].queryset = TrainingModule.objects.filter(is_published=True).order_by("position")


class ResourceForm(forms.Form):
    skill = forms.ModelChoiceField(queryset=None, empty_label="Choose a skill")
    title = forms.CharField(max_length=120)
    url = forms.URLField(label="Link", max_length=500, required=False, assume_scheme="https")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False)

    def __init__(self, *args, **kwargs):
        from accounts.models import Skill

        super().__init__(*args, **kwargs)
        self.fields["skill"].queryset = Skill.objects.active().order_by("name")

    def clean_url(self):
        url = self.cleaned_data["url"]
        if url and not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError("Give a web address starting with https:// or http://.")
        return url


class IntroductionAskForm(forms.Form):
    topic = forms.CharField(
        label="Who in your network should I meet about…",
        max_length=300,
        help_text="e.g. pricing for enterprise customers",
    )
    skill = forms.ModelChoiceField(queryset=None, required=False, empty_label="No particular skill")

    def __init__(self, *args, **kwargs):
        from accounts.models import Skill

        super().__init__(*args, **kwargs)
        self.fields["skill"].queryset = Skill.objects.active().order_by("name")


class IntroductionMakeForm(forms.Form):
    colleague = forms.ModelChoiceField(queryset=None, empty_label="Choose a colleague")
    why = forms.CharField(label="Why they should meet", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colleague"].queryset = colleagues
        self.fields["colleague"].label_from_instance = lambda user: (
            f"{user.display_name} · {user.profile.job_title}"
            if getattr(user, "profile", None) and user.profile.job_title
            else user.display_name
        )


class IntroductionSettingsForm(forms.Form):
    introductions_off = forms.BooleanField(label="Do not introduce me to anyone", required=False)
