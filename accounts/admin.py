from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.departments import department_spelling
from accounts.models import OfferedSkill, Skill, SkillCategory, SkillProfile, User, WantedSkill
from mentoring.core.admin import PrivateFieldsAdmin, PrivateFieldsTabularInline


class OfferedInline(PrivateFieldsTabularInline):
    model = OfferedSkill
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["skill"]


class WantedInline(PrivateFieldsTabularInline):
    model = WantedSkill
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["skill"]


@admin.register(User)
class UserAdmin(PrivateFieldsAdmin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_program_admin", "is_leader", "is_staff", "is_active"]
    list_filter = ["is_program_admin", "is_leader", "is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name", "timezone"]}),
        ("Roles", {"fields": ["is_program_admin", "is_leader"]}),
        ("Django admin", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]
    inlines = [OfferedInline, WantedInline]


@admin.register(SkillCategory)
class SkillCategoryAdmin(PrivateFieldsAdmin):
    list_display = ["name", "position"]


@admin.register(Skill)
class SkillAdmin(PrivateFieldsAdmin):
    list_display = ["name", "category", "is_retired"]
    list_filter = ["category", "is_retired"]
    search_fields = ["name"]


class SkillProfileAdminForm(forms.ModelForm):
    class Meta:
        model = SkillProfile
        fields = [
            "user",
            "job_title",
            "department",
            "seniority",
            "manager",
            "location",
            "languages",
            "bio",
            "goals",
            "meeting_mode",
            "preferred_weekdays",
            "preferred_times",
        ]

    def clean_department(self) -> str:
        return department_spelling(self.cleaned_data.get("department"), profile=self.instance)


@admin.register(SkillProfile)
class SkillProfileAdmin(PrivateFieldsAdmin):
    form = SkillProfileAdminForm
    list_display = ["user", "job_title", "department", "seniority"]
    list_filter = ["department", "seniority"]
    search_fields = ["user__email", "user__full_name", "department"]
    raw_id_fields = ["user", "manager"]
