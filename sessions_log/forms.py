"""Forms for sessions: times are entered in the viewer's own time zone and turned into UTC here."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Skill, User
from mentoring.core.dates import BoundedDateField, meeting_window
from sessions_log.models import CheckIn, NoShow, NotHeldReason, Session, SessionStatus
from sessions_log.times import local_to_utc, user_zone


class SessionTimeForm(forms.Form):
    """A date and a time in the viewer's own time zone; ``cleaned_data["start"]`` is the UTC instant."""

    date = BoundedDateField(window=meeting_window)
    time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"))

    def __init__(self, *args, viewer: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        zone = user_zone(viewer).key
        self.fields["time"].help_text = f"In your time zone, {zone}."

    def clean(self):
        cleaned = super().clean()
        day, time = cleaned.get("date"), cleaned.get("time")
        if day is None or time is None:
            return cleaned
        try:
            start = local_to_utc(day, time, user_zone(self.viewer).key)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(field, message)
            return cleaned
        if start <= timezone.now():
            self.add_error("date", "That time is in the past. Pick a date and time that are still to come.")
            return cleaned
        cleaned["start"] = start
        return cleaned

    def set_initial_start(self, session: Session) -> None:
        local = timezone.localtime(session.start, user_zone(self.viewer))
        self.initial.setdefault("date", local.date())
        self.initial.setdefault("time", local.time())


class SessionProposeForm(SessionTimeForm):
    """A proposal offers one time (``date``, ``time``) and up to two more (``date_2``/``time_2``, ``date_3``/
    ``time_3``); the partner picks one. ``cleaned_data["other_starts"]`` are the extra times as UTC instants."""

    OTHER_SLOTS = (2, 3)

    date_2 = BoundedDateField(label="Second date", window=meeting_window, required=False)
    time_2 = forms.TimeField(
        label="Second time", required=False, widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")
    )
    date_3 = BoundedDateField(label="Third date", window=meeting_window, required=False)
    time_3 = forms.TimeField(
        label="Third time", required=False, widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")
    )
    location = forms.CharField(
        label="Place or video link",
        max_length=300,
        help_text="A meeting room, a café, or the link to a video call.",
    )
    agenda = forms.CharField(
        label="Agenda (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you would like to cover. Each of you picks the topic of the half you are mentee in.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in self.OTHER_SLOTS:
            self.fields[f"time_{n}"].help_text = self.fields["time"].help_text

    def clean(self):
        cleaned = super().clean()
        zone = user_zone(self.viewer).key
        taken = [cleaned["start"]] if "start" in cleaned else []
        others = []
        for n in self.OTHER_SLOTS:
            date_name, time_name = f"date_{n}", f"time_{n}"
            if date_name in self.errors or time_name in self.errors:
                continue
            day, time = cleaned.get(date_name), cleaned.get(time_name)
            if day is None and time is None:
                continue
            if day is None or time is None:
                missing = date_name if day is None else time_name
                self.add_error(missing, "Give both a date and a time, or leave both empty.")
                continue
            try:
                start = local_to_utc(day, time, zone)
            except ValidationError as error:
                for message in error.messages:
                    self.add_error(time_name, message)
                continue
            if start <= timezone.now():
                self.add_error(date_name, "That time is in the past. Pick a date and time that are still to come.")
            elif start in taken:
                self.add_error(time_name, "You already offer this time. Offer a different one, or leave it empty.")
            else:
                taken.append(start)
                others.append(start)
        cleaned["other_starts"] = others
        return cleaned

    def slots(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        """The three times of the form: (number, date field, time field)."""
        return [(1, self["date"], self["time"])] + [(n, self[f"date_{n}"], self[f"time_{n}"]) for n in self.OTHER_SLOTS]

    def entered_starts(self) -> dict[int, datetime.datetime]:
        """The times typed so far that are real instants (for showing them on the partner's clock), by number."""
        if not self.is_bound:
            return {}
        zone = user_zone(self.viewer).key
        earliest, latest = meeting_window()
        found = {}
        for n, date_field, time_field in self.slots():
            try:
                day = date_field.field.to_python(date_field.data)
                time = time_field.field.to_python(time_field.data)
            except ValidationError:
                continue
            if day is None or time is None or not earliest <= day <= latest:
                continue  # outside the window its field refuses, and where a zone's offset could overflow the date
            try:
                found[n] = local_to_utc(day, time, zone)
            except (ValidationError, OverflowError):
                continue
        return found


class SessionOtherTimeForm(SessionTimeForm):
    location = forms.CharField(label="Place or video link", max_length=300)
    note = forms.CharField(
        label="Note for your partner (optional)",
        required=False,
        max_length=300,
        help_text="e.g. why this time suits you better.",
    )


class SessionRescheduleForm(SessionTimeForm):
    location = forms.CharField(label="Place or video link", max_length=300)
    reason = forms.CharField(label="Why are you moving it?", max_length=300)


class PickTimeForm(forms.Form):
    """Which of the offered times the partner picks; empty for a proposal of one time."""

    offered = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=300, help_text="Your partner will see this.")


class SessionLogForm(forms.Form):
    HELD, NOT_HELD = "held", "not_held"

    outcome = forms.ChoiceField(
        label="Did the session take place?",
        choices=[(HELD, "Yes, we met"), (NOT_HELD, "No, it did not take place")],
        widget=forms.RadioSelect,
    )
    first_half_minutes = forms.IntegerField(label="Minutes of the first half", required=False)
    second_half_minutes = forms.IntegerField(label="Minutes of the second half", required=False)
    not_held_reason = forms.ChoiceField(label="Why not?", choices=[("", "—"), *NotHeldReason.choices], required=False)
    no_show = forms.ChoiceField(label="Who did not come?", choices=[("", "—")], required=False)

    def __init__(self, *args, session: Session, halves, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        p = session.partnership
        self.fields["no_show"].choices = [
            ("", "—"),
            (NoShow.MEMBER_A, p.member_a.display_name),
            (NoShow.MEMBER_B, p.member_b.display_name),
            (NoShow.BOTH, "Neither of us"),
        ]
        for name, half in zip(("first_half_minutes", "second_half_minutes"), halves, strict=True):
            field = self.fields[name]
            field.label = f"{half.get_order_display()}: {half.mentor.display_name} mentors {half.mentee.display_name}"
            field.help_text = f"Minutes; planned {half.planned_minutes}."
            self.initial.setdefault(
                name, half.actual_minutes if half.actual_minutes is not None else half.planned_minutes
            )
        if session.status == SessionStatus.HELD:
            self.initial.setdefault("outcome", self.HELD)
        elif session.status == SessionStatus.NOT_HELD:
            self.initial.setdefault("outcome", self.NOT_HELD)
            self.initial.setdefault("not_held_reason", session.not_held_reason)
            self.initial.setdefault("no_show", session.no_show)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == self.HELD:
            for name in ("first_half_minutes", "second_half_minutes"):
                if cleaned.get(name) is None and name not in self.errors:
                    self.add_error(name, "Give the minutes of this half (0 if it did not happen).")
        elif cleaned.get("outcome") == self.NOT_HELD:
            if not cleaned.get("not_held_reason"):
                self.add_error("not_held_reason", "Say why the session did not take place.")
            elif cleaned["not_held_reason"] == NotHeldReason.NO_SHOW and not cleaned.get("no_show"):
                self.add_error("no_show", "Say who did not come.")
        return cleaned

    @property
    def minutes(self) -> list[int]:
        return [self.cleaned_data["first_half_minutes"], self.cleaned_data["second_half_minutes"]]


class TopicForm(forms.Form):
    topic_skill = forms.ModelChoiceField(
        label="One of the skills you want to learn",
        queryset=Skill.objects.none(),
        required=False,
        empty_label="— none —",
    )
    topic = forms.CharField(
        label="Or in your own words", max_length=200, required=False, help_text="e.g. How to read a P&L statement."
    )

    def __init__(self, *args, suggestions: list[Skill], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic_skill"].queryset = Skill.objects.filter(pk__in=[s.pk for s in suggestions]).order_by("name")

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("topic_skill") and not (cleaned.get("topic") or "").strip():
            raise ValidationError("Pick one of your skills or write a topic.")
        return cleaned


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Your note",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Only you and your partner can ever read it. Leave it empty to delete your note.",
    )


class CheckInForm(forms.Form):
    """The check-in questions, plus one progress field (0-100%) per open goal of the author."""

    FIELDS = ("usefulness", "learned", "taught", "next_time", "contact_requested", "shared_with_program_team")

    usefulness = forms.TypedChoiceField(
        label="How useful was the session?",
        choices=[(i, str(i)) for i in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
        help_text="1 = not useful, 5 = very useful. Ratings are only reported as totals.",
        error_messages={"required": "Choose how useful the session was, from 1 to 5."},
    )
    learned = forms.CharField(
        label="What I learned", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    taught = forms.CharField(
        label="What I taught", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_time = forms.CharField(
        label="What would make the next one better",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact_requested = forms.BooleanField(
        label="I would like the program team to contact me",
        required=False,
        help_text="Only the program team sees this; your partner does not.",
    )
    shared_with_program_team = forms.BooleanField(
        label="Share my written answers with the program team",
        required=False,
        help_text="Otherwise they stay with you: not even your partner reads them.",
    )

    def __init__(self, *args, goals=(), instance: CheckIn | None = None, **kwargs):
        if instance is not None:
            kwargs.setdefault("initial", {name: getattr(instance, name) for name in self.FIELDS})
        super().__init__(*args, **kwargs)
        self.goals = list(goals)
        previous = {}
        if instance is not None:
            previous = {r.goal_id: r.progress for r in instance.goal_progress.all()}
        for goal in self.goals:
            self.fields[f"goal_{goal.pk}"] = forms.IntegerField(
                label=f"{goal.title} (%)",
                min_value=0,
                max_value=100,
                initial=previous.get(goal.pk, goal.progress),
                widget=forms.NumberInput(attrs={"step": 5, "style": "max-width: 8rem"}),
            )

    @property
    def goal_fields(self) -> list[forms.BoundField]:
        return [self[f"goal_{goal.pk}"] for goal in self.goals]

    @property
    def goal_progress(self) -> dict[int, int]:
        return {goal.pk: self.cleaned_data[f"goal_{goal.pk}"] for goal in self.goals}

    @property
    def answers(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}
