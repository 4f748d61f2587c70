"""One spelling per department.

A department is free text on the skill profile, but matching (the same-department rule) and the
reports (breakdowns by department) group people by it, so "Sales", "sales " and "SALES" must be one
department. Every write path (the profile form, Django admin, the CSV import and
``import_employees``, the Departments page) stores what ``DepartmentSpellings.spelling`` returns:
the text with its whitespace trimmed and collapsed, in the spelling already in use for that
department whatever its capitalisation ("sales" is stored as "Sales" when "Sales" exists). A new
department keeps the spelling it is first written with.

When a department has several spellings (data from before this rule), the one it keeps is the most
common, ties going to the first alphabetically (Python's string order: capitals first). The data
migration ``accounts.0004_merge_department_variants`` applies the same rule through
``merge_department_variants``.
"""

from collections import Counter
from collections.abc import Mapping

from django.db.models import Count

from accounts.department_names import clean_department, department_key
from accounts.models import SkillProfile


def choose_spelling(counts: Mapping[str, int]) -> str:
    """The spelling a department keeps: the most used, ties broken by the first alphabetically."""
    return min(counts, key=lambda spelling: (-counts[spelling], spelling))


class DepartmentSpellings:
    """The departments in use, by key, for turning typed values into stored ones without more queries.

    Built from how many profiles use each stored spelling. ``spelling()`` also remembers departments
    it has not seen, so within one import file the first spelling of a new department wins.
    """

    def __init__(self, counts: Mapping[str, int]):
        variants: dict[str, Counter] = {}
        for stored, n in counts.items():
            cleaned = clean_department(stored)
            if cleaned:
                variants.setdefault(department_key(cleaned), Counter())[cleaned] += n
        self._by_key = {key: choose_spelling(spellings) for key, spellings in variants.items()}

    @classmethod
    def load(cls, *, exclude_profile_id: int | None = None) -> "DepartmentSpellings":
        """One query: every department in use with its number of profiles.

        ``exclude_profile_id`` leaves one person's own entry out, so the only person in a department
        can still correct its capitalisation on their profile.
        """
        profiles = SkillProfile.objects.exclude(department="")
        if exclude_profile_id is not None:
            profiles = profiles.exclude(pk=exclude_profile_id)
        return cls(dict(profiles.values_list("department").annotate(n=Count("pk")).order_by()))

    def spelling(self, value: str | None) -> str:
        """``value`` as it is stored: cleaned, in the department's existing spelling if it has one."""
        cleaned = clean_department(value)
        if not cleaned:
            return ""
        return self._by_key.setdefault(department_key(cleaned), cleaned)

    def existing(self, value: str | None) -> str | None:
        """The spelling in use for ``value``'s department, or None for a department nobody is in."""
        return self._by_key.get(department_key(value))


def department_spelling(value: str | None, *, profile: SkillProfile | None = None) -> str:
    """How one person's department is stored (the profile form and Django admin). One query, none when empty."""
    if not clean_department(value):
        return ""
    exclude = profile.pk if profile is not None and profile.pk else None
    return DepartmentSpellings.load(exclude_profile_id=exclude).spelling(value)


def merge_department_variants(profile_model=SkillProfile) -> dict[str, str]:
    """Rewrite every stored spelling that is not its department's chosen one; returns {old: new}.

    Called by the data migration with the historical model. Queries: one to count the spellings,
    then one UPDATE per spelling that changes (a handful, whatever the number of people).
    """
    counts = dict(profile_model.objects.values_list("department").annotate(n=Count("pk")).order_by())
    spellings = DepartmentSpellings(counts)
    renames = {old: spellings.spelling(old) for old in counts if old != spellings.spelling(old)}
    for old, new in sorted(renames.items()):
        profile_model.objects.filter(department=old).update(department=new)
    return renames
