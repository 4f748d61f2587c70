"""What the engine returns: plain, immutable dataclasses (no Django)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from matching.scoring import Breakdown
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
