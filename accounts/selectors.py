"""Reads for the catalogue, roles and profile pages, each at a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import OfferedSkill, Skill, SkillCategory, SkillProfile, User, WantedSkill


def catalogue_categories() -> QuerySet[SkillCategory]:
    """Categories with their skills and how many profiles use each skill."""
    skills = Skill.objects.annotate(
        offered_count=Count("offered_by", distinct=True), wanted_count=Count("wanted_by", distinct=True)
    ).order_by("is_retired", "name")
    return SkillCategory.objects.prefetch_related(Prefetch("skills", queryset=skills))


def skill_choices(include: set[int] | None = None) -> list[tuple[str, list[tuple[int, str]]]]:
    """Active skills grouped by category for a <select>, plus any retired ones already chosen."""
    query = Q(is_retired=False)
    if include:
        query |= Q(pk__in=include)
    groups: dict[str, list[tuple[int, str]]] = {}
    for pk, name, category, retired in (
        Skill.objects.filter(query)
        .order_by("category__position", "category__name", "name")
        .values_list("pk", "name", "category__name", "is_retired")
    ):
        groups.setdefault(category, []).append((pk, f"{name} (retired)" if retired else name))
    return list(groups.items())


def profile_for(user: User) -> tuple[SkillProfile, list[OfferedSkill], list[WantedSkill]]:
    profile = SkillProfile.objects.select_related("manager").filter(user=user).first() or SkillProfile(user=user)
    offered = list(OfferedSkill.objects.filter(user=user).select_related("skill"))
    wanted = list(WantedSkill.objects.filter(user=user).select_related("skill"))
    return profile, offered, wanted


def people_with_roles(search: str = "") -> QuerySet[User]:
    users = User.objects.select_related("profile").order_by("-is_program_admin", "-is_leader", "full_name", "email")
    if search:
        users = users.filter(
            Q(email__icontains=search) | Q(full_name__icontains=search) | Q(profile__department__icontains=search)
        )
    return users


@dataclass(frozen=True)
class Department:
    name: str
    people: int


def departments_in_use() -> tuple[list[Department], int]:
    """Every department with how many people are in it (A to Z), and how many profiles name none.

    One grouped query, whatever the number of people.
    """
    counts = dict(SkillProfile.objects.values_list("department").annotate(n=Count("pk")).order_by())
    unnamed = counts.pop("", 0)
    departments = [Department(name, n) for name, n in counts.items()]
    departments.sort(key=lambda d: (d.name.casefold(), d.name))
    return departments, unnamed
