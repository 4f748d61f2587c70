from django.shortcuts import render

from accounts import selectors as account_selectors
from mentoring.followup.forms import FitCheckForm
from mentoring.home.attention import attention_for
from mentoring.home.selectors import home_partnerships
from mentoring.programs import selectors
from mentoring.programs.models import EnrollmentStatus
from mentoring.surveys import selectors as assessment_selectors


def home(request):
    """Anyone: a welcome for visitors; for a signed-in person, their next steps."""
    if not request.user.is_authenticated:
        return render(request, "home/home_anonymous.html")
    profile, offered, wanted = account_selectors.profile_for(request.user)
    partnership_cards = home_partnerships(request.user)
    return render(
        request,
        "home/home.html",
        {
            "profile": profile,
            "completeness": profile.completeness(len(offered), len(wanted)),
            "my_enrollments": selectors.enrollments_for(request.user).exclude(status=EnrollmentStatus.WITHDRAWN),
            # Only cohorts the person can still join: counting the one they just enrolled in reads as "go enroll".
            "open_cohorts": [
                cohort
                for cohort in selectors.cohorts_open_for(request.user)
                if cohort.my_status in (None, EnrollmentStatus.WITHDRAWN)
            ],
            "invitations": selectors.invitations_for(request.user),
            "partnership_cards": partnership_cards,
            # The partnership of each enrollment, from the cards already read (active ones come first).
            "my_pairs": {card.partnership.cohort_id: card.partnership.pk for card in reversed(partnership_cards)},
            "open_surveys": assessment_selectors.open_surveys_for(request.user),
            # "Shall we go on?" for each pair that held its first session, answered right on the card.
            "fit_checks": [
                (card, FitCheckForm(auto_id=f"id_fit{card.partnership.pk}_%s"))
                for card in partnership_cards
                if card.fit_check_due
            ],
            # What needs a program admin now (None for anyone else).
            "attention": attention_for(request.user),
        },
    )
