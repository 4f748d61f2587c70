"""Writes for programs: a program and its default rules.

Every service is keyword-only, runs in one transaction and either does all of its work or none of it.
A refusal is a ValidationError whose messages are written for the person who asked.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from mentoring.core.db import unique_or
from mentoring.programs.models import CohortRules, Program

PROGRAM_FIELDS = ("name", "purpose", "confidentiality_statement", *CohortRules.RULE_FIELDS)


@transaction.atomic
def program_create(*, created_by: User | None, data: dict) -> Program:
    program = Program(created_by=created_by, **{k: data[k] for k in PROGRAM_FIELDS if k in data})
    program.full_clean()
    with unique_or(_program_exists(program.name)):
        program.save()
    return program


def _program_exists(name: str) -> ValidationError:
    return ValidationError({"name": f"A program called “{name}” already exists."}, code="unique")


@transaction.atomic
def program_update(*, program: Program, data: dict) -> Program:
    """Change the program and its default rules. Existing cohorts keep their own copy of the rules."""
    for name in PROGRAM_FIELDS:
        if name in data:
            setattr(program, name, data[name])
    program.full_clean()
    with unique_or(_program_exists(program.name)):
        program.save()
    return program
