"""Check every row of an employee file against the catalogue and the people already in Twoway.

``load_snapshot`` reads what the checks need in a fixed number of queries (whatever the row count);
``plan_import`` is then plain Python: it never queries, so 10,000 rows cost the same queries as 10.
"""

import difflib
import re
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower

from accounts.adapters import email_domain_allowed
from accounts.departments import DepartmentSpellings
from accounts.importing.reading import RowError, Table
from accounts.models import MAX_SKILLS_PER_LIST, OfferedSkill, Skill, SkillProfile, User, WantedSkill, timezone_names

MAX_LENGTHS = {"email": 254, "full_name": 150, "department": 120, "job_title": 120}
TEXT_LABELS = {"full_name": "full name", "department": "department", "job_title": "job title"}
# Bounded IN lists keep every query under SQLite's parameter limit; a file of up to 5,000 people is one query.
CHUNK = 5000

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


@dataclass(frozen=True)
class SkillRef:
    id: int
    name: str
    is_retired: bool


@dataclass
class Person:
    """Someone already in Twoway, as the import compares them."""

    id: int
    email: str
    full_name: str
    timezone: str
    is_active: bool
    profile_id: int | None = None
    department: str = ""
    job_title: str = ""
    seniority: int | None = None
    manager_email: str = ""
    offered: dict[int, int] = field(default_factory=dict)
    wanted: dict[int, tuple[int, int]] = field(default_factory=dict)
    # Row ids of the skill entries, so a commit can update or delete exactly those rows.
    offered_ids: dict[int, int] = field(default_factory=dict)
    wanted_ids: dict[int, int] = field(default_factory=dict)

    @property
    def has_profile(self) -> bool:
        return self.profile_id is not None


@dataclass
class Snapshot:
    people: dict[str, Person]
    skills: dict[str, SkillRef]
    manager_of: dict[str, str]
    address_owner: dict[str, str]
    departments: DepartmentSpellings = field(default_factory=lambda: DepartmentSpellings({}))

    @cached_property
    def skill_names(self) -> dict[int, str]:
        return {s.id: s.name for s in self.skills.values()}


@dataclass
class PlannedRow:
    row: int
    email: str
    full_name: str = ""
    department: str = ""
    job_title: str = ""
    seniority: int | None = None
    manager_email: str = ""
    timezone: str = ""
    offered: dict[int, int] | None = None
    wanted: dict[int, tuple[int, int]] | None = None
    action: str = CREATE
    user_id: int | None = None
    changes: list[str] = field(default_factory=list)
    has_error: bool = False


@dataclass
class ImportPlan:
    rows: list[PlannedRow]
    errors: list[RowError]
    snapshot: Snapshot
    has_offered: bool
    has_wanted: bool
    ignored_columns: list[str] = field(default_factory=list)
    row_count: int = 0
    # (as in the file, as it will be stored, rows): departments written in the spelling already in use
    department_notes: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def with_action(self, action: str) -> list[PlannedRow]:
        """Rows that will be created, updated or left unchanged; rows with an error are in none of them."""
        return [r for r in self.rows if r.action == action and not r.has_error]

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.row_count,
            CREATE: len(self.with_action(CREATE)),
            UPDATE: len(self.with_action(UPDATE)),
            UNCHANGED: len(self.with_action(UNCHANGED)),
            "error_rows": self.error_rows,
            "errors": len(self.errors),
        }


