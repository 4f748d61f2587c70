"""Writes for users, roles, the skill catalogue and skill profiles."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.departments import clean_department, department_key
from accounts.models import OfferedSkill, Skill, SkillCategory, SkillProfile, User, WantedSkill
from mentoring.core.db import unique_or


@transaction.atomic
def profile_save(*, user: User, profile_form, offered_formset, wanted_formset) -> SkillProfile:
    """Save the profile and both skill lists together: all of it, or (on any error) none of it.

    The same skill added twice at once (two tabs, a double click) is refused, not a server error."""
    already = ValidationError(
        "Your profile was just saved from another tab or a second click. Reload the page and check it.",
        code="duplicate",
    )
    profile = profile_form.save(commit=False)
    profile.user = user
    with unique_or(already):
        profile.save()
    user.full_name = profile_form.cleaned_data["full_name"]
    user.timezone = profile_form.cleaned_data["timezone"]
    user.save(update_fields=["full_name", "timezone"])
    for formset in (offered_formset, wanted_formset):
        formset.instance = user
        # Django's formset skips rows whose id is not this person's (tampered POST data).
        changed = formset.save(commit=False)
        # Deletions first, so a skill moved from one row to another cannot trip the unique constraint.
        for obj in formset.deleted_objects:
            obj.delete()
        with unique_or(already):
            for obj in changed:
                obj.user = user
                obj.save()
    return profile


def skill_create(*, name: str, category: SkillCategory, description: str = "") -> Skill:
    skill = Skill(name=name.strip(), category=category, description=description.strip())
    skill.full_clean()
    with unique_or(_skill_exists(skill.name)):
        skill.save()
    return skill


def _skill_exists(name: str) -> ValidationError:
    return ValidationError({"name": f"A skill called “{name}” already exists."}, code="unique")


def category_create(*, name: str) -> SkillCategory:
    category = SkillCategory(name=name.strip())
    category.full_clean()
    with unique_or(ValidationError({"name": f"A category called “{category.name}” already exists."})):
        category.save()
    return category


def skill_update(*, skill: Skill, name: str, category: SkillCategory, description: str) -> Skill:
    skill.name, skill.category, skill.description = name.strip(), category, description.strip()
    skill.full_clean()
    with unique_or(_skill_exists(skill.name)):
        skill.save()
    return skill


def skill_set_retired(*, skill: Skill, retired: bool) -> Skill:
    skill.is_retired = retired
    skill.save(update_fields=["is_retired"])
    return skill


@dataclass
class MergeResult:
    moved_offered: int
    combined_offered: int
    moved_wanted: int
    combined_wanted: int
    both_offered_and_wanted: list[str]

    @property
    def summary(self) -> str:
        text = (
            f"{self.moved_offered + self.combined_offered} offered and "
            f"{self.moved_wanted + self.combined_wanted} wanted profile entries now use this skill"
        )
        if self.combined_offered or self.combined_wanted:
            text += (
                f" ({self.combined_offered + self.combined_wanted} people had both skills; "
                "their two entries were combined)"
            )
        return text + "."


@transaction.atomic
def skill_merge(*, source: Skill, target: Skill) -> MergeResult:
    """Fold ``source`` into ``target``: every profile entry survives, then ``source`` is deleted.

    Someone who listed both skills keeps one entry holding the most of both: the higher
    offered level, the lower current level and the higher target when wanted; notes are joined.
    """
    if source.pk == target.pk:
        raise ValidationError("A skill cannot be merged into itself.")
    source = Skill.objects.select_for_update().get(pk=source.pk)
    target = Skill.objects.select_for_update().get(pk=target.pk)

    # People who listed both: their target entry takes the most of both and the source entry goes, in bulk.
    target_offers = {o.user_id: o for o in OfferedSkill.objects.filter(skill=target)}
    doomed = []
    for entry in OfferedSkill.objects.filter(skill=source, user_id__in=list(target_offers)):
        kept = target_offers[entry.user_id]
        kept.level = max(kept.level, entry.level)
        kept.note = _join_notes(kept.note, entry.note, 200)
        doomed.append(entry)
    OfferedSkill.objects.bulk_update([target_offers[e.user_id] for e in doomed], ["level", "note"])
    OfferedSkill.objects.filter(pk__in=[e.pk for e in doomed]).delete()
    combined_offered = len(doomed)
    moved_offered = OfferedSkill.objects.filter(skill=source).update(skill=target)

    target_wants = {w.user_id: w for w in WantedSkill.objects.filter(skill=target)}
    doomed = []
    for entry in WantedSkill.objects.filter(skill=source, user_id__in=list(target_wants)):
        kept = target_wants[entry.user_id]
        kept.current_level = min(kept.current_level, entry.current_level)
        kept.target_level = max(kept.target_level, entry.target_level)
        kept.why = _join_notes(kept.why, entry.why, 200)
        doomed.append(entry)
    WantedSkill.objects.bulk_update([target_wants[e.user_id] for e in doomed], ["current_level", "target_level", "why"])
    WantedSkill.objects.filter(pk__in=[e.pk for e in doomed]).delete()
    combined_wanted = len(doomed)
    moved_wanted = WantedSkill.objects.filter(skill=source).update(skill=target)

    # Everything else that points at a skill (goals, session topics, survey ratings, and any relation added later)
    # is found from the model metadata and moved.
    _relink_other_relations(source=source, target=target)

    conflicted = list(
        User.objects.filter(offered_skills__skill=target, wanted_skills__skill=target)
        .order_by("email")
        .values_list("email", flat=True)
    )
    source.delete()
    return MergeResult(moved_offered, combined_offered, moved_wanted, combined_wanted, conflicted)


# The profile lists, which skill_merge combines entry by entry above.
_COMBINED_BY_HAND = {(OfferedSkill, "skill"), (WantedSkill, "skill")}


def skill_relations() -> list[tuple[type[models.Model], str]]:
    """Every (model, field) that points at a skill, read from the model metadata: foreign keys, one-to-one fields
    and the join tables of many-to-many fields, in every installed app."""
    relations = []
    for rel in Skill._meta.related_objects:
        if rel.many_to_many:
            through = rel.through
            field = next(f for f in through._meta.fields if f.is_relation and f.related_model is Skill)
            relations.append((through, field.name))
        else:
            relations.append((rel.related_model, rel.field.name))
    return sorted(relations, key=lambda r: (r[0]._meta.label, r[1]))


def _unique_partners(model: type[models.Model], field: str) -> list[list[str]]:
    """For each uniqueness rule that includes ``field``, the other fields in it (a row moved to the target skill
    must not collide with a row that already has the target)."""
    groups = [list(fields) for fields in model._meta.unique_together]
    groups += [list(c.fields) for c in model._meta.constraints if isinstance(c, models.UniqueConstraint) and c.fields]
    return [[name for name in group if name != field] for group in groups if field in group]


def _relink_other_relations(*, source: Skill, target: Skill) -> None:
    for model, field in skill_relations():
        if (model, field) in _COMBINED_BY_HAND:
            continue
        rows = model._default_manager.filter(**{field: source})
        for others in _unique_partners(model, field):
            # The row that already has the target skill wins; the source's duplicate goes.
            clash = model._default_manager.filter(**{field: target}, **{name: OuterRef(name) for name in others})
            rows.filter(Exists(clash)).delete()
        rows.update(**{field: target})


def _join_notes(first: str, second: str, limit: int) -> str:
    if not second or second == first:
        return first
    if not first:
        return second[:limit]
    return f"{first}; {second}"[:limit]


def user_set_roles(*, user: User, is_program_admin: bool, is_leader: bool, changed_by: User) -> User:
    if user.pk == changed_by.pk and user.is_program_admin and not is_program_admin:
        # Otherwise the last admin could lock everyone out of the console.
        raise ValidationError("You cannot remove your own program admin role; ask another program admin.")
    User.objects.filter(pk=user.pk).update(is_program_admin=is_program_admin, is_leader=is_leader)
    user.refresh_from_db(fields=["is_program_admin", "is_leader"])
    return user


@transaction.atomic
def department_rename(*, name: str, new_name: str) -> int:
    """Give everyone in department ``name`` the department ``new_name``; returns how many people that is.

    ``new_name`` is cleaned like every department. It may differ from ``name`` only in capitalisation;
    the name of another department is refused, as that is a merge. Errors are keyed by the form's fields.
    """
    new_name = clean_department(new_name)
    if not new_name:
        raise ValidationError({"new_name": "Give the department a name."})
    if new_name == name:
        raise ValidationError({"new_name": "That is already its name."})
    key = department_key(new_name)
    for other in SkillProfile.objects.exclude(department=name).values_list("department", flat=True).distinct():
        if department_key(other) == key:
            raise ValidationError(
                {"new_name": f"“{other}” is another department already; merge {name} into it instead."}
            )
    renamed = SkillProfile.objects.filter(department=name).update(department=new_name, updated_at=timezone.now())
    if not renamed:
        raise ValidationError({"new_name": f"Nobody is in “{name}” any more; it may have been renamed meanwhile."})
    return renamed


@transaction.atomic
def department_merge(*, source: str, target: str) -> int:
    """Move everyone in department ``source`` into ``target``; returns how many people moved."""
    if source == target:
        raise ValidationError({"target": "Choose two different departments."})
    if not SkillProfile.objects.filter(department=target).exists():
        raise ValidationError({"target": f"Nobody is in “{target}” any more; choose another department."})
    moved = SkillProfile.objects.filter(department=source).update(department=target, updated_at=timezone.now())
    if not moved:
        raise ValidationError({"source": f"Nobody is in “{source}” any more; choose another department."})
    return moved
