"""Why someone is left out of every circle, in words."""

from __future__ import annotations

from matching.circles.search import Search
from matching.groups import TeachGraph, can_teach
from matching.results import Unplaced
from matching.scoring import BLOCK_EXCLUDED, BLOCK_MANAGER, BLOCK_SAME_DEPARTMENT, BLOCK_TIMEZONE, HARD_RULE_BITS

RULE_WORDS = (
    (BLOCK_MANAGER, "manager or direct report"),
    (BLOCK_TIMEZONE, "time zone too far"),
    (BLOCK_SAME_DEPARTMENT, "same department (forbidden in this cohort)"),
    (BLOCK_EXCLUDED, "excluded by an admin"),
)


def unplaced_reason(graph: TeachGraph, search: Search, x: int, placeable: set[int]) -> Unplaced:
    p = graph.people[x]
    teachers, learners = len(graph.inn[x]), len(graph.out[x])
    if not p.wants:
        reason = f"{p.id} has not listed any skill they want to learn; in a circle everyone learns."
    elif not p.offers:
        reason = f"{p.id} has not listed any skill they can teach; in a circle everyone teaches."
    elif not teachers:
        reason = _nobody(graph, x, teach=True)
    elif not learners:
        reason = _nobody(graph, x, teach=False)
    elif x in search.exact:
        reason = (
            f"{p.id} can learn from {teachers} and teach {learners} people here, but every way of forming circles "
            f"with them that includes {p.id} places fewer people or less value overall (all were compared)."
        )
    elif x not in placeable:
        reason = (
            f"{p.id} can learn from {teachers} and teach {learners} people here, but no circle of {search.low} or "
            f"more can hold {p.id} and them: those they could add would teach or learn nothing there, or a hard "
            "rule keeps them apart."
        )
    else:
        near = sorted({search.group_of[y] for y in search.nbrs[x]} - {-1})
        full = sum(len(search.members[g]) >= search.high for g in near)
        reason = (
            f"{p.id} can learn from {teachers} and teach {learners} people here, but no circle could take {p.id}: "
            f"of the {len(near)} circles of {p.id}'s best partners, {full} are full ({search.high} people) and in "
            f"the others {p.id} would teach or learn nothing, or a hard rule keeps {p.id} apart from a member; the "
            "people left over could not form a new circle."
        )
    return Unplaced(id=p.id, reason=reason, teachers=teachers, learners=learners)


def _nobody(graph: TeachGraph, x: int, *, teach: bool) -> str:
    """Why nobody may teach x (teach=True) or learn from x: nobody fits their skills, or the rules."""
    p = graph.people[x]
    if teach:
        fits = [i for i, q in enumerate(graph.people) if i != x and can_teach(q, p)]
        what = f"offers what {p.id} wants ({', '.join(sorted(p.wants))}) above {p.id}'s level"
        role = f"could teach {p.id}"
    else:
        fits = [i for i, q in enumerate(graph.people) if i != x and can_teach(p, q)]
        what = f"wants to learn what {p.id} offers ({', '.join(sorted(p.offers))}) below {p.id}'s level"
        role = f"could learn from {p.id}"
    if not fits:
        return f"nobody in this cohort {what}."
    hard = graph.arrays.hard_blocks(x)[fits] & HARD_RULE_BITS
    ruled = ", ".join(
        f"{int(((hard & bit) > 0).sum())} {words}" for bit, words in RULE_WORDS if ((hard & bit) > 0).any()
    )
    who = "1 person" if len(fits) == 1 else f"{len(fits)} people"
    return f"{who} here {role}, but the cohort's rules keep every one apart from {p.id}: {ruled}."
