"""How much a pair is worth: the inputs (Candidate, Rules), the score of one pair and the same score for many pairs.

Pure Python and NumPy/SciPy; imports nothing from Django. All points are whole numbers, so the score of a pair,
its explanation and the vectorised scores of a whole cohort agree exactly (the tests check this).

The score of an allowed pair, in points:
- what each teaches the other: for every skill the learner wants that the teacher offers at a *higher* level,
  SKILL_POINTS + GAP_POINTS per level of difference (nothing when the learner already knows as much);
- balance: half of the lighter direction, so a pair where both learn beats one where one learns everything;
- reverse mentoring: the cohort's weight times what the junior (lower seniority band) teaches the senior;
- cross-department bonus, or a penalty for same-department pairs when the cohort discourages them;
- small adjustments: shared goal keywords, a time-zone gap beyond a few hours, clashing meeting modes.
Hard rules make a pair not allowed (score None): nobody teaches anything, reciprocity (when required), a forbidden
same-department pair, manager and direct report, a time-zone gap above the cohort's limit, an excluded pair.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import scipy.sparse as sp

# The department rule is the one accounts stores departments by (a plain-Python module, no Django).
from accounts.department_names import department_key

# Points (the unit of every score, bonus and penalty).
SKILL_POINTS = 20  # a wanted skill that the partner can teach
GAP_POINTS = 10  # per level the teacher is above the learner's current level
CROSS_DEPARTMENT_POINTS = 10  # partners from different departments
SAME_DEPARTMENT_PENALTY = 30  # same department, when the cohort discourages it
TIMEZONE_FREE_HOURS = 3  # no penalty up to this gap
TIMEZONE_POINTS_PER_HOUR = 2  # penalty per full hour of gap beyond TIMEZONE_FREE_HOURS
GOAL_POINTS = 5  # per shared goal keyword ...
GOAL_MAX_SHARED = 3  # ... counted up to this many
MEETING_CLASH_PENALTY = 10  # one wants to meet remotely only, the other in person only

SAME_DEPARTMENT_CHOICES = ("allowed", "discouraged", "forbidden")
MEETING_MODES = ("either", "remote", "in_person")
LEVELS = range(1, 6)
SENIORITY_BANDS = range(1, 9)

# Time zones are compared at these instants (mid-winter and mid-summer) and the larger gap counts, so a pair
# stays within the limit all year, whatever daylight-saving time does. The Django side may pass the cohort's
# start and end instead (Rules.timezone_reference).
DEFAULT_TIMEZONE_REFERENCE = (datetime(2026, 1, 15, 12, tzinfo=UTC), datetime(2026, 7, 15, 12, tzinfo=UTC))

# Why a pair is not allowed: bits of the `blocked` code returned by CohortArrays.evaluate.
BLOCK_ONE_WAY = 1  # reciprocity required but only one of them teaches
BLOCK_SAME_DEPARTMENT = 2
BLOCK_MANAGER = 4
BLOCK_TIMEZONE = 8
BLOCK_EXCLUDED = 16
BLOCK_NOTHING = 32  # neither teaches the other anything (never produced by evaluate: such pairs are not listed)
HARD_RULE_BITS = BLOCK_SAME_DEPARTMENT | BLOCK_MANAGER | BLOCK_TIMEZONE | BLOCK_EXCLUDED


class InputError(ValueError):
    """Bad input: names the person (or pair) and the field, as a person reads it."""

    def __init__(self, message: str, *, person: str | None = None, field: str | None = None):
        self.person, self.field, self.message = person, field, message
        where = []
        if person is not None:
            where.append(f"person {person!r}")
        if field is not None:
            where.append(f"field {field!r}")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


@dataclass(frozen=True)
class Candidate:
    """One person to pair. `offers` maps skill name -> level 1-5; `wants` maps skill name -> current level 1-5."""

    id: str
    department: str = ""
    seniority: int = 1
    timezone: str = "UTC"
    manager: str | None = None
    offers: Mapping[str, int] = field(default_factory=dict)
    wants: Mapping[str, int] = field(default_factory=dict)
    goals: tuple[str, ...] = ()  # goal keywords, e.g. ("leadership", "public speaking")
    meeting_mode: str = "either"  # "either", "remote" or "in_person"


@dataclass(frozen=True)
class Rules:
    """A cohort's matching rules. Defaults are those of a new cohort."""

    reciprocity_required: bool = True
    same_department: str = "discouraged"  # "allowed", "discouraged" or "forbidden"
    reverse_mentoring_weight: float | Decimal = 0.5  # 0..1
    max_timezone_gap_hours: float | None = None  # None: no limit
    avoid_manager_pairs: bool = True
    cross_department_bonus: bool = True  # False disables CROSS_DEPARTMENT_POINTS
    timezone_reference: tuple[datetime, ...] = DEFAULT_TIMEZONE_REFERENCE

    @property
    def reverse_percent(self) -> int:
        return round(float(self.reverse_mentoring_weight) * 100)


