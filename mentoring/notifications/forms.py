"""The notification preferences form: one choice per kind of message the person may turn off."""

from __future__ import annotations

from django import forms

from mentoring.notifications.kinds import Kind
from mentoring.notifications.models import Delivery

CHOICES = [
    (Delivery.EMAIL, "E-mail, and in Notifications"),
    (Delivery.IN_APP, "Only in Notifications"),
    (Delivery.OFF, "Off"),
]


class PreferencesForm(forms.Form):
    def __init__(self, *args, kinds: list[Kind], current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = [kind for kind in kinds if kind.can_turn_off]
        for kind in self.kinds:
            self.fields[kind.name] = forms.ChoiceField(
                label=kind.label,
                help_text=kind.description,
                choices=CHOICES,
                initial=current.get(kind.name, Delivery.EMAIL),
                widget=forms.RadioSelect,
            )

    def kind_fields(self, audience: str) -> list:
        return [self[kind.name] for kind in self.kinds if kind.audience == audience]
