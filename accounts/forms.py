from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory

from accounts.departments import department_spelling
from accounts.models import (
    MAX_SKILLS_PER_LIST,
    OfferedSkill,
    SeniorityBand,
    Skill,
    SkillCategory,
    SkillLevel,
    SkillProfile,
    TimeOfDay,
    User,
    WantedSkill,
    Weekday,
    timezone_names,
)
from accounts.selectors import skill_choices


class SignupExtraForm(forms.Form):
    """Extra fields on allauth's sign-up form."""

    full_name = forms.CharField(
        max_length=150, label="Full name", widget=forms.TextInput(attrs={"autocomplete": "name"})
    )

    # Filled by static/js/timezone.js from the browser, so times show in the person's zone from the start.
    timezone = forms.CharField(
        required=False, max_length=64, widget=forms.HiddenInput(attrs={"data-detect-timezone": ""})
    )

    def signup(self, request, user: User) -> None:
        user.full_name = self.cleaned_data["full_name"].strip()
        detected = self.cleaned_data.get("timezone") or ""
        if detected in timezone_names():
            user.timezone = detected
        user.save(update_fields=["full_name", "timezone"])


def _timezone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(timezone_names())]


class ProfileForm(forms.ModelForm):
    full_name = forms.CharField(max_length=150, label="Full name")
    timezone = forms.ChoiceField(
        label="Time zone", help_text="Session times are shown to you in this zone.", choices=_timezone_choices
    )
    manager_email = forms.EmailField(
        label="Your manager's e-mail", required=False, help_text="Optional. Used so you are never paired with them."
    )
    preferred_weekdays = forms.TypedMultipleChoiceField(
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Preferred weekdays",
    )
    preferred_times = forms.MultipleChoiceField(
        choices=TimeOfDay.choices, required=False, widget=forms.CheckboxSelectMultiple, label="Preferred time of day"
    )

    class Meta:
        model = SkillProfile
        fields = [
            "job_title",
            "department",
            "seniority",
            "location",
            "languages",
            "bio",
            "goals",
            "meeting_mode",
            "preferred_weekdays",
            "preferred_times",
        ]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 3}),
            "goals": forms.Textarea(attrs={"rows": 3}),
            "meeting_mode": forms.RadioSelect,
            # The page lists the departments in use in this <datalist>, so people pick the spelling already in use.
            "department": forms.TextInput(attrs={"list": "department-options", "autocomplete": "off"}),
        }
        help_texts = {
            "department": "Start typing and pick yours from the list. “sales” is saved as “Sales” when that is "
            "how colleagues spell it.",
        }

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["seniority"].required = True
        self.fields["seniority"].choices = [("", "Choose a band…"), *SeniorityBand.choices]
        self.fields["job_title"].required = True
        self.fields["department"].required = True
        if not self.is_bound:
            self.initial.setdefault("full_name", user.full_name)
            self.initial.setdefault("timezone", user.timezone)
            manager = self.instance.manager if self.instance.manager_id else None
            self.initial.setdefault("manager_email", manager.email if manager else "")

    def clean_full_name(self) -> str:
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError("Tell your partner what to call you.")
        return name

    def clean_department(self) -> str:
        return department_spelling(self.cleaned_data.get("department"), profile=self.instance)

    def clean_manager_email(self) -> str:
        email = (self.cleaned_data.get("manager_email") or "").strip().lower()
        self.instance.manager = None
        if not email:
            return ""
        if email == self.user.email.lower():
            raise forms.ValidationError("You cannot be your own manager.")
        manager = User.objects.filter(email__iexact=email, is_active=True).first()
        if manager is None:
            raise forms.ValidationError(
                f"Nobody with the e-mail {email} uses Twoway yet. Leave it empty or ask them to sign up."
            )
        self.instance.manager = manager
        return email

    def clean_languages(self) -> str:
        parts = [p.strip() for p in self.cleaned_data.get("languages", "").split(",") if p.strip()]
        return ", ".join(dict.fromkeys(parts))


