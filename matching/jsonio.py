"""The JSON contract of `manage.py match_json`: read a cohort file into engine inputs, write a result as JSON.

Pure Python; imports nothing from Django. Every problem raises InputError naming the person and the field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from typing import Any

from matching.results import MatchResult
from matching.scoring import Candidate, InputError, Rules

RULE_KEYS = {f.name for f in fields(Rules)} - {"timezone_reference"}
PERSON_KEYS = {"id", "department", "seniority", "timezone", "manager", "offers", "wants", "goals", "meeting_mode"}
REQUIRED_PERSON_KEYS = ("id", "seniority", "timezone", "offers", "wants")
TOP_KEYS = {"rules", "people", "locked", "excluded"}


@dataclass(frozen=True)
class Problem:
    people: list[Candidate]
    rules: Rules
    locked: list[tuple[str, str]]
    excluded: list[tuple[str, str]]


def loads(text: str) -> Problem:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    return parse(data)


def parse(data: Any) -> Problem:
    if not isinstance(data, dict):
        raise InputError(
            "the file must hold a JSON object with 'people' (and optionally 'rules', 'locked', 'excluded')"
        )
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        raise InputError(f"unknown key {unknown[0]!r} (expected {', '.join(sorted(TOP_KEYS))})", field=unknown[0])
    return Problem(
        people=_people(data.get("people")),
        rules=_rules(data.get("rules", {})),
        locked=_pairs(data.get("locked", []), "locked"),
        excluded=_pairs(data.get("excluded", []), "excluded"),
    )


def _rules(raw: Any) -> Rules:
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise InputError("must be an object", field="rules")
    unknown = sorted(set(raw) - RULE_KEYS)
    if unknown:
        raise InputError(f"unknown rule (expected {', '.join(sorted(RULE_KEYS))})", field=f"rules.{unknown[0]}")
    for key in ("reciprocity_required", "avoid_manager_pairs", "cross_department_bonus"):
        if key in raw and not isinstance(raw[key], bool):
            raise InputError("must be true or false", field=f"rules.{key}")
    if "same_department" in raw and raw["same_department"] not in ("allowed", "discouraged", "forbidden"):
        raise InputError('must be "allowed", "discouraged" or "forbidden"', field="rules.same_department")
    if "reverse_mentoring_weight" in raw:
        weight = raw["reverse_mentoring_weight"]
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 <= weight <= 1:
            raise InputError("must be a number from 0 to 1", field="rules.reverse_mentoring_weight")
    if "max_timezone_gap_hours" in raw:
        gap = raw["max_timezone_gap_hours"]
        if gap is not None and (isinstance(gap, bool) or not isinstance(gap, int | float) or gap < 0):
            raise InputError("must be a number of hours (0 or more) or null", field="rules.max_timezone_gap_hours")
    return Rules(**raw)


def _person_label(raw: dict, position: int) -> str:
    pid = raw.get("id")
    return pid if isinstance(pid, str) and pid.strip() else f"#{position + 1}"


def _people(raw: Any) -> list[Candidate]:
    if not isinstance(raw, list):
        raise InputError("must be a list of people", field="people")
    people = []
    for position, item in enumerate(raw):
        if not isinstance(item, dict):
            raise InputError("must be an object", person=f"#{position + 1}", field="people")
        who = _person_label(item, position)
        unknown = sorted(set(item) - PERSON_KEYS)
        if unknown:
            raise InputError(f"unknown field (expected {', '.join(sorted(PERSON_KEYS))})", person=who, field=unknown[0])
        for key in REQUIRED_PERSON_KEYS:
            if key not in item:
                raise InputError("is missing", person=who, field=key)
        if not isinstance(item["id"], str) or not item["id"].strip():
            raise InputError("must be non-empty text", person=who, field="id")
        for key in ("department", "timezone"):
            if key in item and not isinstance(item[key], str):
                raise InputError("must be text", person=who, field=key)
        manager = item.get("manager")
        if manager is not None and not isinstance(manager, str):
            raise InputError("must be a person's id or null", person=who, field="manager")
        for key in ("offers", "wants"):
            if not isinstance(item[key], dict):
                raise InputError('must be an object like {"SQL": 3}', person=who, field=key)
        goals = item.get("goals", [])
        if not isinstance(goals, list) or not all(isinstance(g, str) for g in goals):
            raise InputError("must be a list of keywords", person=who, field="goals")
        people.append(
            Candidate(
                id=item["id"],
                department=item.get("department") or "",
                seniority=item["seniority"],
                timezone=item["timezone"],
                manager=manager or None,
                offers=dict(item["offers"]),
                wants=dict(item["wants"]),
                goals=tuple(goals),
                meeting_mode=item.get("meeting_mode", "either"),
            )
        )
    return people


def _pairs(raw: Any, kind: str) -> list[tuple[str, str]]:
    if not isinstance(raw, list):
        raise InputError('must be a list of pairs like [["ana", "ben"]]', field=kind)
    result = []
    for number, pair in enumerate(raw, start=1):
        if not isinstance(pair, list) or len(pair) != 2 or not all(isinstance(x, str) for x in pair):
            raise InputError(f"entry {number} must be a list of two person ids", field=kind)
        result.append((pair[0], pair[1]))
    return result


def result_to_dict(result: MatchResult) -> dict[str, Any]:
    report = result.solver
    return {
        "pairs": [
            {
                "a": p.a,
                "b": p.b,
                "score": p.score,
                "a_teaches_b": list(p.a_teaches_b),
                "b_teaches_a": list(p.b_teaches_a),
                "explanation": p.explanation,
                "flags": list(p.flags),
                "locked": p.locked,
            }
            for p in result.pairs
        ],
        "unmatched": [
            {
                "id": u.id,
                "reason": u.reason,
                "suggestions": list(u.suggestions),
                "fallbacks": [
                    {
                        "kind": f.kind,
                        "partners": list(f.partners),
                        "learns": list(f.learns),
                        "teaches": list(f.teaches),
                        "points": f.points,
                        "description": f.description,
                    }
                    for f in u.fallbacks
                ],
            }
            for u in result.unmatched
        ],
        "total_score": result.total_score,
        "matched_people": result.matched_people,
        "supply_demand": [
            {"skill": s.skill, "offered_by": s.offered_by, "wanted_by": s.wanted_by, "matched_for": s.matched_for}
            for s in result.supply_demand
        ],
        "solver": {
            "method": report.method,
            "allowed_pairs": report.allowed_pairs,
            "candidate_pairs": report.candidate_pairs,
            "lp_rounds": report.lp_rounds,
            "matchable_people_bound": report.matchable_people_bound,
            "score_upper_bound": report.score_upper_bound,
            "certified_ratio": round(report.certified_ratio, 6),
        },
    }


def dumps(result: MatchResult) -> str:
    return json.dumps(result_to_dict(result), indent=2, ensure_ascii=False) + "\n"
