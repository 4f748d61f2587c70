"""What the engine returns: plain, immutable dataclasses (no Django). Pairs (solve), then groups (circles, triads)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from matching.scoring import Breakdown, Lesson, ScorePart
from matching.solver import SolverReport

FLAG_LABELS = {
    "same_department": "same department",
    "timezone_gap": "large time-zone gap",
    "seniority_gap": "big seniority gap",
    "one_sided": "one-sided benefit",
}
TIMEZONE_FLAG_MINUTES = 5 * 60  # a pair this far apart or more gets the "large time-zone gap" flag
SENIORITY_FLAG_BANDS = 4  # ... this many bands apart or more, "big seniority gap"
ONE_SIDED_RATIO = 3  # ... one learns at least three times what the other learns, "one-sided benefit"


@dataclass(frozen=True)
class Pair:
    """Two partners (a < b by id) and why they fit."""

    a: str
    b: str
    score: int
    a_teaches_b: tuple[str, ...]
    b_teaches_a: tuple[str, ...]
    explanation: str
    breakdown: Breakdown
    flags: tuple[str, ...] = ()  # keys of FLAG_LABELS
    locked: bool = False

    @property
    def flag_labels(self) -> tuple[str, ...]:
        return tuple(FLAG_LABELS[f] for f in self.flags)


@dataclass(frozen=True)
class Fallback:
    """A clearly second-best arrangement for someone left unmatched: a one-way pairing or a trio."""

    kind: str  # "one_way" or "trio"
    partners: tuple[str, ...]  # one mentor for "one_way"; the two people of an existing pair for "trio"
    learns: tuple[str, ...]  # skills the unmatched person would learn
    teaches: tuple[str, ...]  # skills they would teach (empty for a one-way pairing)
    points: int  # what they would learn plus teach, in the score's points (no bonuses)
    description: str  # starts with "Fallback (one-way, not reciprocal)" or "Fallback (trio)"


@dataclass(frozen=True)
class Unmatched:
    id: str
    reason: str
    suggestions: tuple[str, ...] = ()
    fallbacks: tuple[Fallback, ...] = ()
    allowed_partners: int = 0  # how many people this person could have been paired with


@dataclass(frozen=True)
class SkillDemand:
    """Supply and demand of one skill: how many offer it, want it, and were matched with someone teaching it."""

    skill: str
    offered_by: int
    wanted_by: int
    matched_for: int

    @property
    def unmet(self) -> int:
        return self.wanted_by - self.matched_for


@dataclass(frozen=True)
class MatchResult:
    pairs: tuple[Pair, ...]  # best score first, then by ids
    unmatched: tuple[Unmatched, ...]  # by id
    total_score: int  # sum of pair scores, locked pairs included
    matched_people: int
    supply_demand: tuple[SkillDemand, ...]  # by skill name
    solver: SolverReport  # how the free (unlocked) people were matched, with the optimality certificate
    timings: Mapping[str, float] = field(default_factory=dict)  # seconds: "scoring", "solving", "report"

    def pair_of(self, person_id: str) -> Pair | None:
        for pair in self.pairs:
            if person_id in (pair.a, pair.b):
                return pair
        return None


# --- groups of three or more: circles and triads (matching/groups.py, circles.py, triads.py) -------------------


@dataclass(frozen=True)
class Teaching:
    """What one member of a group can teach another: every skill the learner wants above their level."""

    teacher: str
    learner: str
    lessons: tuple[Lesson, ...]
    points: int  # the lessons' points, as in a pair's score
    counted: bool  # the learner's best lesson in the group: the one the group's value counts

    @property
    def skills(self) -> tuple[str, ...]:
        return tuple(x.skill for x in self.lessons)


@dataclass(frozen=True)
class Group:
    """A learning group (circle or triad): everyone teaches someone in it and learns from someone in it.

    value = the sum over members of their best lesson in the group (`parts`, one per member, add up to it).
    """

    members: tuple[str, ...]  # by id
    kind: str  # "circle" or "triad"
    value: int
    teaches: tuple[Teaching, ...]  # every lesson between two members, by teacher then learner
    parts: tuple[ScorePart, ...]  # each member's best lesson, by learner; they add up to value
    explanation: str
    flags: tuple[str, ...] = ()  # keys of FLAG_LABELS, for the group as a whole
    locked: bool = False
    broken_pairs: tuple[tuple[str, str], ...] = ()  # triads: the pairs of the pairing this triad took people from

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def flag_labels(self) -> tuple[str, ...]:
        return tuple(FLAG_LABELS[f] for f in self.flags)

    def taught_by(self, member: str) -> tuple[Teaching, ...]:
        """What member can teach the others: the topics of their slot in a session."""
        return tuple(t for t in self.teaches if t.teacher == member)

    def learned_by(self, member: str) -> tuple[Teaching, ...]:
        """What the others can teach member."""
        return tuple(t for t in self.teaches if t.learner == member)

    def summary_for(self, member: str) -> str:
        """One member's view, for the message telling them who teaches them what and why."""
        others = [m for m in self.members if m != member]
        text = [f"Your {self.kind} with {', '.join(others)}."]
        for t in self.taught_by(member):
            text.append(f"You teach {t.learner} {', '.join(t.skills)}.")
        for t in self.learned_by(member):
            best = " (your best lesson here)" if t.counted else ""
            text.append(f"{t.teacher} teaches you {', '.join(t.skills)}{best}.")
        return " ".join(text)