class _SkillRowForm(forms.ModelForm):
    """One row of a skill list. A row is optional as a whole (an untouched blank row is skipped), so its fields are
    not marked required; once the row is used, clean() asks for the skill and, with a skill chosen, its levels."""

    skill = forms.TypedChoiceField(coerce=int, label="Skill", required=False)
    level_fields: tuple[str, ...] = ()

    def __init__(self, *args, skill_groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skill"].choices = [("", "Choose a skill…"), *(skill_groups or [])]
        for name in self.level_fields:
            self.fields[name].required = False
            self.fields[name].choices = [("", "Choose a level…"), *SkillLevel.choices]

    def clean_skill(self) -> Skill | None:
        pk = self.cleaned_data["skill"]
        if pk in self.fields["skill"].empty_values:
            return None
        skill = Skill.objects.filter(pk=pk).first()
        if skill is None:
            raise forms.ValidationError("That skill no longer exists; choose another.")
        if skill.is_retired and skill.pk != self.instance.skill_id:
            raise forms.ValidationError(f"{skill.name} has been retired from the catalogue; choose another.")
        return skill

    def clean(self):
        cleaned = super().clean()
        required = self.fields["skill"].error_messages["required"]
        if cleaned.get("skill") is None:
            if "skill" not in self.errors:
                self.add_error("skill", required)
            return cleaned
        for name in self.level_fields:
            if cleaned.get(name) in self.fields[name].empty_values and name not in self.errors:
                self.add_error(name, required)
        return cleaned


class OfferedSkillForm(_SkillRowForm):
    level_fields = ("level",)

    class Meta:
        model = OfferedSkill
        fields = ["skill", "level", "note"]
        labels = {"level": "Your level", "note": "Note (optional)"}
        widgets = {"note": forms.TextInput(attrs={"placeholder": "e.g. I run our dbt models"})}


class WantedSkillForm(_SkillRowForm):
    level_fields = ("current_level", "target_level")

    class Meta:
        model = WantedSkill
        fields = ["skill", "current_level", "target_level", "why"]
        labels = {"current_level": "Your level now", "target_level": "Level you aim for", "why": "Why (optional)"}
        widgets = {"why": forms.TextInput(attrs={"placeholder": "e.g. I present to the board next year"})}

    def clean(self):
        cleaned = super().clean()
        current, target = cleaned.get("current_level"), cleaned.get("target_level")
        if current and target and target <= current:
            self.add_error("target_level", "Aim above your current level, or this is not something to learn.")
        return cleaned


class _SkillListFormSet(BaseInlineFormSet):
    list_name = "skills"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.queryset = self.queryset.select_related("skill")
        # A retired skill stays selectable on the rows that already hold it.
        held = set(self.queryset.values_list("skill_id", flat=True)) if self.instance.pk else set()
        self.skill_groups = skill_choices(include=held)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["skill_groups"] = self.skill_groups
        return kwargs

    def validate_unique(self):
        # Duplicates are reported by clean() below, on the row's own skill field, in plain words.
        pass

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        seen: dict[int, str] = {}
        kept = [f for f in self.forms if f not in self.deleted_forms and f.cleaned_data.get("skill")]
        for form in kept:
            skill = form.cleaned_data["skill"]
            if skill.pk in seen:
                form.add_error("skill", f"{skill.name} is already in this list.")
            seen[skill.pk] = skill.name
        if len(kept) > MAX_SKILLS_PER_LIST:
            raise forms.ValidationError(f"List at most {MAX_SKILLS_PER_LIST} {self.list_name}.")

    def chosen_skills(self) -> dict[int, forms.Form]:
        return {
            f.cleaned_data["skill"].pk: f
            for f in self.forms
            if f not in self.deleted_forms and getattr(f, "cleaned_data", None) and f.cleaned_data.get("skill")
        }


def _skill_list_formset(model, form):
    """One of the two skill lists of a profile: up to MAX_SKILLS_PER_LIST rows, any of them deletable."""
    return inlineformset_factory(
        User,
        model,
        form=form,
        formset=_SkillListFormSet,
        extra=1,
        max_num=MAX_SKILLS_PER_LIST,
        validate_max=True,
        absolute_max=MAX_SKILLS_PER_LIST + 20,
        can_delete=True,
    )


class OfferedSkillFormSet(_skill_list_formset(OfferedSkill, OfferedSkillForm)):
    list_name = "skills you offer"


class WantedSkillFormSet(_skill_list_formset(WantedSkill, WantedSkillForm)):
    list_name = "skills you want"


def check_offered_not_wanted(offered: OfferedSkillFormSet, wanted: WantedSkillFormSet) -> bool:
    """The same skill cannot be both taught and learnt by one person. Marks each clash; True when none."""
    clashes = offered.chosen_skills().keys() & wanted.chosen_skills().keys()
    wanted_rows = wanted.chosen_skills()
    for pk in clashes:
        form = wanted_rows[pk]
        form.add_error(
            "skill",
            f"You also offer {form.cleaned_data['skill'].name}. A skill is either one you teach or one you learn.",
        )
    return not clashes


class SkillForm(forms.ModelForm):
    class Meta:
        model = Skill
        fields = ["name", "category", "description"]

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Give the skill a name.")
        return name


class SkillMergeForm(forms.Form):
    source = forms.ModelChoiceField(
        Skill.objects.order_by("name"), label="Merge this skill…", help_text="It disappears after the merge."
    )
    target = forms.ModelChoiceField(
        Skill.objects.order_by("name"), label="…into this one", help_text="Everyone's entries move here."
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") and cleaned.get("source") == cleaned.get("target"):
            self.add_error("target", "Choose two different skills.")
        return cleaned


class SkillCategoryForm(forms.ModelForm):
    class Meta:
        model = SkillCategory
        fields = ["name"]


class DepartmentRenameForm(forms.Form):
    new_name = forms.CharField(
        max_length=120,
        label="New name",
        help_text="Everyone in the department moves to the new name. To join another department, merge instead.",
    )


class DepartmentMergeForm(forms.Form):
    """Both lists are the departments in use, passed in so the page loads them once."""

    source = forms.ChoiceField(label="Merge this department…", help_text="Its name disappears after the merge.")
    target = forms.ChoiceField(label="…into this one", help_text="Everyone in both is in this department.")

    def __init__(self, *args, departments: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Choose a department…"), *((name, name) for name in departments)]
        self.fields["source"].choices = choices
        self.fields["target"].choices = choices

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") and cleaned.get("source") == cleaned.get("target"):
            self.add_error("target", "Choose two different departments.")
        return cleaned


class RolesForm(forms.Form):
    is_program_admin = forms.BooleanField(required=False, label="Program admin")
    is_leader = forms.BooleanField(required=False, label="Leader")


class EmployeeImportForm(forms.Form):
    """The CSV upload of the employee import; the file's contents are checked by accounts.importing."""

    file = forms.FileField(
        label="CSV file",
        allow_empty_file=True,  # accounts.importing explains an empty file better than the generic message
        help_text="UTF-8 CSV, separated by commas or semicolons.",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )
