"""Django admin: a fallback for staff. Program admins use the community pages."""

from django.contrib import admin

from mentoring.community.models import AlumniMember, VolunteerCall, VolunteerInvite
from mentoring.core.admin import PrivateFieldsAdmin, PrivateFieldsTabularInline


@admin.register(AlumniMember)
class AlumniMemberAdmin(PrivateFieldsAdmin):
    list_display = ["user", "joined_at", "hosts_workshops", "facilitates_circles", "matches_again", "speaks_at_events"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


class VolunteerInviteInline(PrivateFieldsTabularInline):
    model = VolunteerInvite
    extra = 0
    raw_id_fields = ["user"]


@admin.register(VolunteerCall)
class VolunteerCallAdmin(PrivateFieldsAdmin):
    list_display = ["title", "activity", "happens_on", "created_by"]
    inlines = [VolunteerInviteInline]
