"""Training modules (completing one, writing one), the modules a cohort requires, and the resource library."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Skill, User
from mentoring.community import selectors
from mentoring.community.models import (
    CohortModule,
    ModuleCompletion,
    Resource,
    ResourceStatus,
    TrainingModule,
)
from mentoring.core.db import unique_or
from mentoring.notifications.services import absolute_link, message_draft, messages_queue
from mentoring.programs.models import Cohort


def parse_quiz(text: str) -> list[dict]:
    """One question per line: ``Question? | right answer | wrong answer | ...`` (the first answer is right; the
    page shows them in alphabetical order)."""
    questions = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) < 3 or not all(parts):
            raise ValidationError(
                {"quiz": f"Line {number}: write the question, the right answer, then at least one wrong answer."}
            )
        options = sorted(parts[1:], key=str.casefold)
        questions.append({"question": parts[0], "options": options, "answer": options.index(parts[1])})
    return questions


def quiz_text(quiz: list[dict]) -> str:
    lines = []
    for question in quiz:
        right = question["options"][question["answer"]]
        wrong = [option for i, option in enumerate(question["options"]) if i != question["answer"]]
        lines.append(" | ".join([question["question"], right, *wrong]))
    return "\n".join(lines)


@transaction.atomic
def module_save(*, module: TrainingModule | None, data: dict) -> TrainingModule:
    quiz = parse_quiz(data.get("quiz", ""))
    module = module or TrainingModule(slug=slugify(data["title"])[:80] or "module")
    for name in ("title", "summary", "body", "is_published"):
        setattr(module, name, data[name])
    module.quiz = quiz
    module.updated_at = timezone.now()
    taken = ValidationError({"title": "A module with this title (or its web address) exists already."})
    try:
        module.full_clean()
    except ValidationError as error:
        if "slug" in error.message_dict or "title" in error.message_dict:
            raise taken from error
        raise
    with unique_or(taken):
        module.save()
    return module


@transaction.atomic
def module_complete(*, module: TrainingModule, user: User, answers: list[int] | None = None) -> ModuleCompletion:
    """Acknowledge a module, or pass its quiz (every answer right). Completing twice keeps the first completion."""
    if not module.is_published:
        raise ValidationError("This module is not published.")
    if module.quiz:
        answers = answers or []
        wrong = [
            number
            for number, question in enumerate(module.quiz, start=1)
            if number > len(answers) or answers[number - 1] != question["answer"]
        ]
        if wrong:
            raise ValidationError(
                f"Not quite: look again at question{'s' if len(wrong) > 1 else ''} {', '.join(map(str, wrong))}."
            )
    completion = ModuleCompletion.objects.filter(module=module, user=user).first()
    if completion:
        return completion
    with unique_or(ValidationError("You completed this module already.")):
        return ModuleCompletion.objects.create(module=module, user=user)


@transaction.atomic
def cohort_modules_set(*, cohort: Cohort, modules: list[TrainingModule]) -> list[CohortModule]:
    """The modules the cohort's participants complete before matching. Changing it once matching started would
    change who is matched under people's feet: refused."""
    if cohort.status not in ("draft", "enrolling"):
        raise ValidationError("Required modules can change only until matching starts.")
    CohortModule.objects.filter(cohort=cohort).exclude(module__in=modules).delete()
    CohortModule.objects.bulk_create(
        [CohortModule(cohort=cohort, module=module) for module in modules], ignore_conflicts=True
    )
    return list(CohortModule.objects.filter(cohort=cohort))


def cohort_training_remind(*, cohort: Cohort, base_url: str, today=None) -> int:
    """E-mail each participant still missing a required module, at most once a day (the outbox key). Returns how
    many were written."""
    today = today or timezone.localdate()
    progress = selectors.cohort_training(cohort)
    link = absolute_link(base_url, reverse("community:training"))
    created = messages_queue(
        message_draft(
            kind="training_reminder",
            to=row.user.email,
            recipient=row.user,
            timezone=row.user.timezone,
            context={"user": row.user, "cohort": cohort, "missing": row.missing, "link": link},
            key=f"training_reminder:{cohort.pk}:{row.user.pk}:{today.isoformat()}",
        )
        for row in progress.rows
        if row.missing
    )
    return len(created)


@transaction.atomic
def resource_suggest(*, skill: Skill, title: str, url: str, note: str, suggested_by: User) -> Resource:
    if not url and not note:
        raise ValidationError({"url": "Give a link, a note, or both."})
    resource = Resource(skill=skill, title=title, url=url, note=note, suggested_by=suggested_by)
    resource.full_clean()
    resource.save()
    return resource


@transaction.atomic
def resource_review(*, resource: Resource, approve: bool, reviewed_by: User) -> Resource:
    """Approve or decline a suggestion; a second click on a decided one changes nothing."""
    updated = Resource.objects.filter(pk=resource.pk, status=ResourceStatus.SUGGESTED).update(
        status=ResourceStatus.APPROVED if approve else ResourceStatus.DECLINED,
        reviewed_by=reviewed_by,
        reviewed_at=timezone.now(),
    )
    if not updated:
        raise ValidationError("Someone reviewed this suggestion already.")
    resource.refresh_from_db()
    return resource
