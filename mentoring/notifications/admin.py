"""Django admin for the outbox: what was sent to whom and when, what failed and why. Nobody writes messages here."""

from django.contrib import admin, messages

from mentoring.core.admin import PrivateFieldsAdmin
from mentoring.notifications.models import Message, MessageState
from mentoring.notifications.services import message_send_again


@admin.register(Message)
class MessageAdmin(PrivateFieldsAdmin):
    list_display = ["kind", "address", "state", "attempts", "created_at", "sent_at"]
    list_filter = ["state", "channel", "kind"]
    search_fields = ["address", "key", "message_id_header"]
    date_hierarchy = "created_at"
    actions = ["send_again"]
    fields = [
        "kind",
        "channel",
        "recipient",
        "address",
        "from_email",
        "subject",
        "state",
        "attempts",
        "last_error",
        "key",
        "message_id_header",
        "calendar_method",
        "created_at",
        "send_after",
        "expires_at",
        "claimed_until",
        "sent_at",
        "link",
        "read_at",
        "nudge_day",
        "digest_after",
        "digest",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Send the selected failed messages again")
    def send_again(self, request, queryset):
        again = sum(message_send_again(message=m) for m in queryset.filter(state=MessageState.FAILED))
        self.message_user(request, f"{again} message(s) queued again.", messages.SUCCESS)
