"""Django admin: a fallback for staff. Fit checks show their answer, never their words."""

from django.contrib import admin

from mentoring.core.admin import PrivateFieldsAdmin
from mentoring.followup.models import FitCheck, FollowupAction


@admin.register(FitCheck)
class FitCheckAdmin(PrivateFieldsAdmin):
    list_display = ["partnership", "author", "answer", "share_words", "updated_at"]
    list_filter = ["answer"]
    fields = ["partnership", "author", "answer", "share_words", "created_at", "updated_at"]
    readonly_fields = fields
    list_select_related = ["author", "partnership__member_a", "partnership__member_b"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(FollowupAction)
class FollowupActionAdmin(PrivateFieldsAdmin):
    list_display = ["partnership", "kind", "by", "created_at"]
    list_filter = ["kind"]
    readonly_fields = ["partnership", "kind", "by", "text", "key", "created_at"]
    list_select_related = ["by", "partnership__member_a", "partnership__member_b"]

    def has_add_permission(self, request) -> bool:
        return False
