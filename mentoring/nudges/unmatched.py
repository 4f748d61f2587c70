"""Why someone has no partner, said to them, from what matching stored on the run (matching/unmatched.py).

Matching writes its reasons and suggestions for the program team: they name other people of the cohort ("Ben (61
points with Ana) is paired with Cleo", "excluded by an admin (Dan)", a manager's name) and speak of the person in the
third person. None of that may reach the person: the reason is said in their own terms from its kind, and only the
suggestions that name nobody else and are about their own skill profile are kept, addressed to them.
"""

from __future__ import annotations

import re

# (what the stored reason says, what the person is told): the first that matches.
REASONS = (
    (
        "has not listed any skill they want to learn",
        "You have not listed any skill you want to learn, and this cohort asks both partners to learn something.",
    ),
    (
        "has not listed any skill they can teach",
        "You have not listed any skill you can teach, and this cohort asks both partners to teach something.",
    ),
    ("nobody in this cohort offers what", "Nobody in this cohort offers the skills you want to learn."),
    ("is offered, but not above", "The skills you want to learn are offered here, but not above your level."),
    (
        "nobody in this cohort wants to learn what",
        "Nobody in this cohort wants to learn what you offer, at your levels.",
    ),
    (
        "nobody who can teach",
        "The people who can teach you do not want to learn what you offer, and those who want your skills cannot "
        "teach you what you asked for.",
    ),
    (
        "already paired with someone",
        "Everyone who could have been your partner was paired with someone they fitted even better.",
    ),
    (
        "rules rule out",
        "The cohort's rules (for example: no pairs with your own manager, or a limit on time-zone differences) ruled "
        "out the people who could have been your partner.",
    ),
    ("direct report", "The only people who could have been your partner report to you, and pairs never do."),
    ("manager", "The only person who could have been your partner is your manager, and pairs never are."),
)
BROKEN_PAIR = "The program team took apart the pair first proposed for you."
ANY_OTHER = "No partner fitted you well enough in this round."

# Suggestions about the person's own profile (the rest are for the program team: cohort rules, pairing by hand).
OWN_PROFILE = re.compile(r"^(\d+ (person|people) who may pair with |Ask .+ to add a skill|Ask .+ whether they can)")


def _you(text: str, names: list[str]) -> str:
    for name in names:
        text = text.replace(f"{name}'s", "your").replace(name, "you")
    text = re.sub(r"^Ask you to add a skill they", "Add a skill you", text)
    text = re.sub(r"^Ask you whether they can also", "Consider whether you can also", text)
    text = text.replace("if you can offer", "if you can offer").replace(" they become partners", " you could pair")
    return text[:1].upper() + text[1:]


def for_participant(row, *, others: set[str]) -> tuple[str, list[str]]:
    """(reason, suggestions) for the person of a MatchUnmatched row; ``others`` are the names and addresses of the
    people of the cohort, none of which may appear in what is returned but the person's own."""
    user = row.user
    own = [n for n in (user.full_name, getattr(user, "display_name", ""), user.email) if n]
    # Longest first, so "Ana Lima" is replaced before "Ana".
    own = sorted(set(own), key=len, reverse=True)
    strangers = {name for name in others if name and name not in own}
    if row.from_broken_pair:
        reason = BROKEN_PAIR
    else:
        reason = next((said for found, said in REASONS if found in row.reason), ANY_OTHER)
    suggestions = []
    for text in row.suggestions or []:
        if text.startswith("Fallback") or not OWN_PROFILE.match(text):
            continue
        if any(name in text for name in strangers):
            continue
        suggestions.append(_you(text, own))
    return reason, suggestions
