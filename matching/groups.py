"""Learning groups of three or more (circles and triads): the cohort's teach graph, a group's value, its words.

Pure Python and NumPy; imports nothing from Django.

- **Teaching.** A teaches B when A offers a skill B wants at a higher level than B's current level. The points are
  exactly the per-direction credit of a pair's score (scoring.lesson_points summed over those skills), the
  numbers CohortArrays.block calls `out` and `in`.
- **Who may share a group.** Two people may be in the same group only if their pair breaks no hard rule: manager
  and direct report (when the cohort avoids them), a time-zone gap above the cohort's limit, the same department
  when the cohort forbids it, a pair an admin excluded. Reciprocity is not required between two members: in a
  group, teaching flows around it.
- **A valid group**: every member teaches at least one other member and learns from at least one, and the group
  hangs together: its teach graph is connected (ignoring directions), so two pairs who only teach each other are
  two pairs, not a circle of four.
- **A group's value** is what its members learn: for each member, the points of the member who can teach them
  most (their best lesson in the group), summed over the members. Each member counts once as a learner, so the
  value grows with the number of members, not with its square; a sum over every ordered pair would always fill
  groups to the largest size allowed, whatever the cohort's target, although in a session each member's time is
  shared between the others' slots. The other lessons are listed in the explanation but not counted.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Sequence

import numpy as np

from matching.results import (
    FLAG_LABELS,
    ONE_SIDED_RATIO,
    SENIORITY_FLAG_BANDS,
    TIMEZONE_FLAG_MINUTES,
    Group,
    Teaching,
)
from matching.scoring import (
    HARD_RULE_BITS,
    Candidate,
    CohortArrays,
    Lesson,
    Rules,
    ScorePart,
    breakdown,
    department_key,
    pair_key,
    skill_key,
)

__all__ = ["FLAG_LABELS", "TeachGraph", "can_teach", "describe_group", "group_problems", "make_group"]


class TeachGraph:
    """Who can teach whom in a cohort (only between people who may share a group), as one dict per person.

    People are indexed in the order given (callers sort them by id). out[a][b] = points a teaches b; inn[b][a] the
    same arc seen from the learner. Both hold only pairs that break no hard rule, so an arc implies the two may
    share a group; compatible() answers for the pairs without one.
    """

    def __init__(self, people: list[Candidate], rules: Rules, excluded: Collection[tuple[str, str]] = ()):
        self.people, self.rules = people, rules
        n = self.n = len(people)
        self.index = {p.id: i for i, p in enumerate(people)}
        self.excluded = {pair_key(a, b) for a, b in excluded}
        excluded_idx = sorted({pair_key(self.index[a], self.index[b]) for a, b in self.excluded})
        self.arrays = arrays = CohortArrays(people, rules, excluded_idx)
        teachers, learners, points = [], [], []
        for rows in arrays.chunks():
            i, j, out, inn = arrays.block(rows, upper=True)
            _, blocked = arrays.evaluate(i, j, out, inn)
            ok = (blocked & HARD_RULE_BITS) == 0
            forward, backward = ok & (out > 0), ok & (inn > 0)
            teachers += [i[forward], j[backward]]
            learners += [j[forward], i[backward]]
            points += [out[forward], inn[backward]]
        t = np.concatenate(teachers) if teachers else np.zeros(0, np.int64)
        lr = np.concatenate(learners) if learners else np.zeros(0, np.int64)
        w = np.concatenate(points) if points else np.zeros(0, np.int64)
        self.arcs = (t, lr, w)
        self.out = self._dicts(n, t, lr, w)
        self.inn = self._dicts(n, lr, t, w)
        # The hard rules for pairs without an arc, the same tests as CohortArrays.evaluate.
        self._department = arrays.department.tolist() if rules.same_department == "forbidden" else None
        self._manager = arrays.manager.tolist() if rules.avoid_manager_pairs else None
        self._excluded = set(excluded_idx)
        self._zone, self._zone_ok = None, None
        if arrays.limit is not None:
            rows = [tuple(r) for r in arrays.offsets.tolist()]
            zones = sorted(set(rows))
            code = {z: k for k, z in enumerate(zones)}
            self._zone = [code[r] for r in rows]
            self._zone_ok = [
                [
                    max(min(abs(x - y) % 1440, 1440 - abs(x - y) % 1440) for x, y in zip(za, zb, strict=True))
                    <= arrays.limit
                    for zb in zones
                ]
                for za in zones
            ]

    @staticmethod
    def _dicts(n: int, keys: np.ndarray, others: np.ndarray, w: np.ndarray) -> list[dict[int, int]]:
        order = np.lexsort((others, keys))
        keys, others, w = keys[order], others[order], w[order]
        bounds = np.searchsorted(keys, np.arange(n + 1))
        others_l, w_l = others.tolist(), w.tolist()
        return [
            dict(zip(others_l[lo:hi], w_l[lo:hi], strict=True))
            for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)
        ]

    def teach(self, a: int, b: int) -> int:
        return self.out[a].get(b, 0)

    def compatible(self, a: int, b: int) -> bool:
        """True when a and b may share a group (no hard rule between them). Called very often by the search."""
        zone = self._zone
        if zone is not None and not self._zone_ok[zone[a]][zone[b]]:
            return False
        department = self._department
        if department is not None and department[a] == department[b] and department[a] >= 0:
            return False
        manager = self._manager
        if manager is not None and (manager[a] == b or manager[b] == a):
            return False
        return not self._excluded or ((a, b) if a < b else (b, a)) not in self._excluded

    def value(self, members: Sequence[int]) -> int | None:
        """The group's value, or None when a member teaches nobody or learns from nobody in it.

        Pairwise compatibility is not checked here (callers check the newcomer against the others).
        """
        out = self.out
        total = 0
        for b in members:
            best = 0
            for a in members:
                w = out[a].get(b, 0)
                if w > best:
                    best = w
            if not best:
                return None
            total += best
        for a in members:
            oa = out[a]
            if not any(b in oa for b in members):
                return None
        return total if self.connected(members) else None

    def connected(self, members: Sequence[int]) -> bool:
        """True when the members' teach graph hangs together (ignoring directions): two pairs who only teach each
        other are two pairs, not a circle."""
        out, inn = self.out, self.inn
        rest = set(members)
        stack = [rest.pop()]
        while stack:
            a = stack.pop()
            reached = [b for b in rest if b in out[a] or b in inn[a]]
            rest.difference_update(reached)
            stack += reached
        return not rest

    def partial_value(self, members: Sequence[int]) -> tuple[int, int]:
        """(members who teach nobody or learn from nobody, counted twice if both; value so far) while building."""
        out = self.out
        missing, total = 0, 0
        for b in members:
            best = max((out[a].get(b, 0) for a in members), default=0)
            total += best
            missing += (not best) + (not any(x in out[b] for x in members))
        return missing, total


# --- one group in words --------------------------------------------------------------------------------------


def _lessons_text(lessons: Sequence[Lesson]) -> str:
    return ", ".join(f"{x.skill} (level {x.teacher_level} to {x.learner_level})" for x in lessons)


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def group_problems(
    members: Sequence[Candidate], rules: Rules, *, excluded: Collection[tuple[str, str]] = ()
) -> list[str]:
    """Why these people cannot form a group, as sentences (empty when they can): hard rules broken between two
    members, and members who teach nobody or learn from nobody in it."""
    problems = []
    teaches = {m.id: False for m in members}
    learns = dict(teaches)
    excluded_set = {pair_key(a, b) for a, b in excluded}
    for k, a in enumerate(members):
        for b in members[k + 1 :]:
            result = breakdown(a, b, rules, excluded=excluded_set)
            problems += [m for m in result.blocked if not m.startswith(("not reciprocal", "neither "))]
            if result.a_teaches_b:
                teaches[a.id] = learns[b.id] = True
            if result.b_teaches_a:
                teaches[b.id] = learns[a.id] = True
    problems += [f"{m.id} teaches nobody in the group anything they want" for m in members if not teaches[m.id]]
    problems += [f"{m.id} learns nothing they want from anybody in the group" for m in members if not learns[m.id]]
    if not problems and len(members) > 1:
        linked = {members[0].id}
        grown = True
        while grown:
            grown = False
            for a, b in itertools.permutations(members, 2):
                if a.id in linked and b.id not in linked and (can_teach(a, b) or can_teach(b, a)):
                    linked.add(b.id)
                    grown = True
        if len(linked) < len(members):
            problems.append(
                f"the group falls in two: {', '.join(sorted(linked))} neither teach the others nor learn from them"
            )
    return problems


def can_teach(teacher: Candidate, learner: Candidate) -> bool:
    """True when teacher offers a skill learner wants above learner's current level."""
    offered = {skill_key(s): level for s, level in teacher.offers.items()}
    return any(offered.get(skill_key(s), 0) > current for s, current in learner.wants.items())


