"""Forms of the mid-point and end surveys: the program admin's dates and the participant's answers."""

from django import forms

from accounts.models import SkillLevel
from mentoring.core.dates import BoundedDateField
from mentoring.surveys.models import ASSESSMENT_STATEMENTS, NPS_QUESTION, LikertAnswer
from mentoring.surveys.selectors import SkillToRate

# The skill profile's levels without their number: the buttons show it above the word.
LEVEL_WORDS = [(level.value, level.label.split(" · ", 1)[-1]) for level in SkillLevel]


class AssessmentScheduleForm(forms.Form):
    opens_on = BoundedDateField(label="Opens on", help_text="Participants are e-mailed that day.")
    closes_on = BoundedDateField(label="Closes on", help_text="Answers are accepted until the end of this day.")

    def __init__(self, *args, opened: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if opened:
            self.fields["opens_on"].disabled = True
            self.fields["opens_on"].help_text = "The survey has opened: its opening day no longer changes."

    def clean(self):
        cleaned = super().clean()
        opens_on, closes_on = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", "The survey cannot close before it opens.")
        return cleaned


def _choice_field(label: str, choices, *, required_message: str, help_text: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=choices,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
        help_text=help_text,
        error_messages={"required": required_message, "invalid_choice": required_message},
    )


class AssessmentResponseForm(forms.Form):
    """The survey: the recommendation score (0-10), four statements (1-5), one self-rating (1-5) per skill the
    person wants to learn, and an optional comment."""

    nps = _choice_field(
        NPS_QUESTION,
        [(i, str(i)) for i in range(11)],
        required_message="Choose a number from 0 (not at all likely) to 10 (extremely likely).",
        help_text="0 = not at all likely, 10 = extremely likely. Only totals are reported.",
    )
    comment = forms.CharField(
        label="Anything else you would like the program team to know?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, skills: list[SkillToRate] = (), response=None, **kwargs):
        if response is not None:
            initial = {name: getattr(response, name) for name in ("nps", "comment", *self.statement_names())}
            initial |= {f"skill_{r.skill_id}": r.level for r in response.skill_ratings.all()}
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for name, statement in ASSESSMENT_STATEMENTS:
            self.fields[name] = _choice_field(
                statement, LikertAnswer.choices, required_message="Choose how much you agree."
            )
        self.skills = list(skills)
        for skill in self.skills:
            self.fields[f"skill_{skill.skill_id}"] = _choice_field(
                skill.name,
                LEVEL_WORDS,
                required_message="Rate where you stand now, from 1 to 5.",
                help_text=f"You started at level {skill.start_level}"
                + (f" and want to reach {skill.target_level}." if skill.target_level else "."),
            )
        self.order_fields(["nps", *self.statement_names(), *(f"skill_{s.skill_id}" for s in self.skills), "comment"])

    @staticmethod
    def statement_names() -> list[str]:
        return [name for name, _ in ASSESSMENT_STATEMENTS]

    @property
    def statement_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.statement_names()]

    @property
    def skill_fields(self) -> list[forms.BoundField]:
        return [self[f"skill_{s.skill_id}"] for s in self.skills]

    @property
    def answers(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("nps", "comment", *self.statement_names())}

    @property
    def skill_levels(self) -> dict[int, int]:
        return {s.skill_id: self.cleaned_data[f"skill_{s.skill_id}"] for s in self.skills}