def skill_key(name: str) -> str:
    return " ".join(name.split()).lower()


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def load_snapshot(table: Table) -> Snapshot:
    """Everything the checks need, in at most seven queries for up to CHUNK people.

    Queries: skills; people by e-mail (with profile and manager); their offered skills; their
    wanted skills; every manager link (for loops); e-mail addresses held by accounts (for clashes
    on new people); the departments in use with their spellings. Both skill lists are read even when
    the file has one column, because the other list still counts when checking that no skill is both
    offered and wanted.
    """
    emails = set()
    for _, cells in table.rows:
        for column in ("email", "manager_email"):
            value = cells.get(column, "").strip().lower()
            if value:
                emails.add(value)
    ordered = sorted(emails)

    skills = {
        skill_key(name): SkillRef(pk, name, retired)
        for pk, name, retired in Skill.objects.values_list("id", "name", "is_retired").order_by("id")
    }
    people: dict[str, Person] = {}
    for chunk in _chunks(ordered):
        for values in (
            User.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=chunk)
            .values_list(
                "id",
                "email_lower",
                "full_name",
                "timezone",
                "is_active",
                "profile__id",
                "profile__department",
                "profile__job_title",
                "profile__seniority",
                "profile__manager__email",
            )
        ):
            pk, email, full_name, tz, active, profile_id, department, job_title, seniority, manager = values
            people[email] = Person(
                id=pk,
                email=email,
                full_name=full_name,
                timezone=tz,
                is_active=active,
                profile_id=profile_id,
                department=department or "",
                job_title=job_title or "",
                seniority=seniority,
                manager_email=(manager or "").lower(),
            )
    by_id = {p.id: p for p in people.values()}
    ids = sorted(by_id)
    for chunk in _chunks(ids):
        for pk, user_id, skill_id, level in OfferedSkill.objects.filter(user_id__in=chunk).values_list(
            "id", "user_id", "skill_id", "level"
        ):
            by_id[user_id].offered[skill_id] = level
            by_id[user_id].offered_ids[skill_id] = pk
    for chunk in _chunks(ids):
        for pk, user_id, skill_id, current, target in WantedSkill.objects.filter(user_id__in=chunk).values_list(
            "id", "user_id", "skill_id", "current_level", "target_level"
        ):
            by_id[user_id].wanted[skill_id] = (current, target)
            by_id[user_id].wanted_ids[skill_id] = pk
    manager_of = {
        user.lower(): manager.lower()
        for user, manager in SkillProfile.objects.filter(manager__isnull=False).values_list(
            "user__email", "manager__email"
        )
    }
    address_owner: dict[str, str] = {}
    for chunk in _chunks(ordered):
        for address, owner in (
            EmailAddress.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=chunk)
            .values_list("email_lower", "user__email")
        ):
            address_owner.setdefault(address, owner.lower())
    return Snapshot(
        people=people,
        skills=skills,
        manager_of=manager_of,
        address_owner=address_owner,
        departments=DepartmentSpellings.load(),
    )


@cache
def _timezones_by_lower() -> dict[str, str]:
    return {name.lower(): name for name in timezone_names()}


@lru_cache(maxsize=2048)
def _timezone_suggestion(value: str) -> str | None:
    by_lower = _timezones_by_lower()
    key = value.lower().replace(" ", "_")
    if key in by_lower:
        return by_lower[key]
    close = difflib.get_close_matches(key, list(by_lower), n=1, cutoff=0.6)
    if not close:
        # "Berlin" alone: the city part of a zone name.
        close = [k for k in by_lower if k.rsplit("/", 1)[-1] == key][:1]
    return by_lower[close[0]] if close else None


class _Checker:
    """Per-plan caches, so repeated mistakes (the same typo on 3,000 rows) cost one suggestion lookup."""

    def __init__(self, snapshot: Snapshot):
        self.snapshot = snapshot
        self.active_keys = [k for k, s in snapshot.skills.items() if not s.is_retired]
        self._skill_messages: dict[str, str] = {}

    def unknown_skill_message(self, name: str) -> str:
        key = skill_key(name)
        if key not in self._skill_messages:
            words = set(re.findall(r"\w+", key))
            partial = [k for k in self.active_keys if words and words <= set(re.findall(r"\w+", k))]
            close = difflib.get_close_matches(key, self.active_keys, n=3, cutoff=0.6)
            suggestions = list(dict.fromkeys(close + sorted(partial)))[:3]
            names = [self.snapshot.skills[k].name for k in suggestions]
            if names:
                hint = "did you mean " + " or ".join(names) + "?"
            else:
                hint = "add it to the skill catalogue first, or leave it out."
            self._skill_messages[key] = f"“{name}” is not in the skill catalogue; {hint}"
        return self._skill_messages[key]


