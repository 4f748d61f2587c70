"""Django admin for sessions. Private notes and check-in answers never show here: only the pair reads notes,
and only the author (or, if they shared it, the program team in the app) reads a check-in's text."""

from django.contrib import admin

from mentoring.core.admin import PrivateFieldsAdmin, PrivateFieldsTabularInline
from sessions_log.models import CheckIn, Session, SessionHalf, SessionNote


class SessionHalfInline(PrivateFieldsTabularInline):
    model = SessionHalf
    extra = 0
    fields = ("order", "mentor", "mentee", "topic_skill", "planned_minutes", "actual_minutes")
    raw_id_fields = ("mentor", "mentee", "topic_skill")
    can_delete = False
    max_num = 2


@admin.register(Session)
class SessionAdmin(PrivateFieldsAdmin):
    list_display = ("__str__", "status", "start", "proposed_by", "sequence")
    list_filter = ("status", "partnership__cohort")
    date_hierarchy = "start"
    raw_id_fields = ("partnership", "proposed_by", "cancelled_by", "logged_by")
    readonly_fields = ("calendar_uid", "sequence", "created_at", "updated_at")
    inlines = [SessionHalfInline]


class NoTextAdmin(PrivateFieldsAdmin):
    """Shows who wrote what when, never the text; nobody adds or changes these here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SessionNote)
class SessionNoteAdmin(NoTextAdmin):
    list_display = ("__str__", "author", "created_at", "updated_at")
    fields = ("session", "author", "created_at", "updated_at")
    readonly_fields = fields


@admin.register(CheckIn)
class CheckInAdmin(NoTextAdmin):
    list_display = ("__str__", "author", "contact_requested", "shared_with_program_team", "created_at")
    list_filter = ("contact_requested", "shared_with_program_team")
    fields = ("session", "author", "contact_requested", "shared_with_program_team", "created_at", "updated_at")
    readonly_fields = fields
