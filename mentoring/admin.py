"""Django admin: a fallback for staff. Program admins run everything from the console at /programs/manage/."""

from django.contrib import admin

from mentoring.models import (
    Assessment,
    AssessmentEmail,
    AssessmentResponse,
    Cohort,
    Enrollment,
    Invitation,
    Program,
)


class CohortInline(admin.TabularInline):
    model = Cohort
    extra = 0
    fields = ["name", "status", "starts_on", "ends_on", "capacity"]
    readonly_fields = ["status"]
    show_change_link = True


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "session_length_minutes", "cadence", "created_at"]
    search_fields = ["name"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [CohortInline]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "program", "status", "enrollment_opens_on", "enrollment_closes_on", "starts_on", "capacity"]
    list_filter = ["status", "program"]
    search_fields = ["name", "program__name"]
    list_select_related = ["program"]
    # Status moves only through the console's services, which check each transition.
    readonly_fields = ["status", "status_changed_at", "created_at", "updated_at"]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["user", "cohort", "status", "applied_at", "waitlisted_at"]
    list_filter = ["status", "cohort__program", "cohort"]
    search_fields = ["user__email", "user__full_name", "cohort__name"]
    list_select_related = ["user", "cohort", "cohort__program"]
    raw_id_fields = ["user", "enrolled_by"]
    readonly_fields = ["applied_at", "status_changed_at", "confidentiality_accepted_at", "profile_reminder_sent_on"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "cohort", "invited_by", "created_at", "accepted_at"]
    list_filter = ["cohort"]
    search_fields = ["email"]
    list_select_related = ["cohort", "invited_by"]
    readonly_fields = ["token", "created_at", "sent_at", "accepted_at", "accepted_by"]
    raw_id_fields = ["invited_by", "accepted_by"]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "opens_on", "closes_on", "closed_at"]
    list_filter = ["kind", "cohort__program"]
    list_select_related = ["cohort", "cohort__program"]
    raw_id_fields = ["cohort", "created_by"]
    readonly_fields = ["closed_at", "created_by", "created_at", "updated_at"]


@admin.register(AssessmentResponse)
class AssessmentResponseAdmin(admin.ModelAdmin):
    """Who answered which survey and when, never the comment; nobody adds or changes answers here."""

    list_display = ["__str__", "assessment", "created_at", "updated_at"]
    list_filter = ["assessment__kind", "assessment__cohort"]
    list_select_related = ["respondent", "assessment", "assessment__cohort", "assessment__cohort__program"]
    search_fields = ["respondent__email"]
    fields = ["assessment", "respondent", "created_at", "updated_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AssessmentEmail)
class AssessmentEmailAdmin(admin.ModelAdmin):
    list_display = ["__str__", "assessment", "created_at", "sent_at"]
    list_select_related = ["recipient", "assessment", "assessment__cohort", "assessment__cohort__program"]
    fields = ["assessment", "recipient", "created_at", "sent_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
