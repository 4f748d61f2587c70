"""Small-group suppression: the one rule every report figure goes through, on the page, in the CSV and in charts.

A report publishes cells (a number and, for a count of people or pairs, how many it describes) tied together by
sums (a breakdown and its total, wherever the total is shown or can be worked out) and by figures computed from
other cells (an average from its distribution, a row's figures from the group they describe). The rules:

1. **Small groups.** A cell counting people is hidden when it describes fewer than ``MIN_PEOPLE`` of them (pairs:
   ``MIN_PAIRS``), **zero included**: a group of nobody reads exactly like a group of one, so a new answer that
   moves a cell from 0 to 1 changes nothing on the page.
2. **Activity figures** (minutes, sessions, check-ins, enrollments and pairs by their state, how many answered) are
   not the size of a group of people: they are shown as they are, zero included, unless rule 3 or 4 hides them.
3. **Complements.** In every sum, when exactly one member (a part or the total) is hidden, the smallest other
   visible part is hidden too; when there is none (a total over a single group), the total is hidden. So a hidden
   cell is never the one unknown left after adding and subtracting the shown ones.
4. **Derived figures.** An average, a score or a share is hidden with any cell of the distribution it is computed
   from (otherwise the average and the total are two equations that give two hidden cells away, and a new answer
   would move the average); a group's other figures are hidden with the group.

Every hidden figure reads the same words, ``HIDDEN``, whichever rule hid it and whatever its size: if a complement
read differently, a reader would know which hidden cell is the small one and could bound it from the total.
Hiding only ever adds: ``suppress`` may be called again with more relations and keeps what is already hidden.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.utils.html import conditional_escape, format_html

from mentoring.core.privacy import MIN_PAIRS, MIN_PEOPLE

HIDDEN = "not shown"


@dataclass(eq=False)
class Cell:
    """One published figure. ``people`` is how many people (or pairs) it describes; None for an activity figure.

    The value is kept when the cell is hidden (the report's own sums and tests need it): only ``text``, the page
    and the CSV are what a reader gets.
    """

    value: int | float | None
    people: int | None = None
    threshold: int = MIN_PEOPLE
    suffix: str = ""
    signed: bool = False  # a change or a score that may be negative: "+0.6", "-20"
    suppressed: bool = False

    def __post_init__(self):
        if self.people is not None and self.people < self.threshold:
            self.suppressed = True  # rule 1: zero included

    @property
    def shown(self) -> bool:
        return not self.suppressed and self.value is not None

    @property
    def text(self) -> str:
        if self.suppressed:
            return HIDDEN
        if self.value is None:
            return "–"
        if self.signed and self.value > 0:
            return f"+{self.value}{self.suffix}"
        return f"{self.value}{self.suffix}"

    def __str__(self) -> str:
        return self.text

    def __html__(self) -> str:
        """In a page, a hidden figure is set apart so it reads as a note rather than a number."""
        if self.suppressed:
            return format_html('<span class="fst-italic text-body-secondary" data-suppressed>{}</span>', self.text)
        return conditional_escape(self.text)


def people(value: int, population: int | None = None, **kwargs) -> Cell:
    """A count of people (or of what they gave, with ``population`` the people who gave it): rule 1 applies."""
    return Cell(value, value if population is None else population, **kwargs)


def pairs(value: int, **kwargs) -> Cell:
    """A count of pairs in a group: rule 1 with the pair threshold."""
    return Cell(value, value, MIN_PAIRS, **kwargs)


def activity(value: int | float | None, **kwargs) -> Cell:
    """A figure that is not the size of a group of people (minutes, sessions, check-ins): rule 2."""
    return Cell(value, None, **kwargs)


@dataclass(frozen=True, eq=False)
class Total:
    """``total`` is the sum of ``parts``, as a reader can see or work out (rule 3)."""

    total: Cell
    parts: Sequence[Cell]

    def apply(self) -> bool:
        hidden = [c for c in (self.total, *self.parts) if c.suppressed]
        if len(hidden) != 1:
            return False
        # A visible activity zero is no cover: hiding a figure everyone knows is 0 hides nothing.
        candidates = [c for c in self.parts if not c.suppressed and (c.people is not None or c.value)]
        if candidates:
            # The next smallest: the least loss, and the one a reader would least expect.
            min(candidates, key=_size).suppressed = True
            return True
        if not self.total.suppressed:
            self.total.suppressed = True
            return True
        return False


@dataclass(frozen=True, eq=False)
class Follows:
    """``cells`` are computed from ``leaders`` (an average from its distribution, a row from its group): rule 4."""

    cells: Sequence[Cell]
    leaders: Sequence[Cell]

    def apply(self) -> bool:
        if not any(c.suppressed for c in self.leaders):
            return False
        changed = [c for c in self.cells if not c.suppressed]
        for c in changed:
            c.suppressed = True
        return bool(changed)


def same(*cells: Cell) -> list[Follows]:
    """One figure shown in two places: hidden in both or in neither."""
    return [Follows(cells, [cell]) for cell in cells]


def suppress(relations: Iterable[Total | Follows]) -> None:
    """Apply rules 3 and 4 until nothing changes (rule 1 is applied when a cell is made)."""
    relations = list(relations)
    changed = True
    while changed:
        changed = False
        for relation in relations:
            changed |= relation.apply()


def _size(cell: Cell) -> float:
    return cell.people if cell.people is not None else cell.value


# --- What the pages and the CSV read --------------------------------------------------------------------------


@dataclass
class Bar:
    """One bar of a distribution; its width (the share of ``whole``) only when its count is shown."""

    label: str
    count: Cell
    whole: int | None

    @property
    def percent(self) -> int | None:
        return percent(self.count.value, self.whole) if self.count.shown else None


def percent(part: int | float | None, whole: int | float | None) -> int | None:
    return round(100 * (part or 0) / whole) if whole else None


def csv_value(value) -> str:
    if isinstance(value, Cell):
        if value.suppressed:
            return value.text
        value = value.value
    return "" if value is None else str(value)


def cells_of(obj) -> Iterator[Cell]:
    """Every cell of a report section (dataclasses, lists, dicts and tuples of them), for "is anything hidden?"."""
    if isinstance(obj, Cell):
        yield obj
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            if f.name != "relations":
                yield from cells_of(getattr(obj, f.name))
    elif isinstance(obj, dict):
        for item in obj.values():
            yield from cells_of(item)
    elif isinstance(obj, list | tuple):
        for item in obj:
            yield from cells_of(item)
