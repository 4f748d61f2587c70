"""Django admin for surveys: who answered which survey and when, never what they answered."""

from django.contrib import admin

from mentoring.core.admin import PrivateFieldsAdmin
from mentoring.surveys.models import Assessment, AssessmentResponse


@admin.register(Assessment)
class AssessmentAdmin(PrivateFieldsAdmin):
    list_display = ["__str__", "kind", "opens_on", "closes_on", "closed_at"]
    list_filter = ["kind", "cohort__program"]
    list_select_related = ["cohort", "cohort__program"]
    raw_id_fields = ["cohort", "created_by"]
    readonly_fields = ["closed_at", "created_by", "created_at", "updated_at"]


@admin.register(AssessmentResponse)
class AssessmentResponseAdmin(PrivateFieldsAdmin):
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
