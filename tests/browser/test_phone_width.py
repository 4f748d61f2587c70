"""At phone width (390 px) the key pages fit the screen: nothing makes the page scroll sideways.

Runs on the demo organisation, whose names, skills and sessions are what people see in the real app.
"""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from matching.models import MatchRun
from mentoring.demo.loader import DEMO_PASSWORD, load_demo
from mentoring.notifications.services import messages_muted
from mentoring.partnerships.models import Partnership
from mentoring.programs.models import Cohort
from sessions_log.models import Session

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}

# The page is wider than the window, or a box on it scrolls sideways. Each page names the boxes that may scroll
# sideways inside themselves (a CSS selector, e.g. one numbers table), or None: nothing may.
ANY_TABLE = ".table-responsive"
OVERFLOW = """allowed => {
  const wide = [];
  if (document.documentElement.scrollWidth > window.innerWidth)
    wide.push(`the page is ${document.documentElement.scrollWidth}px wide`);
  for (const box of document.querySelectorAll('body *')) {
    const style = getComputedStyle(box);
    const scrolls = ['auto', 'scroll'].includes(style.overflowX) && box.scrollWidth > box.clientWidth + 1;
    if (scrolls && !(allowed && box.matches(allowed)))
      wide.push(`${box.tagName.toLowerCase()}.${box.className} scrolls: ${box.scrollWidth}px in ${box.clientWidth}px`);
  }
  return wide;
}"""


def _sign_in(page, live_server, email):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Hello", exact=False)).to_be_visible()


def test_key_pages_fit_a_phone_screen(live_server, browser, shots, axe_check):
    with messages_muted():
        load_demo()
    ana = User.objects.get(email="ana@northwind.example")
    pair = Partnership.objects.for_user(ana).get()
    session = Session.objects.filter(partnership=pair, status="held").order_by("-start").first()
    pilot = Cohort.objects.get(name="Pilot")
    run = MatchRun.objects.filter(cohort=pilot).latest("pk")
    visits = {
        None: [("/accounts/login/", None), ("/accounts/signup/", None), ("/accounts/password/reset/", None)],
        "ana@northwind.example": [
            ("/", None),
            ("/me/profile/", None),
            ("/me/profile/edit/", None),
            (f"/partnerships/{pair.pk}/", None),
            (f"/sessions/partnerships/{pair.pk}/", None),
            (f"/sessions/{session.pk}/", None),
            (f"/sessions/{session.pk}/check-in/", None),
        ],
        "hr@northwind.example": [
            ("/programs/manage/", None),
            (f"/programs/manage/{pilot.program_id}/", None),
            (f"/programs/manage/cohorts/{pilot.pk}/", ANY_TABLE),
            (f"/sessions/cohorts/{pilot.pk}/pairs/", None),
            (f"/matching/cohorts/{pilot.pk}/", None),
            (run.get_absolute_url(), "#supply .table-responsive"),  # a numbers table stays a table
            ("/me/manage/people/", None),
            ("/me/manage/skills/", None),
            (f"/sessions/cohorts/{pilot.pk}/", None),
        ],
        "leader@northwind.example": [(f"/reports/programs/{pilot.program_id}/", ANY_TABLE)],
    }
    problems = {}
    for email, pages in visits.items():
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        if email:
            _sign_in(page, live_server, email)
        for path, allowed in pages:
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            if wide := page.evaluate(OVERFLOW, allowed):
                problems[path] = wide
                shots(path.strip("/").replace("/", "-") or "home", on=page)
            if path == f"/sessions/{session.pk}/":
                axe_check(on=page)  # the halves, stacked as cards, still pass
        context.close()
    assert not problems, "\n".join(f"{path}: {'; '.join(wide)}" for path, wide in problems.items())
