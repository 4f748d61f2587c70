"""The community's part of pages that lower apps own (programs and partnerships never import the community):
the pair's page shows its story card and the resources for the skills the two teach each other; the page employees
read before they enroll shows the program's published stories; the cohort page shows its required training."""

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


@register.inclusion_tag("community/_pair_resources.html", takes_context=True)
def pair_resources(context, partnership):
    """Approved resources for the skills the viewer teaches and learns in this pair (one query)."""
    viewer = context["request"].user
    teaches = list(partnership.teaches(viewer))
    learns = list(partnership.teaches(partnership.partner_of(viewer)))
    resources = selectors.approved_resources(skill_names=teaches + learns)
    return {
        "teach": [r for r in resources if r.skill.name in teaches],
        "learn": [r for r in resources if r.skill.name in learns],
    }


@register.inclusion_tag("community/_cohort_training.html")
def cohort_training_card(cohort):
    """The console's cohort page: how many required modules, how many approved participants completed them."""
    required, ready = selectors.cohort_training_counts(cohort)
    return {"cohort": cohort, "required": required, "ready": ready}


@register.inclusion_tag("community/_pair_introductions.html", takes_context=True)
def pair_introductions(context, partnership):
    """Ask the partner for an introduction; answer what the partner asked (two queries)."""
    viewer = context["request"].user
    return {"partnership": partnership, "requests": selectors.open_requests_for(partnership, viewer)}


@register.inclusion_tag("community/_closing_alumni_network.html")
def alumni_network_on_closing(cohort):
    """The console's closing page: how many new alumni are invited to the alumni network (one query)."""
    return {"invited": selectors.alumni_to_invite(cohort).count()}
