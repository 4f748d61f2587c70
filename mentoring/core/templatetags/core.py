"""Template filters every app's templates may use."""

from django import template

register = template.Library()


@register.filter
def lookup(mapping: dict, key):
    """``{{ my_pairs|lookup:enrollment.cohort_id }}``: a dictionary's value for a key, or None."""
    return mapping.get(key) if mapping else None
