"""Who is not ready to be matched yet, as apps above programs say it, without programs or matching importing them.

An app registers a *gate* in its ``AppConfig.ready()``: a function of a cohort giving a ``Q`` over ``Enrollment``
that is true for the enrollments not ready (e.g. the community: "has not completed this cohort's required training
modules"). Matching leaves those people out through ``not_ready(cohort)``, one subquery in its own query, so its
query count does not grow. The registry is code, not a setting: the gates are part of the apps that define them.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q

from mentoring.programs.models import Cohort

Gate = Callable[[Cohort], Q]

_gates: dict[str, Gate] = {}


def register(name: str, gate: Gate) -> None:
    """Add (or replace, on a second ready()) the gate called ``name``."""
    _gates[name] = gate


def not_ready(cohort: Cohort) -> Q | None:
    """A Q over Enrollment: the cohort's enrollments some gate holds back; None when no gate holds anyone."""
    conditions = [gate(cohort) for gate in _gates.values()]
    conditions = [condition for condition in conditions if condition]
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return combined
