"""Django admin that never reads what people wrote privately.

A model names its private fields (what a pair, a partner or a respondent wrote, and each person's own answers) in
``private_fields``. Every Twoway admin and inline uses ``PrivateFieldsAdmin`` / ``PrivateFieldsInline``, which keep
those fields out of forms, lists, search and ordering, and refuse any changelist lookup that reaches one, directly
or through a relation (``?text__startswith=…`` would otherwise tell a note a character at a time). A superuser is
not a member of any pair: the app's own pages are where a pair's words are read, by the pair.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db.models.constants import LOOKUP_SEP


def private_fields(model) -> frozenset[str]:
    return frozenset(getattr(model, "private_fields", ()))


def lookup_reaches_private_field(model, lookup: str) -> bool:
    """Whether a queryset lookup (``session__notes__text__startswith``) reads a private field on its way."""
    for part in lookup.split(LOOKUP_SEP):
        if part in private_fields(model):
            return True
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        if not field.is_relation or field.related_model is None:
            return False
        model = field.related_model
    return False


class _WithoutPrivateFields:
    """Forms and lists of an admin or inline, without the model's private fields."""

    def _public(self, names):
        hidden = private_fields(self.model)
        return [name for name in names if not (isinstance(name, str) and name in hidden)]

    def get_exclude(self, request, obj=None):
        return [*(super().get_exclude(request, obj) or ()), *sorted(private_fields(self.model))]

    def get_fields(self, request, obj=None):
        return self._public(super().get_fields(request, obj))

    def get_fieldsets(self, request, obj=None):
        return [
            (name, {**options, "fields": self._public(options.get("fields", ()))})
            for name, options in super().get_fieldsets(request, obj)
        ]

    def get_readonly_fields(self, request, obj=None):
        return self._public(super().get_readonly_fields(request, obj))


class PrivateFieldsAdmin(_WithoutPrivateFields, admin.ModelAdmin):
    def lookup_allowed(self, lookup, value, request=None):
        if lookup_reaches_private_field(self.model, lookup):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_list_display(self, request):
        return self._public(super().get_list_display(request))

    def get_list_filter(self, request):
        return [item for item in super().get_list_filter(request) if not self._reaches_private(item)]

    def get_search_fields(self, request):
        return [name for name in super().get_search_fields(request) if not self._reaches_private(name.lstrip("^=@"))]

    def get_sortable_by(self, request):
        return self._public(super().get_sortable_by(request))

    def get_ordering(self, request):
        return [name for name in super().get_ordering(request) or () if not self._reaches_private(name.lstrip("-"))]

    def _reaches_private(self, item) -> bool:
        name = item[0] if isinstance(item, (list, tuple)) else item
        return isinstance(name, str) and lookup_reaches_private_field(self.model, name)


class PrivateFieldsTabularInline(_WithoutPrivateFields, admin.TabularInline):
    pass


class PrivateFieldsStackedInline(_WithoutPrivateFields, admin.StackedInline):
    pass
