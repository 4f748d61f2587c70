"""Why someone was left unmatched, what would help, and the fallbacks (one-way pairing, trio) an admin may use.

Works on CohortArrays, one block of unmatched people at a time (never all pairs), so it stays fast at 50,000.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from matching.results import Fallback, Unmatched
from matching.scoring import (
    BLOCK_EXCLUDED,
    BLOCK_MANAGER,
    BLOCK_ONE_WAY,
    BLOCK_SAME_DEPARTMENT,
    BLOCK_TIMEZONE,
    HARD_RULE_BITS,
    Candidate,
    CohortArrays,
    breakdown,
    hours,
    skill_key,
)

MAX_NAMES = 5  # people named in a reason before "and N more"
SKILL_HINTS = 3  # skills suggested at most


def names(ids: list[str], limit: int = MAX_NAMES) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else many or word + 's'}"


class UnmatchedReport:
    def __init__(self, arrays: CohortArrays, mate: np.ndarray, pair_score: np.ndarray, locked: np.ndarray):
        self.arrays = arrays
        self.people = arrays.people
        self.rules = arrays.rules
        self.mate, self.pair_score, self.locked = mate, pair_score, locked
        matched = np.flatnonzero(mate > np.arange(len(mate)))
        self.pairs = np.stack([matched, mate[matched]], axis=1) if len(matched) else np.zeros((0, 2), np.int64)
        self.offered_count: Counter[str] = Counter()
        self.display: dict[str, str] = {}
        self._wanted_count: Counter[str] | None = None
        for p in self.people:
            for s in p.offers:
                self.offered_count[skill_key(s)] += 1
                self.display.setdefault(skill_key(s), s)
            for s in p.wants:
                self.display.setdefault(skill_key(s), s)

    def build(self, rows: np.ndarray) -> list[Unmatched]:
        result = []
        for chunk in np.array_split(rows, max(1, len(rows) // 256)):
            if not len(chunk):
                continue
            i, j, out, inn = self.arrays.block(chunk, upper=False)
            _, blocked = self.arrays.evaluate(i, j, out, inn)
            starts = np.searchsorted(i, chunk, side="left")
            ends = np.searchsorted(i, chunk, side="right")
            for x, lo, hi in zip(chunk.tolist(), starts.tolist(), ends.tolist(), strict=True):
                result.append(self._one(x, j[lo:hi], out[lo:hi], inn[lo:hi], blocked[lo:hi]))
        return result

    # -- one person -------------------------------------------------------------------------------------------

    def _one(self, x: int, js: np.ndarray, out: np.ndarray, inn: np.ndarray, blocked: np.ndarray) -> Unmatched:
        p = self.people[x]
        allowed = js[blocked == 0]
        hard = self.arrays.hard_blocks(x)
        suggestions: list[str] = []
        if len(allowed):
            reason = self._all_taken(p, allowed, js, out, inn)
        else:
            reason = self._no_partner(p, js, out, inn, blocked, hard, suggestions)
        fallbacks = self._fallbacks(x, js, out, inn, hard)
        suggestions.extend(f.description for f in fallbacks if f.kind == "trio")
        return Unmatched(
            id=p.id,
            reason=reason,
            suggestions=tuple(suggestions),
            fallbacks=tuple(fallbacks),
            allowed_partners=len(allowed),
        )

    def _all_taken(self, p: Candidate, allowed: np.ndarray, js, out, inn) -> str:
        value = (out + inn)[np.isin(js, allowed)]
        best = allowed[np.lexsort((allowed, -value))]
        options = []
        for j in best[:3].tolist():
            total = breakdown(p, self.people[j], self.rules).total
            if self.mate[j] < 0:
                options.append(f"{self.people[j].id} ({total} points with {p.id}) is unmatched too")
                continue
            lock = ", locked by an admin" if self.locked[j] else ""
            options.append(
                f"{self.people[j].id} ({total} points with {p.id}) is paired with {self.people[self.mate[j]].id} "
                f"({int(self.pair_score[j])} points{lock})"
            )
        who = (
            f"{p.id}'s only possible partner"
            if len(allowed) == 1
            else f"all {len(allowed)} people who could pair with {p.id}"
        )
        return (
            f"{who} {'is' if len(allowed) == 1 else 'are'} already paired with someone who scores higher or who had "
            f"no other partner; pairing {p.id} instead would leave someone else unmatched or lower the total. "
            f"Closest options: {'; '.join(options)}."
        )

    def _no_partner(self, p, js, out, inn, blocked, hard, suggestions: list[str]) -> str:
        rules = self.rules
        teachers, learners = js[inn > 0], js[out > 0]
        if not p.wants and rules.reciprocity_required:
            suggestions.append(
                f"Ask {p.id} to add a skill they want to learn{self._popular(p, '; most offered here: ')}."
            )
            return (
                f"{p.id} has not listed any skill they want to learn, and this cohort requires both partners to learn."
            )
        if not p.offers and rules.reciprocity_required:
            suggestions.append(
                f"Ask {p.id} to add a skill they can teach{self._most_wanted(p, '; most wanted here: ')}."
            )
            return f"{p.id} has not listed any skill they can teach, and this cohort requires both partners to teach."
        if not len(teachers) and (rules.reciprocity_required or not len(learners)):
            missing, too_low = [], []
            for skill, current in sorted(p.wants.items(), key=lambda kv: skill_key(kv[0])):
                if self.offered_count[skill_key(skill)] - (1 if skill_key(skill) in map(skill_key, p.offers) else 0):
                    too_low.append((skill, current))
                else:
                    missing.append(skill)
            parts = []
            if missing:
                parts.append(f"nobody in this cohort offers what {p.id} wants: {', '.join(missing)}")
            for skill, current in too_low:
                parts.append(f"{skill} is offered, but not above {p.id}'s level {current}")
            wanted = ", ".join(missing + [f"{skill} above level {current}" for skill, current in too_low])
            suggestions.append(
                f"Find someone who offers {wanted} (for example in the next cohort), or ask {p.id} to choose other "
                f"skills to learn{self._popular(p, '; most offered here: ')}."
            )
            return "; ".join(parts) + "."
        if rules.reciprocity_required and not len(learners):
            offered = ", ".join(sorted(p.offers, key=skill_key))
            suggestions.append(
                f"Ask {p.id} whether they can also teach another skill{self._most_wanted(p, '; most wanted here: ')}."
            )
            return f"nobody in this cohort wants to learn what {p.id} offers ({offered}) at {p.id}'s levels."
        reciprocal = (inn > 0) & (out > 0) if rules.reciprocity_required else (inn > 0) | (out > 0)
        if not reciprocal.any():
            self._skill_hints(p, js, inn, out, hard, suggestions)
            return (
                f"nobody who can teach {p.id} ({plural(len(teachers), 'person', 'people')}) wants to learn what "
                f"{p.id} offers, and nobody who wants {p.id}'s skills "
                f"({plural(len(learners), 'person', 'people')}) can teach {p.id}."
            )
        # Partners exist, but hard rules rule every one of them out.
        kind = "reciprocal partners" if rules.reciprocity_required else "possible partners"
        ruled = blocked[reciprocal] & ~BLOCK_ONE_WAY
        who = js[reciprocal]
        reports = [self.people[j].id for j in who[(ruled & BLOCK_MANAGER) > 0] if self.people[j].manager == p.id]
        manager = [self.people[j].id for j in who[(ruled & BLOCK_MANAGER) > 0] if self.people[j].manager != p.id]
        groups = []
        if reports:
            groups.append(
                f"{plural(len(reports), 'is', 'are')} {p.id}'s direct report{'s' * (len(reports) > 1)} "
                f"({names(reports)})"
            )
        if manager:
            groups.append(f"1 is {p.id}'s manager ({manager[0]})")
        same = int(((ruled & BLOCK_SAME_DEPARTMENT) > 0).sum())
        if same:
            groups.append(f"{same} {'is' if same == 1 else 'are'} in {p.department} too (forbidden in this cohort)")
            suggestions.append(
                f"Same-department pairs are forbidden in this cohort; allowing or discouraging them would give "
                f"{p.id} {plural(same, 'possible partner')}."
            )
        far = int(((ruled & BLOCK_TIMEZONE) > 0).sum())
        if far:
            limit = hours(int(float(rules.max_timezone_gap_hours) * 60))
            groups.append(f"{far} {'is' if far == 1 else 'are'} more than {limit} away")
            suggestions.append(
                f"Raising the cohort's time-zone limit above {limit} would give {p.id} "
                f"{plural(far, 'possible partner')}."
            )
        excluded = [self.people[j].id for j in who[(ruled & BLOCK_EXCLUDED) > 0]]
        if excluded:
            groups.append(
                f"{len(excluded)} {'was' if len(excluded) == 1 else 'were'} excluded by an admin ({names(excluded)})"
            )
        if len(reports) == len(who) and reports:
            reason = f"{p.id}'s only {kind} are their own direct reports ({names(reports)})."
        elif len(manager) == len(who) and manager:
            reason = f"{p.id}'s only {kind.rstrip('s')} is their own manager ({manager[0]})."
        else:
            reason = (
                f"{p.id} has {plural(len(who), kind.rstrip('s'), kind)}, but this cohort's rules rule out every "
                f"one: {'; '.join(groups)}."
            )
        self._skill_hints(p, js, inn, out, hard, suggestions)
        return reason

    # -- suggestions ------------------------------------------------------------------------------------------

    def _popular(self, p: Candidate, prefix: str) -> str:
        """The skills most offered in the cohort that p neither offers nor wants, after prefix (or nothing)."""
        own = {skill_key(s) for s in p.offers} | {skill_key(s) for s in p.wants}
        top = sorted((-c, k) for k, c in self.offered_count.items() if k not in own)[:SKILL_HINTS]
        return prefix + ", ".join(f"{self.display[k]} ({-c})" for c, k in top) if top else ""

    def _most_wanted(self, p: Candidate, prefix: str) -> str:
        """The skills most wanted in the cohort that p does not offer yet, after prefix (or nothing)."""
        if self._wanted_count is None:
            self._wanted_count = Counter(skill_key(s) for q in self.people for s in q.wants)
        own = {skill_key(s) for s in p.offers}
        top = sorted((-c, k) for k, c in self._wanted_count.items() if k not in own)[:SKILL_HINTS]
        return prefix + ", ".join(f"{self.display[k]} ({-c})" for c, k in top) if top else ""

    def _skill_hints(self, p: Candidate, js, inn, out, hard, suggestions: list[str]) -> None:
        """Skills that would give p a partner: what p's possible teachers want, what p's possible learners offer."""
        ok = (hard[js] & HARD_RULE_BITS) == 0
        offers = {skill_key(s) for s in p.offers}
        wants = {skill_key(s) for s in p.wants}
        teachers = js[(inn > 0) & ok]
        teach_value = inn[(inn > 0) & ok]
        learners = js[(out > 0) & ok]
        learn_value = out[(out > 0) & ok]
        could_offer: Counter[str] = Counter()
        for j in teachers[np.argsort(-teach_value, kind="stable")][:300].tolist():
            for s, level in self.people[j].wants.items():
                if skill_key(s) not in offers and level < 5:
                    could_offer[skill_key(s)] += 1
        could_learn: Counter[str] = Counter()
        for j in learners[np.argsort(-learn_value, kind="stable")][:300].tolist():
            for s, level in self.people[j].offers.items():
                if skill_key(s) not in wants and skill_key(s) not in offers and level > 1:
                    could_learn[skill_key(s)] += 1
        if could_offer:
            top = sorted((-c, k) for k, c in could_offer.items())[:SKILL_HINTS]
            listed = ", ".join(f"{self.display[k]} (wanted by {-c} of them)" for c, k in top)
            suggestions.append(
                f"{plural(len(teachers), 'person', 'people')} who may pair with {p.id} can teach {p.id}; if "
                f"{p.id} can offer one of the skills they want, they become partners: {listed}."
            )
        if could_learn:
            top = sorted((-c, k) for k, c in could_learn.items())[:SKILL_HINTS]
            listed = ", ".join(f"{self.display[k]} (offered by {-c} of them)" for c, k in top)
            suggestions.append(
                f"{plural(len(learners), 'person', 'people')} who may pair with {p.id} want to learn from "
                f"{p.id}; if {p.id} wants to learn one of the skills they offer, they become partners: {listed}."
            )

    # -- fallbacks --------------------------------------------------------------------------------------------

    def _fallbacks(self, x: int, js, out, inn, hard) -> list[Fallback]:
        p = self.people[x]
        n = self.arrays.n
        ok = (hard & HARD_RULE_BITS) == 0
        learn = np.zeros(n, dtype=np.int64)
        teach = np.zeros(n, dtype=np.int64)
        learn[js] = inn
        teach[js] = out
        result = []
        # Trio: join an existing pair where x learns from one of the two and teaches one of the two.
        if len(self.pairs):
            a, b = self.pairs[:, 0], self.pairs[:, 1]
            gain_learn = learn[a] + learn[b]
            gain_teach = teach[a] + teach[b]
            valid = ok[a] & ok[b] & (gain_learn > 0) & (gain_teach > 0)
            if valid.any():
                best = int(np.argmax(np.where(valid, gain_learn + gain_teach, -1)))
                ia, ib = int(a[best]), int(b[best])
                result.append(self._trio(p, ia, ib, int(gain_learn[best] + gain_teach[best])))
        # One-way: the person who best covers what x wants (an unmatched one first when equally good).
        candidates = np.flatnonzero(ok & (learn > 0))
        if len(candidates):
            order = np.lexsort((candidates, self.mate[candidates] >= 0, -learn[candidates]))
            j = int(candidates[order[0]])
            result.append(self._one_way(p, j))
        return result

    def _trio(self, p: Candidate, ia: int, ib: int, points: int) -> Fallback:
        pa, pb = self.people[ia], self.people[ib]
        learns, teaches, text = [], [], []
        for q in (pa, pb):
            bd = breakdown(q, p, self.rules)
            learns += [x.skill for x in bd.a_teaches_b]
            teaches += [x.skill for x in bd.b_teaches_a]
            if bd.a_teaches_b:
                text.append(
                    f"{q.id} teaches {p.id} "
                    + ", ".join(f"{x.skill} (level {x.teacher_level} to {x.learner_level})" for x in bd.a_teaches_b)
                )
            if bd.b_teaches_a:
                text.append(
                    f"{p.id} teaches {q.id} "
                    + ", ".join(f"{x.skill} (level {x.teacher_level} to {x.learner_level})" for x in bd.b_teaches_a)
                )
        return Fallback(
            kind="trio",
            partners=(pa.id, pb.id),
            learns=tuple(dict.fromkeys(learns)),
            teaches=tuple(dict.fromkeys(teaches)),
            points=points,
            description=f"Fallback (trio): {p.id} could join {pa.id} and {pb.id}: {'; '.join(text)}.",
        )

    def _one_way(self, p: Candidate, j: int) -> Fallback:
        q = self.people[j]
        bd = breakdown(q, p, self.rules)
        lessons = ", ".join(f"{x.skill} (level {x.teacher_level} to {x.learner_level})" for x in bd.a_teaches_b)
        back = (
            f"{p.id} teaches {q.id} " + ", ".join(x.skill for x in bd.b_teaches_a)
            if bd.b_teaches_a
            else f"{q.id} would not learn anything they asked for from {p.id}"
        )
        mate = self.mate[j]
        status = (
            f"{q.id} is already paired with {self.people[mate].id}, so this would be a second partnership for {q.id}"
            if mate >= 0
            else f"{q.id} is unmatched too"
        )
        return Fallback(
            kind="one_way",
            partners=(q.id,),
            learns=tuple(x.skill for x in bd.a_teaches_b),
            teaches=tuple(x.skill for x in bd.b_teaches_a),
            points=sum(x.points for x in bd.a_teaches_b) + sum(x.points for x in bd.b_teaches_a),
            description=f"Fallback (one-way, not reciprocal): {q.id} could mentor {p.id} in {lessons}; {back}. "
            f"{status}.",
        )
