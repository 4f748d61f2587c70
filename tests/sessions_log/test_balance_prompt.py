"""The teaching-balance prompt on the pair's sessions page: each side of a pair that drifted beyond 60/40 is told
what to do next time; the one who mentored more to let the partner teach, the one who mentored less to teach."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


def _held(pair, days_ago: int, minutes: tuple[int, int], first) -> None:
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(days=days_ago)
    SessionFactory(partnership=pair, status="held", start=start, halves=minutes, halves__first_mentor=first)


def _prompt(client_for, pair, viewer) -> str:
    page = client_for(viewer).get(reverse("sessions_log:partnership_sessions", args=[pair.pk])).text
    marker = 'data-testid="balance-prompt">'
    if marker not in page:
        return ""
    start = page.index(marker) + len(marker)
    return " ".join(page[start : page.index("</div>", start)].replace("&#x27;", "'").split())


@pytest.fixture(params=["ana leads", "ben leads"])
def drifted(request, pair, ana, ben):
    """Three held sessions in which one partner mentored 45 minutes and the other 20: a 69/31 split."""
    more, less = (ana, ben) if request.param == "ana leads" else (ben, ana)
    for days in (9, 6, 3):
        _held(pair, days, (45, 20), first=more)
    return more, less


def test_the_partner_who_mentored_more_is_told_to_let_the_other_teach(pair, client_for, drifted):
    more, less = drifted
    assert _prompt(client_for, pair, more) == (
        "Over your last 3 sessions you mentored for 69% of the time. Two-way mentoring works best when both of you "
        f"teach: next time, let {less.display_name} lead their half. Bring questions and claim your own half as "
        "mentee."
    )


def test_the_partner_who_mentored_less_is_told_to_take_their_mentor_half(pair, client_for, drifted):
    more, less = drifted
    prompt = _prompt(client_for, pair, less)
    assert prompt == (
        f"Over your last 3 sessions {more.display_name} mentored for 69% of the time and you for 31%. Your turn to "
        f"teach matters too: next time, prepare something to teach {more.display_name} and take your full half as "
        "mentor."
    )
    assert "topic you want to learn" not in prompt


def test_a_balanced_pair_sees_no_prompt(pair, ana, ben, client_for):
    for days in (9, 6, 3):
        _held(pair, days, (36, 24), first=ana if days != 6 else ben)  # 96 / 84 minutes
    for viewer in (ana, ben):
        assert _prompt(client_for, pair, viewer) == ""
        page = client_for(viewer).get(reverse("sessions_log:partnership_sessions", args=[pair.pk])).text
        assert 'data-testid="teaching-balance"' in page