@dataclass(frozen=True)
class Unplaced:
    """Someone no group could take, and why."""

    id: str
    reason: str
    teachers: int = 0  # people who could teach them and may share a group with them
    learners: int = 0  # people they could teach and who may share a group with them


@dataclass(frozen=True)
class GroupSolverReport:
    """How groups were formed and how good they provably are."""

    method: str  # circles: "local_search"; triads: "exact" or "restricted" (see triads.py)
    people: int  # people the solver placed or tried to (locked groups and pairs excluded)
    teach_arcs: int  # who-teaches-whom arcs between people who may share a group
    iterations: int  # circles: improving moves made; triads: candidate triads considered
    passes: int  # circles: sweeps over everyone; triads: 1
    placeable_bound: int  # nobody can place more people than this
    placed_people: int
    total_value: int
    # Circles: no valid partition has a higher value. Triads: no arrangement placing as many people has (only
    # when every pair and triad was compared). None: no bound.
    value_upper_bound: float | None
    seconds: float
    proven: bool = False  # the result is the optimum: circles solved exactly; triads compared with everything

    @property
    def certified_ratio(self) -> float | None:
        """total value / the upper bound: the result is at least this share of the best value (None: no bound)."""
        if self.value_upper_bound is None:
            return None
        if self.value_upper_bound <= 0:
            return 1.0
        return min(1.0, self.total_value / self.value_upper_bound)


@dataclass(frozen=True)
class CircleResult:
    groups: tuple[Group, ...]  # by first member
    unplaced: tuple[Unplaced, ...]  # by id
    total_value: int  # sum of group values, locked groups included
    placed_people: int
    target_size: int
    solver: GroupSolverReport  # about the free (not locked) people
    timings: Mapping[str, float] = field(default_factory=dict)  # seconds: "graph", "search", "bound", "report"

    def group_of(self, person_id: str) -> Group | None:
        for group in self.groups:
            if person_id in group.members:
                return group
        return None

    @property
    def sizes(self) -> dict[int, int]:
        """How many groups of each size."""
        counts: dict[int, int] = {}
        for group in self.groups:
            counts[group.size] = counts.get(group.size, 0) + 1
        return dict(sorted(counts.items()))


@dataclass(frozen=True)
class TriadResult:
    """A pairing completed with triads for (some of) the people it left out."""

    pairs: tuple[Pair, ...]  # best score first, then by ids
    triads: tuple[Group, ...]  # by first member; kind "triad"
    unplaced: tuple[Unplaced, ...]  # by id
    placed_people: int  # in pairs or triads
    paired_before: int  # people the pairing alone placed
    broken_pairs: tuple[tuple[str, str], ...]  # pairs of the pairing that are no longer pairs, by ids
    total_value: int  # pair scores plus triad values
    solver: GroupSolverReport
    timings: Mapping[str, float] = field(default_factory=dict)  # seconds: "graph", "solving", "report"

    @property
    def people_in_triads(self) -> int:
        return 3 * len(self.triads)

    @property
    def placed_by_triads(self) -> int:
        """How many more people are placed than by the pairing alone: what triads added."""
        return self.placed_people - self.paired_before
