"""The community's part of pages that lower apps own (programs and partnerships never import the community):
the pair's page shows its story card, and the page employees read before they enroll shows the program's
published stories."""

from django import template

from mentoring.community import selectors
from mentoring.community.models import STORY_MIN_HELD_SESSIONS

register = template.Library()


@register.inclusion_tag("community/_pair_story.html", takes_context=True)
def pair_story_card(context, partnership):
    """The pair's story: write it after enough held sessions, or where it stands (two queries)."""
    story, held = selectors.pair_story(partnership)
    return {
        "partnership": partnership,
        "story": story,
        "held": held,
        "needed": STORY_MIN_HELD_SESSIONS,
        "can_write": held >= STORY_MIN_HELD_SESSIONS,
    }


@register.inclusion_tag("community/_program_stories.html")
def program_stories(program, limit: int = 3):
    """What people learned here: the program's latest published stories (one query)."""
    return {"stories": selectors.published_stories(program_id=program.pk, limit=limit), "program": program}
