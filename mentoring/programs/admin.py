"""Django admin: a fallback for staff. Program admins run everything from the console at /programs/manage/."""

from django.contrib import admin

from mentoring.core.admin import PrivateFieldsAdmin, PrivateFieldsTabularInline
from mentoring.programs.models import Cohort, Enrollment, Invitation, Program


class CohortInline(PrivateFieldsTabularInline):
    model = Cohort
    extra = 0
    fields = ["name", "status", "starts_on", "ends_on", "capacity"]
    readonly_fields = ["status"]
    show_change_link = True


@admin.register(Program)
class ProgramAdmin(PrivateFieldsAdmin):
    list_display = ["name", "session_length_minutes", "cadence", "created_at"]
    search_fields = ["name"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [CohortInline]


@admin.register(Cohort)
class CohortAdmin(PrivateFieldsAdmin):
    list_display = ["name", "program", "status", "enrollment_opens_on", "enrollment_closes_on", "starts_on", "capacity"]
    list_filter = ["status", "program"]
    search_fields = ["name", "program__name"]
    list_select_related = ["program"]
    # Status moves only through the console's services, which check each transition.
    readonly_fields = ["status", "status_changed_at", "created_at", "updated_at"]


@admin.register(Enrollment)
class EnrollmentAdmin(PrivateFieldsAdmin):
    list_display = ["user", "cohort", "status", "applied_at", "waitlisted_at"]
    list_filter = ["status", "cohort__program", "cohort"]
    search_fields = ["user__email", "user__full_name", "cohort__name"]
    list_select_related = ["user", "cohort", "cohort__program"]
    raw_id_fields = ["user", "enrolled_by"]
    readonly_fields = ["applied_at", "status_changed_at", "confidentiality_accepted_at", "profile_reminder_sent_on"]


@admin.register(Invitation)
class InvitationAdmin(PrivateFieldsAdmin):
    list_display = ["email", "cohort", "invited_by", "created_at", "accepted_at"]
    list_filter = ["cohort"]
    search_fields = ["email"]
    list_select_related = ["cohort", "invited_by"]
    readonly_fields = ["token", "created_at", "sent_at", "accepted_at", "accepted_by"]
    raw_id_fields = ["invited_by", "accepted_by"]
