"""The department spelling rule, in plain Python (no Django), so the matching engine can use it too.

Two spellings name one department when they share a ``department_key``: the same text once its
whitespace is trimmed and collapsed, whatever its capitalisation. ``accounts.departments`` stores
departments by this rule; ``matching.scoring`` compares them by it (the same-department rule).
"""


def clean_department(value: str | None) -> str:
    """Trimmed, with every run of whitespace inside made one space."""
    return " ".join((value or "").split())


def department_key(value: str | None) -> str:
    """What two spellings of one department share."""
    return clean_department(value).casefold()