@dataclass(frozen=True)
class Lesson:
    """One skill one partner teaches the other."""

    skill: str
    teacher_level: int
    learner_level: int
    points: int


@dataclass(frozen=True)
class ScorePart:
    label: str
    points: int


@dataclass(frozen=True)
class Breakdown:
    """Everything that makes up a pair's score. `parts` add up to `total`; `blocked` lists the hard rules broken."""

    a: str
    b: str
    a_teaches_b: tuple[Lesson, ...]
    b_teaches_a: tuple[Lesson, ...]
    parts: tuple[ScorePart, ...]
    total: int
    blocked: tuple[str, ...]
    no_credit: tuple[str, ...]
    timezone_gap_minutes: int

    @property
    def allowed(self) -> bool:
        return not self.blocked


# --- small helpers shared by the scalar and the vectorised score ---------------------------------------------


def skill_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def goal_keys(goals: Iterable[str]) -> frozenset[str]:
    return frozenset(k for k in (skill_key(g) for g in goals) if k)


def lesson_points(teacher_level: int, learner_level: int) -> int:
    return SKILL_POINTS + GAP_POINTS * (teacher_level - learner_level) if teacher_level > learner_level else 0


@functools.lru_cache(maxsize=4096)
def utc_offset_minutes(tz: str, at: datetime) -> int:
    offset = ZoneInfo(tz).utcoffset(at)
    return int(offset.total_seconds() // 60)


def check_timezone(tz: object) -> bool:
    if not isinstance(tz, str) or not tz or tz != tz.strip():
        return False
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def clock_gap(a_minutes: int, b_minutes: int) -> int:
    """Minutes between two UTC offsets as clocks show them: at most 12 hours (UTC+13 and UTC-10 are 1 h apart)."""
    d = abs(a_minutes - b_minutes) % 1440
    return min(d, 1440 - d)


def timezone_gap_minutes(a: str, b: str, reference: Iterable[datetime]) -> int:
    return max(clock_gap(utc_offset_minutes(a, at), utc_offset_minutes(b, at)) for at in reference)


def timezone_penalty(gap_minutes: int) -> int:
    return TIMEZONE_POINTS_PER_HOUR * (max(0, gap_minutes - 60 * TIMEZONE_FREE_HOURS) // 60)


def timezone_limit_minutes(rules: Rules) -> int | None:
    if rules.max_timezone_gap_hours is None:
        return None
    return math.floor(float(rules.max_timezone_gap_hours) * 60 + 1e-9)


def hours(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    return f"{h} h" if not m else f"{h} h {m:02d} min"


def pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


# --- one pair ----------------------------------------------------------------------------------------------


def _lessons(teacher: Candidate, learner: Candidate) -> tuple[list[Lesson], list[str]]:
    offered = {skill_key(s): (s, level) for s, level in teacher.offers.items()}
    lessons, no_credit = [], []
    for skill, current in sorted(learner.wants.items(), key=lambda kv: skill_key(kv[0])):
        hit = offered.get(skill_key(skill))
        if hit is None:
            continue
        name, level = hit
        if level > current:
            lessons.append(Lesson(name, level, current, lesson_points(level, current)))
        else:
            no_credit.append(
                f"{teacher.id} offers {name} at level {level} but {learner.id} is already at {current}: no credit"
            )
    return lessons, no_credit


def breakdown(a: Candidate, b: Candidate, rules: Rules, *, excluded: Collection[tuple[str, str]] = ()) -> Breakdown:
    """The full reasoning behind score(a, b): lessons both ways, every bonus and penalty, broken hard rules."""
    ab, no_ab = _lessons(a, b)
    ba, no_ba = _lessons(b, a)
    d_ab, d_ba = sum(x.points for x in ab), sum(x.points for x in ba)
    parts: list[ScorePart] = []
    for teacher, learner, lessons in ((a, b, ab), (b, a, ba)):
        for x in lessons:
            parts.append(
                ScorePart(
                    f"{teacher.id} teaches {learner.id} {x.skill} (level {x.teacher_level} to "
                    f"{learner.id}'s {x.learner_level})",
                    x.points,
                )
            )
    balance = min(d_ab, d_ba) // 2
    if balance:
        parts.append(ScorePart(f"balance, half of the lighter direction ({min(d_ab, d_ba)})", balance))
    percent = rules.reverse_percent
    if percent and a.seniority != b.seniority:
        junior, senior, value = (a, b, d_ab) if a.seniority < b.seniority else (b, a, d_ba)
        reverse = value * percent // 100
        if reverse:
            parts.append(
                ScorePart(
                    f"reverse mentoring: {junior.id} (band {junior.seniority}) teaches {senior.id} "
                    f"(band {senior.seniority}), {percent}% of {value}",
                    reverse,
                )
            )
    dept_a, dept_b = department_key(a.department), department_key(b.department)
    same_department = bool(dept_a) and dept_a == dept_b
    if dept_a and dept_b and not same_department and rules.cross_department_bonus:
        parts.append(ScorePart(f"different departments ({a.department}, {b.department})", CROSS_DEPARTMENT_POINTS))
    if same_department and rules.same_department == "discouraged":
        parts.append(
            ScorePart(f"same department ({a.department}), discouraged in this cohort", -SAME_DEPARTMENT_PENALTY)
        )
    shared_goals = sorted(goal_keys(a.goals) & goal_keys(b.goals))
    if shared_goals:
        counted = shared_goals[:GOAL_MAX_SHARED]
        parts.append(ScorePart(f"shared goals ({', '.join(counted)})", GOAL_POINTS * len(counted)))
    gap = timezone_gap_minutes(a.timezone, b.timezone, rules.timezone_reference)
    if timezone_penalty(gap):
        parts.append(
            ScorePart(
                f"time zones {hours(gap)} apart ({TIMEZONE_POINTS_PER_HOUR} per full hour beyond "
                f"{TIMEZONE_FREE_HOURS} h)",
                -timezone_penalty(gap),
            )
        )
    if {a.meeting_mode, b.meeting_mode} == {"remote", "in_person"}:
        parts.append(ScorePart("meeting preferences clash (remote only and in person only)", -MEETING_CLASH_PENALTY))

    blocked = []
    if not ab and not ba:
        blocked.append(f"neither {a.id} nor {b.id} can teach the other anything they want to learn")
    elif rules.reciprocity_required and not (ab and ba):
        teacher, learner = (a, b) if ab else (b, a)
        blocked.append(
            f"not reciprocal: {learner.id} cannot teach {teacher.id} anything {teacher.id} wants to learn "
            "(this cohort requires both to teach)"
        )
    if same_department and rules.same_department == "forbidden":
        blocked.append(f"both in {a.department}, and same-department pairs are forbidden in this cohort")
    if rules.avoid_manager_pairs:
        if a.manager == b.id:
            blocked.append(f"{b.id} is {a.id}'s manager")
        if b.manager == a.id:
            blocked.append(f"{a.id} is {b.id}'s manager")
    limit = timezone_limit_minutes(rules)
    if limit is not None and gap > limit:
        blocked.append(f"time zones {hours(gap)} apart, more than this cohort's limit of {hours(limit)}")
    if pair_key(a.id, b.id) in _excluded_set(excluded):
        blocked.append(f"{a.id} and {b.id} are excluded from being paired")
    return Breakdown(
        a=a.id,
        b=b.id,
        a_teaches_b=tuple(ab),
        b_teaches_a=tuple(ba),
        parts=tuple(parts),
        total=sum(p.points for p in parts),
        blocked=tuple(blocked),
        no_credit=tuple(no_ab + no_ba),
        timezone_gap_minutes=gap,
    )


def _excluded_set(excluded: Collection[tuple[str, str]]) -> set[tuple[str, str]] | frozenset:
    if isinstance(excluded, frozenset | set) and all(k == pair_key(*k) for k in excluded):
        return excluded
    return {pair_key(x, y) for x, y in excluded}


def score(a: Candidate, b: Candidate, rules: Rules, *, excluded: Collection[tuple[str, str]] = ()) -> int | None:
    """Points for pairing a and b (symmetric), or None when a hard rule forbids the pair."""
    result = breakdown(a, b, rules, excluded=excluded)
    return None if result.blocked else result.total


def format_points(points: int) -> str:
    return f"{'+' if points >= 0 else '-'}{abs(points)} points"


def describe(result: Breakdown) -> str:
    """The breakdown in words; every number with 'points' is a part of the score, and they add up to the total."""

    def taught(teacher: str, learner: str, lessons: tuple[Lesson, ...]) -> str:
        if not lessons:
            return f"{teacher} teaches {learner} nothing they asked for."
        skills = ", ".join(f"{x.skill} (level {x.teacher_level} to {x.learner_level})" for x in lessons)
        return f"{teacher} teaches {learner} {skills}."

    text = [taught(result.a, result.b, result.a_teaches_b), taught(result.b, result.a, result.b_teaches_a)]
    listed = "; ".join(f"{p.label} {format_points(p.points)}" for p in result.parts)
    text.append(f"Score: {listed or 'nothing counts'}.")
    text.append(f"Total {result.total} points.")
    if result.no_credit:
        text.append("Not counted: " + "; ".join(result.no_credit) + ".")
    if result.blocked:
        text.append("Not allowed: " + "; ".join(result.blocked) + ".")
    return " ".join(text)


def explain(a: Candidate, b: Candidate, rules: Rules, *, excluded: Collection[tuple[str, str]] = ()) -> str:
    """What a and b teach each other (with levels), and every bonus and penalty, in points."""
    return describe(breakdown(a, b, rules, excluded=excluded))


# --- many pairs at once --------------------------------------------------------------------------------------


class CohortArrays:
    """A cohort as arrays, to score many pairs at once with sparse matrix products.

    People are indexed 0..n-1 in the order given (solve() sorts them by id). For a row block of people the
    teaching value in both directions comes from one sparse product: the teacher matrix T has, for every offered
    skill s at level L and every current level c < L, the column (s, c) holding lesson_points(L, c); the learner
    matrix W has a 1 in column (s, c) for every wanted skill s at current level c. So (T W^T)[i, j] is exactly what
    i teaches j, and stacking [K*T, W] against [W; T] gives K*out + in for every pair in one product.
    """

    def __init__(self, people: list[Candidate], rules: Rules, excluded: Iterable[tuple[int, int]] = ()):
        self.people, self.rules = people, rules
        n = self.n = len(people)
        self.index = {p.id: i for i, p in enumerate(people)}
        skills: dict[str, int] = {}
        t_rows, t_cols, t_vals, w_rows, w_cols = [], [], [], [], []
        max_in = 0
        for i, p in enumerate(people):
            for name, level in p.offers.items():
                s = skills.setdefault(skill_key(name), len(skills))
                for current in range(1, level):
                    t_rows.append(i)
                    t_cols.append(s * 5 + current - 1)
                    t_vals.append(lesson_points(level, current))
            for name, current in p.wants.items():
                s = skills.setdefault(skill_key(name), len(skills))
                w_rows.append(i)
                w_cols.append(s * 5 + current - 1)
            max_in = max(max_in, lesson_points(5, 1) * len(p.wants))
        self.skill_index = skills
        width = 5 * max(1, len(skills))
        teach = sp.csr_matrix((np.array(t_vals, dtype=np.int64), (t_rows, t_cols)), shape=(n, width))
        learn = sp.csr_matrix((np.ones(len(w_rows), dtype=np.int64), (w_rows, w_cols)), shape=(n, width))
        # 2**shift separates the two directions inside one integer: value = (i teaches j) << shift | (j teaches i).
        self.shift = int(max_in).bit_length()
        self.left = sp.hstack([teach * (1 << self.shift), learn], format="csr")
        # Kept by columns so a row block can take only the columns it needs (j >= first row) cheaply.
        self.right = sp.vstack([learn.T, teach.T], format="csc")
        self.seniority = np.array([p.seniority for p in people], dtype=np.int64)
        departments: dict[str, int] = {}
        self.department = np.array(
            [
                departments.setdefault(department_key(p.department), len(departments)) if p.department.strip() else -1
                for p in people
            ],
            dtype=np.int64,
        )
        self.manager = np.array([self.index.get(p.manager, -1) if p.manager else -1 for p in people], dtype=np.int64)
        ref = rules.timezone_reference
        self.offsets = np.array([[utc_offset_minutes(p.timezone, at) for at in ref] for p in people], dtype=np.int64)
        self.offsets = self.offsets.reshape(n, len(ref))
        goal_vocab: dict[str, int] = {}
        g_rows, g_cols = [], []
        for i, p in enumerate(people):
            for g in goal_keys(p.goals):
                g_rows.append(i)
                g_cols.append(goal_vocab.setdefault(g, len(goal_vocab)))
        self.goals = (
            sp.csr_matrix((np.ones(len(g_rows), dtype=np.int64), (g_rows, g_cols)), shape=(n, len(goal_vocab)))
            if goal_vocab
            else None
        )
        self.goals_t = self.goals.T.tocsr() if self.goals is not None else None
        self.mode = np.array([MEETING_MODES.index(p.meeting_mode) for p in people], dtype=np.int64)
        ex = sorted({min(i, j) * n + max(i, j) for i, j in excluded if i != j})
        self.excluded = np.array(ex, dtype=np.int64)
        self.limit = timezone_limit_minutes(rules)

    def block(
        self, rows: np.ndarray, *, upper: bool, both_ways: bool = False
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """All (i, j) with i in rows where at least one teaches the other (both_ways: each teaches the other);
        with upper=True only j > i. Returns (i, j, out, in), sorted by (i, j): out = what i teaches j and
        in = what j teaches i, in points.
        """
        rows = np.asarray(rows, dtype=np.int64)
        first = int(rows.min()) + 1 if upper and len(rows) else 0
        product = (self.left[rows] @ self.right[:, first:].tocsr()).tocsr()
        counts = np.diff(product.indptr)
        i = np.repeat(rows, counts)
        j = product.indices.astype(np.int64) + first
        value = product.data
        out, inn = value >> self.shift, value & ((1 << self.shift) - 1)
        keep = (j > i) if upper else (j != i)
        if both_ways:
            keep &= (out > 0) & (inn > 0)
        i, j, out, inn = i[keep], j[keep], out[keep], inn[keep]
        order = np.argsort(i * self.n + j, kind="stable")
        return i[order], j[order], out[order], inn[order]

    def evaluate(self, i: np.ndarray, j: np.ndarray, out: np.ndarray, inn: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Scores (int64) and blocked bits (0 = allowed) for pairs, the same numbers score() gives one by one."""
        rules = self.rules
        total = out + inn + np.minimum(out, inn) // 2
        percent = rules.reverse_percent
        if percent:
            si, sj = self.seniority[i], self.seniority[j]
            junior_value = np.where(si < sj, out, np.where(sj < si, inn, 0))
            total += junior_value * percent // 100
        di, dj = self.department[i], self.department[j]
        known = (di >= 0) & (dj >= 0)
        same = known & (di == dj)
        if rules.cross_department_bonus:
            total += np.where(known & ~same, CROSS_DEPARTMENT_POINTS, 0)
        if rules.same_department == "discouraged":
            total -= np.where(same, SAME_DEPARTMENT_PENALTY, 0)
        if self.goals is not None and len(i):
            total += GOAL_POINTS * np.minimum(self._shared_goals(i, j), GOAL_MAX_SHARED)
        gap = np.zeros(len(i), dtype=np.int64)
        for col in range(self.offsets.shape[1]):
            d = np.abs(self.offsets[i, col] - self.offsets[j, col]) % 1440
            gap = np.maximum(gap, np.minimum(d, 1440 - d))
        total -= TIMEZONE_POINTS_PER_HOUR * (np.maximum(0, gap - 60 * TIMEZONE_FREE_HOURS) // 60)
        mi, mj = self.mode[i], self.mode[j]
        total -= np.where((mi != mj) & (mi > 0) & (mj > 0), MEETING_CLASH_PENALTY, 0)

        blocked = np.zeros(len(i), dtype=np.int64)
        if rules.reciprocity_required:
            blocked |= np.where((out == 0) | (inn == 0), BLOCK_ONE_WAY, 0)
        if rules.same_department == "forbidden":
            blocked |= np.where(same, BLOCK_SAME_DEPARTMENT, 0)
        if rules.avoid_manager_pairs:
            blocked |= np.where((self.manager[i] == j) | (self.manager[j] == i), BLOCK_MANAGER, 0)
        if self.limit is not None:
            blocked |= np.where(gap > self.limit, BLOCK_TIMEZONE, 0)
        if len(self.excluded):
            keys = np.minimum(i, j) * self.n + np.maximum(i, j)
            blocked |= np.where(np.isin(keys, self.excluded), BLOCK_EXCLUDED, 0)
        return total, blocked

    def hard_blocks(self, i: int) -> np.ndarray:
        """Hard-rule bits (department, manager, time zone, exclusion) between person i and everyone, teaching aside.

        The same rules as evaluate(), for one person against the whole cohort without scoring anything.
        """
        rules, n = self.rules, self.n
        blocked = np.zeros(n, dtype=np.int64)
        if rules.same_department == "forbidden" and self.department[i] >= 0:
            blocked |= np.where(self.department == self.department[i], BLOCK_SAME_DEPARTMENT, 0)
        if rules.avoid_manager_pairs:
            everyone = np.arange(n, dtype=np.int64)
            blocked |= np.where((self.manager == i) | (everyone == self.manager[i]), BLOCK_MANAGER, 0)
        if self.limit is not None:
            gap = np.zeros(n, dtype=np.int64)
            for col in range(self.offsets.shape[1]):
                d = np.abs(self.offsets[:, col] - self.offsets[i, col]) % 1440
                gap = np.maximum(gap, np.minimum(d, 1440 - d))
            blocked |= np.where(gap > self.limit, BLOCK_TIMEZONE, 0)
        if len(self.excluded):
            lo = self.excluded // n
            hi = self.excluded % n
            partners = np.concatenate([hi[lo == i], lo[hi == i]])
            blocked[partners] |= BLOCK_EXCLUDED
        blocked[i] |= BLOCK_NOTHING
        return blocked

    def _shared_goals(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        rows, local = np.unique(i, return_inverse=True)
        product = (self.goals[rows] @ self.goals_t).tocsr()
        product.sum_duplicates()
        product.sort_indices()
        keys = np.repeat(np.arange(len(rows), dtype=np.int64), np.diff(product.indptr)) * self.n + product.indices
        if not len(keys):
            return np.zeros(len(i), dtype=np.int64)
        wanted = local.astype(np.int64) * self.n + j
        pos = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
        return np.where(keys[pos] == wanted, product.data[pos], 0).astype(np.int64)

    def chunks(self, *, target_cells: int = 25_000_000) -> Iterable[np.ndarray]:
        size = int(min(max(64, target_cells // max(self.n, 1)), max(self.n, 1)))
        for start in range(0, self.n, size):
            yield np.arange(start, min(start + size, self.n), dtype=np.int64)

    def allowed_edges(
        self, keep: np.ndarray | None = None, progress: Callable[[float], None] | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every allowed pair (i < j) with its score; keep (bool per person) restricts both ends.

        progress, if given, is called with the share of rows done (0..1) after each block.
        """
        us, vs, ws = [], [], []
        for rows in self.chunks():
            if progress is not None:
                # Rows near the end have fewer partners above them: count the pairs, not the rows, done.
                progress(1 - ((self.n - int(rows[0])) / max(self.n, 1)) ** 2)
            if keep is not None:
                rows = rows[keep[rows]]
                if not len(rows):
                    continue
            i, j, out, inn = self.block(rows, upper=True, both_ways=self.rules.reciprocity_required)
            if keep is not None:
                m = keep[j]
                i, j, out, inn = i[m], j[m], out[m], inn[m]
            total, blocked = self.evaluate(i, j, out, inn)
            ok = blocked == 0
            us.append(i[ok].astype(np.int32))
            vs.append(j[ok].astype(np.int32))
            ws.append(total[ok])
        if not us:
            return np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.int64)
        return np.concatenate(us), np.concatenate(vs), np.concatenate(ws)