def make_group(
    members: Sequence[Candidate],
    rules: Rules,
    *,
    excluded: Collection[tuple[str, str]] = (),
    kind: str = "circle",
    locked: bool = False,
    broken_pairs: tuple[tuple[str, str], ...] = (),
) -> Group:
    """A group with its value, every lesson between members, the explanation and flags (members sorted by id).

    Raises ValueError when the members cannot form a group (see group_problems): the engine only makes valid ones.
    """
    members = sorted(members, key=lambda p: p.id)
    problems = group_problems(members, rules, excluded=excluded)
    if problems:
        raise ValueError("; ".join(problems))
    teachings: dict[tuple[str, str], tuple[Lesson, ...]] = {}
    gaps = []
    for k, a in enumerate(members):
        for b in members[k + 1 :]:
            result = breakdown(a, b, rules)
            gaps.append(result.timezone_gap_minutes)
            if result.a_teaches_b:
                teachings[(a.id, b.id)] = result.a_teaches_b
            if result.b_teaches_a:
                teachings[(b.id, a.id)] = result.b_teaches_a
    # Each learner's best teacher: most points, then the first by id (a stable tie-break).
    best: dict[str, tuple[str, int]] = {}
    for (teacher, learner), lessons in sorted(teachings.items()):
        points = sum(x.points for x in lessons)
        if learner not in best or points > best[learner][1]:
            best[learner] = (teacher, points)
    teaches = tuple(
        Teaching(
            teacher=teacher,
            learner=learner,
            lessons=lessons,
            points=sum(x.points for x in lessons),
            counted=best[learner][0] == teacher,
        )
        for (teacher, learner), lessons in sorted(teachings.items())
    )
    parts = tuple(
        ScorePart(
            f"{t.learner} learns most from {t.teacher}: {_lessons_text(t.lessons)}",
            t.points,
        )
        for t in sorted((t for t in teaches if t.counted), key=lambda t: t.learner)
    )
    value = sum(p.points for p in parts)
    return Group(
        members=tuple(m.id for m in members),
        kind=kind,
        value=value,
        teaches=teaches,
        parts=parts,
        explanation=describe_group(tuple(m.id for m in members), teaches, parts, value, kind),
        flags=_flags(members, teaches, gaps),
        locked=locked,
        broken_pairs=broken_pairs,
    )