_LEVEL = re.compile(r"^\s*(?P<name>.+?)\s*:\s*(?P<levels>[^:]*)$")


def whole_number(text: str, low: int, high: int) -> int | None:
    """``text`` as a whole number from low to high, or None. Only ASCII digits count: "²" is a digit to
    str.isdigit() but not to int(), and int() refuses a number of thousands of digits."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(high)):
        return None
    number = int(text)
    return number if low <= number <= high else None


def _parse_level(text: str) -> int | None:
    return whole_number(text, 1, 5)


def _parse_skill_cell(
    value: str, *, wanted: bool, checker: _Checker, held: set[int], add_error
) -> dict[int, int] | dict[int, tuple[int, int]]:
    """``Python:4; SQL:3`` (offered) or ``Public speaking:2>4; Negotiation:1`` (wanted: current>target)."""
    column = "wanted_skills" if wanted else "offered_skills"
    example = "Public speaking:2>4" if wanted else "Python:4"
    result: dict = {}
    items = [item.strip() for item in value.split(";") if item.strip()]
    if len(items) > MAX_SKILLS_PER_LIST:
        add_error(column, f"List at most {MAX_SKILLS_PER_LIST} skills; this cell has {len(items)}.", value)
        return result
    for item in items:
        match = _LEVEL.match(item)
        if not match:
            add_error(column, f"“{item}” needs a level after a colon, like {example}.", value)
            continue
        name, levels = match.group("name"), match.group("levels").strip()
        skill = checker.snapshot.skills.get(skill_key(name))
        if skill is None:
            add_error(column, checker.unknown_skill_message(name), value)
            continue
        if skill.is_retired and skill.id not in held:
            add_error(column, f"{skill.name} has been retired from the skill catalogue; choose another skill.", value)
            continue
        if skill.id in result:
            add_error(column, f"{skill.name} is listed twice.", value)
            continue
        if not wanted:
            level = _parse_level(levels)
            if level is None:
                add_error(
                    column, f"The level of {skill.name} must be a whole number from 1 to 5, not “{levels}”.", value
                )
                continue
            result[skill.id] = level
            continue
        current_text, _, target_text = levels.partition(">")
        current = _parse_level(current_text)
        target = _parse_level(target_text) if target_text.strip() else (min(current + 1, 5) if current else None)
        if current == 5 and not target_text.strip():
            add_error(column, f"{skill.name} is already at the top level (5); there is nothing to learn.", value)
            continue
        if current is None or target is None:
            add_error(
                column,
                f"The levels of {skill.name} must be whole numbers from 1 to 5 written current>target "
                f"(like {skill.name}:2>4), not “{levels}”.",
                value,
            )
            continue
        if target <= current:
            add_error(
                column,
                f"The target level of {skill.name} ({target}) must be above the current level ({current}).",
                value,
            )
            continue
        result[skill.id] = (current, target)
    return result


def plan_import(table: Table, snapshot: Snapshot) -> ImportPlan:
    """Check every row and decide, for each person, whether they are created, updated or unchanged."""
    errors: list[RowError] = list(table.row_errors)
    checker = _Checker(snapshot)
    planned: list[PlannedRow] = []
    first_row_of: dict[str, int] = {}
    department_notes: dict[tuple[str, str], int] = {}

    for number, cells in table.rows:
        row_errors: list[RowError] = []

        def add_error(column: str, message: str, value: str = "", _number=number, _errors=row_errors) -> None:
            _errors.append(RowError(_number, column, message, value))

        email = cells.get("email", "")
        row = PlannedRow(row=number, email=email.lower())
        if not email:
            add_error("email", "The e-mail address is missing.")
        # The length that counts is the stored one: lower-casing "İ" makes two characters of it.
        elif len(row.email) > MAX_LENGTHS["email"]:
            add_error("email", f"The e-mail address is longer than {MAX_LENGTHS['email']} characters.", email)
        elif not _is_email(email):
            add_error("email", f"“{email}” is not a valid e-mail address.", email)
        elif row.email in first_row_of:
            add_error(
                "email", f"{row.email} is already on row {first_row_of[row.email]}; list each person once.", email
            )
        else:
            first_row_of[row.email] = number

        for column in ("full_name", "department", "job_title"):
            text = cells.get(column, "")
            if not text:
                add_error(column, f"The {TEXT_LABELS[column]} is missing.")
            elif len(text) > MAX_LENGTHS[column]:
                add_error(column, f"The {TEXT_LABELS[column]} is longer than {MAX_LENGTHS[column]} characters.", text)
            elif column == "department":
                # The spelling already in use ("sales" joins "Sales"); the first one in the file for a new department.
                row.department = snapshot.departments.spelling(text)
                if row.department != text:
                    note = (text, row.department)
                    department_notes[note] = department_notes.get(note, 0) + 1
            else:
                setattr(row, column, text)

        seniority = cells.get("seniority", "")
        band = whole_number(seniority, 1, 8)
        if band is not None:
            row.seniority = band
        elif not seniority:
            add_error("seniority", "The seniority band is missing; use a whole number from 1 to 8.")
        else:
            add_error(
                "seniority", f"The seniority band must be a whole number from 1 to 8, not “{seniority}”.", seniority
            )

        tz = cells.get("timezone", "")
        if tz in timezone_names():
            row.timezone = tz
        elif not tz:
            add_error("timezone", "The time zone is missing; use a name like Europe/Berlin.")
        else:
            suggestion = _timezone_suggestion(tz)
            if suggestion and suggestion.lower() == tz.lower().replace(" ", "_"):
                row.timezone = suggestion
            else:
                hint = f"did you mean {suggestion}?" if suggestion else "use a name like Europe/Berlin."
                add_error("timezone", f"“{tz}” is not a known time zone; {hint}", tz)

        manager = cells.get("manager_email", "")
        if manager and len(manager.lower()) > MAX_LENGTHS["email"]:
            add_error(
                "manager_email",
                f"The manager's e-mail address is longer than {MAX_LENGTHS['email']} characters.",
                manager,
            )
        elif manager and not _is_email(manager):
            add_error("manager_email", f"“{manager}” is not a valid e-mail address.", manager)
        elif manager and manager.lower() == row.email:
            add_error("manager_email", "A person cannot be their own manager.", manager)
        else:
            row.manager_email = manager.lower()

        existing = snapshot.people.get(row.email)
        if table.has_offered:
            held = set(existing.offered) if existing else set()
            row.offered = _parse_skill_cell(
                cells.get("offered_skills", ""), wanted=False, checker=checker, held=held, add_error=add_error
            )
        if table.has_wanted:
            held = set(existing.wanted) if existing else set()
            row.wanted = _parse_skill_cell(
                cells.get("wanted_skills", ""), wanted=True, checker=checker, held=held, add_error=add_error
            )
        # The lists the person ends up with: the file's where it has the column, otherwise their own.
        offered = row.offered if row.offered is not None else (existing.offered if existing else {})
        wanted = row.wanted if row.wanted is not None else (existing.wanted if existing else {})
        for skill_id in sorted(offered.keys() & wanted.keys()):
            name = snapshot.skill_names[skill_id]
            column = "wanted_skills" if row.wanted is not None else "offered_skills"
            add_error(
                column,
                f"{name} is both offered and wanted; a skill is either one the person teaches or one they learn.",
                cells.get(column, ""),
            )
        errors.extend(row_errors)
        planned.append(row)

    _check_managers(planned, snapshot, first_row_of, errors)
    for row in planned:
        _decide_action(row, snapshot, table, errors)
    errors.sort(key=lambda e: (e.row, e.column))
    error_rows = {e.row for e in errors}
    for row in planned:
        row.has_error = row.row in error_rows
    return ImportPlan(
        rows=planned,
        errors=errors,
        snapshot=snapshot,
        has_offered=table.has_offered,
        has_wanted=table.has_wanted,
        ignored_columns=table.ignored_columns,
        row_count=table.row_count,
        department_notes=[(typed, stored, n) for (typed, stored), n in department_notes.items()],
    )


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _check_managers(
    rows: list[PlannedRow], snapshot: Snapshot, in_file: dict[str, int], errors: list[RowError]
) -> None:
    manager_of = dict(snapshot.manager_of)
    for row in rows:
        if row.email in in_file and in_file[row.email] == row.row:
            manager_of[row.email] = row.manager_email
    for row in rows:
        manager = row.manager_email
        if not manager or manager in in_file:
            continue
        person = snapshot.people.get(manager)
        if person is None:
            errors.append(
                RowError(
                    row.row,
                    "manager_email",
                    f"The manager {manager} is neither in this file nor in Twoway; add them as a row.",
                    manager,
                )
            )
            row.manager_email = ""
        elif not person.is_active:
            errors.append(RowError(row.row, "manager_email", f"The manager {manager} is deactivated.", manager))
            row.manager_email = ""
    # Loops in the manager chain (A manages B manages A), across the file and the people already here.
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    reported: set[str] = set()
    for row in rows:
        if row.email not in in_file or in_file[row.email] != row.row or row.email in state:
            continue
        path: list[str] = []
        node = row.email
        while node and node not in state:
            state[node] = 1
            path.append(node)
            node = manager_of.get(node, "")
        if node and state.get(node) == 1:
            loop = path[path.index(node) :]
            chain = " → ".join([*loop, node])
            for member in loop:
                if member in in_file and member not in reported:
                    reported.add(member)
                    errors.append(
                        RowError(in_file[member], "manager_email", f"The managers form a loop: {chain}.", chain)
                    )
        for member in path:
            state[member] = 2


def _describe_offered(skills: dict[int, int], names: dict[int, str]) -> str:
    return ", ".join(f"{names[k]} {v}" for k, v in sorted(skills.items(), key=lambda kv: names[kv[0]])) or "none"


def _describe_wanted(skills: dict[int, tuple[int, int]], names: dict[int, str]) -> str:
    return (
        ", ".join(f"{names[k]} {c}→{t}" for k, (c, t) in sorted(skills.items(), key=lambda kv: names[kv[0]])) or "none"
    )


def _decide_action(row: PlannedRow, snapshot: Snapshot, table: Table, errors: list[RowError]) -> None:
    person = snapshot.people.get(row.email)
    if person is None:
        row.action = CREATE
        if not row.email or not _is_email(row.email):
            return
        owner = snapshot.address_owner.get(row.email)
        if owner and owner != row.email:
            errors.append(
                RowError(
                    row.row, "email", f"{row.email} is already an e-mail address of the account {owner}.", row.email
                )
            )
        elif not email_domain_allowed(row.email):
            errors.append(
                RowError(
                    row.row,
                    "email",
                    f"{row.email} is not a company address; only addresses that may sign up can be imported.",
                    row.email,
                )
            )
        return
    row.user_id = person.id
    names = snapshot.skill_names
    changes = []
    for label, old, new in (
        ("full name", person.full_name, row.full_name),
        ("time zone", person.timezone, row.timezone),
        ("department", person.department, row.department),
        ("job title", person.job_title, row.job_title),
        ("seniority", person.seniority, row.seniority),
        ("manager", person.manager_email, row.manager_email),
    ):
        if old != new:
            changes.append(f"{label}: {old or '—'} → {new or '—'}")
    if row.offered is not None and row.offered != person.offered:
        changes.append(
            f"offered skills: {_describe_offered(person.offered, names)} → {_describe_offered(row.offered, names)}"
        )
    if row.wanted is not None and row.wanted != person.wanted:
        changes.append(
            f"wanted skills: {_describe_wanted(person.wanted, names)} → {_describe_wanted(row.wanted, names)}"
        )
    row.changes = changes
    row.action = UPDATE if changes or not person.has_profile else UNCHANGED
    if not person.has_profile:
        row.changes.insert(0, "creates their skill profile")
