from django.contrib import admin

from matching.models import MatchPair, MatchRun, MatchUnmatched, PairRule
from mentoring.core.admin import PrivateFieldsAdmin, PrivateFieldsTabularInline


class MatchPairInline(PrivateFieldsTabularInline):
    model = MatchPair
    fields = ("user_a", "user_b", "score", "is_locked", "is_manual", "is_one_way")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False


class MatchUnmatchedInline(PrivateFieldsTabularInline):
    model = MatchUnmatched
    fields = ("user", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(MatchRun)
class MatchRunAdmin(PrivateFieldsAdmin):
    """Runs are a record of what was decided: read them here, change them on the proposal page."""

    list_display = ("__str__", "kind", "status", "created_by", "created_at", "matched_people", "published_by")
    list_filter = ("status", "kind")
    search_fields = ("cohort__name", "cohort__program__name")
    readonly_fields = [f.name for f in MatchRun._meta.fields]
    inlines = [MatchPairInline, MatchUnmatchedInline]

    def has_add_permission(self, request):
        return False


@admin.register(PairRule)
class PairRuleAdmin(PrivateFieldsAdmin):
    list_display = ("__str__", "cohort", "kind", "reason", "created_by", "created_at")
    list_filter = ("kind",)
    search_fields = ("user_a__full_name", "user_b__full_name", "cohort__name")
    raw_id_fields = ("cohort", "user_a", "user_b", "created_by")