def describe_group(
    members: tuple[str, ...], teaches: Sequence[Teaching], parts: Sequence[ScorePart], value: int, kind: str
) -> str:
    """Who teaches whom what (with levels), then the value: every member's best lesson, adding up to the total."""
    text = [f"{'Triad' if kind == 'triad' else 'Circle'} of {len(members)}: {_and(list(members))}."]
    for teacher in members:
        mine = "; ".join(f"{t.learner} {_lessons_text(t.lessons)}" for t in teaches if t.teacher == teacher)
        if mine:
            text.append(f"{teacher} teaches {mine}.")
    listed = "; ".join(f"{p.label} {p.points} points" for p in parts)
    text.append(f"Value, each member's best lesson here: {listed}. Total {value} points.")
    return " ".join(text)


def _flags(members: Sequence[Candidate], teaches: Sequence[Teaching], gaps: Sequence[int]) -> tuple[str, ...]:
    flags = []
    departments = [department_key(m.department) for m in members if department_key(m.department)]
    if len(departments) != len(set(departments)):
        flags.append("same_department")
    if gaps and max(gaps) >= TIMEZONE_FLAG_MINUTES:
        flags.append("timezone_gap")
    if max(m.seniority for m in members) - min(m.seniority for m in members) >= SENIORITY_FLAG_BANDS:
        flags.append("seniority_gap")
    for m in members:
        taught = sum(t.points for t in teaches if t.teacher == m.id)
        learned = sum(t.points for t in teaches if t.learner == m.id)
        if max(taught, learned) >= ONE_SIDED_RATIO * min(taught, learned):
            flags.append("one_sided")
            break
    return tuple(flags)
